"""The gateway side of a join made in one generated function per access-log shape: extract's values, then the join's
tuple (gateway_fields reads the same values the same way; this skips the GatewayFields in between, a million times).

For whole runs of lines, :func:`line_pattern` gives a regular expression per shape that matches exactly the lines
orjson reads as an object of that shape whose every value is a string written without an escape (JSON's string
rule: no ``"``, no ``\\``, no control character), capturing the values the row reads: one C call reads a run of
lines with no dict per line, and the row maker is the same generated function, fed the captures.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from console.engine.logs.gateway_columns import ColumnBuilder, column_builder
from console.engine.logs.gateway_fields import NOT_AN_ID, first_source, shape_plan, status_of

__all__ = ["KEYLESS", "LinePattern", "RowMaker", "join_row", "line_pattern"]

RowMaker = Callable[[dict[str, Any], str, int], Any]
"""``row(obj, source, line)``: (key, the join's tuple), KEYLESS, or None when a value is not text (use extract)."""
KEYLESS = ("", None)
"""What a row maker returns for a record with no correlation id, requestId or extendedRequestId."""
_EMPTY: dict[Any, None] = {"-": None, "": None}  # as gateway_fields reads them: "-" and "" are empty
_TEXT_TYPES = frozenset({str, type(None)})


def join_row(obj: dict[str, Any], correlation_keys: tuple[str, ...]) -> RowMaker:
    """The function making join_gateway's tuple from objects shaped like ``obj``: what :func:`extract` gives, then
    the key (correlation id, else requestId, else extendedRequestId), with no GatewayFields in between."""
    fetch, groups, _ = shape_plan(obj, correlation_keys)
    return _compile_row(groups, fetch, _Shared(), _Codes())


class LinePattern(NamedTuple):
    """How a run of lines of one shape is read (see line_pattern)."""

    pattern: re.Pattern[str]
    make: RowMaker
    """The row maker taking one match's captures."""
    keys: tuple[bytes, ...]
    """The shape's keys in line order, UTF-8 (for _runs.columns, which does the pattern's work in C)."""
    wanted: tuple[bool, ...]
    """Per key, whether the row reads its value (a match's groups, in line order)."""
    at: tuple[int, ...]
    """Where each value the row reads is among the captured ones."""
    build: ColumnBuilder
    """The row maker per column, for a run's captures as columns."""


_PLAIN_VALUE = r'[^"\\\x00-\x1f]*'
"""A JSON string's content with no escape: exactly the text it stands for (RFC 8259 §7)."""
_PLAIN_KEY = re.compile(_PLAIN_VALUE)


def line_pattern(obj: dict[str, Any], correlation_keys: tuple[str, ...]) -> LinePattern | None:
    """For lines shaped like ``obj`` (its keys in its order): a pattern whose every match in ``"\\n" + text`` is one
    whole line ``{"k":"v",…}`` (CR LF or LF), no space, every value a plain string, ``(?=\\n)`` ending it; and the row
    maker :func:`join_row` gives for such an object, taking the match's groups instead. None when a key is not plain
    text, a value is not a string, or a value the row reads sits in a nested object.

    Such a line is valid JSON and orjson reads it as exactly this object (no escape to decode, no key twice), so the
    row is the one the line-by-line read makes; anything else does not match, and the caller reads that run line by
    line. The caller checks that the matches are as many as the lines."""
    if not obj or not all(isinstance(v, str) for v in obj.values()):
        return None
    if not all(_PLAIN_KEY.fullmatch(k) for k in obj):
        return None
    _, groups, getters = shape_plan(obj, correlation_keys)
    names = [g for g in getters if isinstance(g, str)]
    if not names or len(names) != len(getters):
        return None
    captured = [k for k in obj if k in set(names)]  # in line order; a match's groups come in this order
    parts = [f'"{re.escape(k)}":"' + (f"({_PLAIN_VALUE})" if k in names else _PLAIN_VALUE) + '"' for k in obj]
    # A trailing empty group: findall gives a tuple per match even with one capture.
    pattern = re.compile("\n\\{" + ",".join(parts) + "\\}\r?(?=\n)()")
    at = tuple(captured.index(g) for g in names)  # what fetch(obj) gives, from a match's groups
    pick: Callable[[Any], tuple[Any, ...]] = operator.itemgetter(*at) if len(at) > 1 else _one(at[0])
    shared, codes = _Shared(), _Codes()
    return LinePattern(
        pattern,
        _compile_row(groups, pick, shared, codes, text=True),
        tuple(k.encode() for k in obj),
        tuple(k in names for k in obj),
        at,
        column_builder(groups, shared, codes),
    )


def _one(at: int) -> Callable[[Any], tuple[Any, ...]]:
    return lambda groups: (groups[at],)


class _Codes(dict[Any, int | None]):
    """status_of by lookup: the texts seen are remembered (a log has a few dozen)."""

    def __missing__(self, text: Any) -> int | None:
        code = status_of(text)
        if len(self) < 4096 and isinstance(text, str):
            self[text] = code
        return code


class _Shared(dict[Any, Any]):
    """One object per repeated value (callers, method, path, time, error type): a million records then hold a few
    thousand of each, and marshal (version 4) writes a repeat as a reference, so the parent reads each once."""

    def __missing__(self, value: Any) -> Any:
        if len(self) < SHARED_CAP:
            self[value] = value
        return value


SHARED_CAP = 1 << 16
"""Distinct values shared per shape (unique paths, say, are kept as they come beyond this)."""


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


def _compile_row(
    groups: tuple[Any, ...],
    fetch: Callable[[dict[str, Any]], tuple[Any, ...]],
    shared: dict[Any, Any],
    codes: dict[Any, int | None],
    *,
    text: bool = False,
) -> RowMaker:
    """:func:`_compile`'s values, fused with the fetch and the join's tuple (one call a line, a million times).
    ``text``: every fetched value is known to be a string (a line_pattern match), so none is checked."""
    g_rid, g_ext, g_corr, g_callers, g_status, g_integration, g_error, g_method, g_path, g_time, g_route = groups
    check = "" if text else "if not text_types(map(type, raw)):\n        return None"
    source = f"""
def row(obj, source, line):
    raw = fetch(obj)
    {check}
    v = (*map(empty, raw, raw), None)
    rid = {first_source(g_rid)}
    if rid == not_an_id:
        rid = None
    key = {first_source(g_corr)} or rid or {first_source(g_ext)}
    if key is None:
        return keyless
    if rid == key:
        rid = key  # one object: marshal writes it once
    method = {first_source(g_method)}
    if method is None:
        route = {first_source(g_route)}
        method = route.split(" ", 1)[0] if route and " " in route else ""
    return key, (
        source,
        line,
        key,
        rid,
        shared[{_callers(g_callers)}],
        codes[{first_source(g_status)}],
        codes[{first_source(g_integration)}],
        shared[{first_source(g_error)}],
        shared[method],
        shared[{first_source(g_path)} or ""],
        shared[{first_source(g_time)}],
        0,
    )
"""
    scope: dict[str, Any] = {
        "fetch": fetch,
        "text_types": _TEXT_TYPES.issuperset,
        "empty": _EMPTY.get,
        "not_an_id": NOT_AN_ID,
        "keyless": KEYLESS,
        "codes": codes,
        "shared": shared,
    }
    exec(compile(source, "<gateway_fields.row>", "exec"), scope)  # noqa: S102 - indices only, as in _compile
    return scope["row"]  # type: ignore[no-any-return]
