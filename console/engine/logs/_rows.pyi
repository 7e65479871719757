"""`baton logs join --json` rows written in C (console/engine/logs/_rows.c)."""

from collections.abc import Callable, Mapping
from typing import Any

def render(rows: list[Any], times: Mapping[Any, str | None], one: Callable[[Any], bytes], /) -> bytes | None: ...
