"""The join's rows in C: the usual intact row made, and --json rows written (console/engine/logs/_rows.c)."""

from collections.abc import Callable, Mapping, Set
from typing import Any

def render(
    rows: list[Any], times: Mapping[Any, str | None], one: Callable[[Any], bytes], lo: int = ..., hi: int = ..., /
) -> bytes | None: ...
def intact(
    sides: list[Any],
    keys: list[Any],
    gateways: list[Any],
    repeated: Set[str],
    row_type: type[Any],
    gateway_type: type[Any],
    verdict: object,
    refusing: frozenset[int],
    /,
) -> list[Any]: ...
