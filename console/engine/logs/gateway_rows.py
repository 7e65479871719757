"""The gateway side of a join made in one generated function per access-log shape: extract's values, then the join's
tuple (gateway_fields reads the same values the same way; this skips the GatewayFields in between, a million times).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.engine.logs.gateway_fields import NOT_AN_ID, first_source, shape_plan, status_of

__all__ = ["KEYLESS", "RowMaker", "join_row"]

RowMaker = Callable[[dict[str, Any], str, int], Any]
"""``row(obj, source, line)``: (key, the join's tuple), KEYLESS, or None when a value is not text (use extract)."""
KEYLESS = ("", None)
"""What a row maker returns for a record with no correlation id, requestId or extendedRequestId."""
_EMPTY: dict[Any, None] = {"-": None, "": None}  # as gateway_fields reads them: "-" and "" are empty
_TEXT_TYPES = frozenset({str, type(None)})


def join_row(obj: dict[str, Any], correlation_keys: tuple[str, ...]) -> RowMaker:
    """The function making join_gateway's tuple from objects shaped like ``obj``: what :func:`extract` gives, then
    the key (correlation id, else requestId, else extendedRequestId), with no GatewayFields in between."""
    fetch, groups = shape_plan(obj, correlation_keys)
    return _compile_row(groups, fetch)


class _Codes(dict[Any, int | None]):
    """status_of by lookup: the texts seen are remembered (a log has a few dozen)."""

    def __missing__(self, text: Any) -> int | None:
        code = status_of(text)
        if len(self) < 4096 and isinstance(text, str):
            self[text] = code
        return code


def _callers(indices: tuple[int, ...]) -> str:
    """Source text of the distinct non-empty callers, in order (one or two without building a dict)."""
    if not indices:
        return "()"
    if len(indices) == 1:
        return f"((v[{indices[0]}],) if v[{indices[0]}] else ())"
    if len(indices) == 2:
        a, b = (f"v[{i}]" for i in indices)
        return f"(({a}, {b}) if {a} != {b} else ({a},)) if {a} and {b} else ({a},) if {a} else ({b},) if {b} else ()"
    return f"tuple(dict.fromkeys(filter(None, ({', '.join(f'v[{i}]' for i in indices)},))))"


def _compile_row(groups: tuple[Any, ...], fetch: Callable[[dict[str, Any]], tuple[Any, ...]]) -> RowMaker:
    """:func:`_compile`'s values, fused with the fetch and the join's tuple (one call a line, a million times)."""
    g_rid, g_ext, g_corr, g_callers, g_status, g_integration, g_error, g_method, g_path, g_time, g_route = groups
    source = f"""
def row(obj, source, line):
    raw = fetch(obj)
    if not text_types(map(type, raw)):
        return None
    v = (*map(empty, raw, raw), None)
    rid = {first_source(g_rid)}
    if rid == not_an_id:
        rid = None
    key = {first_source(g_corr)} or rid or {first_source(g_ext)}
    if key is None:
        return keyless
    method = {first_source(g_method)}
    if method is None:
        route = {first_source(g_route)}
        method = route.split(" ", 1)[0] if route and " " in route else ""
    return key, (
        source,
        line,
        key,
        rid,
        {_callers(g_callers)},
        codes[{first_source(g_status)}],
        codes[{first_source(g_integration)}],
        {first_source(g_error)},
        method,
        {first_source(g_path)} or "",
        {first_source(g_time)},
        0,
    )
"""
    scope: dict[str, Any] = {
        "fetch": fetch,
        "text_types": _TEXT_TYPES.issuperset,
        "empty": _EMPTY.get,
        "not_an_id": NOT_AN_ID,
        "keyless": KEYLESS,
        "codes": _Codes(),
    }
    exec(compile(source, "<gateway_fields.row>", "exec"), scope)  # noqa: S102 - indices only, as in _compile
    return scope["row"]  # type: ignore[no-any-return]
