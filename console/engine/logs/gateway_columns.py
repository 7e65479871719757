"""The join's gateway tuples for a run of plain lines made a column at a time: gateway_rows' row maker, per column.

A run's values arrive as columns (one per value the row reads). Each rule of the row maker (``-`` and ``""`` are
empty, the first non-empty of a group, the key's fallbacks, the method from the route, the distinct callers) is
applied to a whole column with C loops (``in``, ``map``, ``zip``), Python only where a column holds a value needing
it: a million lines cost a few column passes instead of a million calls of the row maker (~2.8 s here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

from console.engine.logs.gateway_fields import NOT_AN_ID

__all__ = ["ColumnBuilder", "column_builder"]

Column = Sequence[Any]
ColumnBuilder = Callable[[Sequence[Column], str, int], tuple[Column, list[tuple[Any, ...]]] | None]
"""``build(columns, source, first_line)``: the run's keys and join tuples (as the row maker makes them, line
``first_line`` onwards), or None when a record has no key (the caller takes the row maker's rules, line by line)."""
_EMPTY: dict[Any, None] = {"-": None, "": None}
_NO_PATH: dict[Any, str] = {None: ""}


class _Values:
    """The run's value columns with ``-`` and ``""`` as None; None for a value no line has (an absent key)."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.raw = columns
        self.done: dict[int, Column | None] = {}

    def column(self, at: int) -> Column | None:
        if at in self.done:
            return self.done[at]
        made: Column | None = None
        if 0 <= at < len(self.raw):  # -1: a key this shape lacks (the row maker's v[-1], None)
            raw = self.raw[at]
            made = list(map(_EMPTY.get, raw, raw)) if "-" in raw or "" in raw else raw
            if made is not raw and not any(made):
                made = None
        self.done[at] = made
        return made

    def first(self, group: int | tuple[int, ...]) -> Column | None:
        """Per line, the group's first non-empty value (``v[a] or v[b] or …``); None when no line has one."""
        if isinstance(group, int):
            return self.column(group)
        return first_of([self.column(at) for at in group])


def first_of(columns: list[Column | None]) -> Column | None:
    """Per line, the first non-None of ``columns`` (a None column is all None)."""
    present = [c for c in columns if c is not None]
    if not present:
        return None
    out = present[0]
    for other in present[1:]:
        if None not in out:
            break
        out = [a if a is not None else b for a, b in zip(out, other, strict=True)]
    return out


def _route_method(route: str | None) -> str:
    return route.split(" ", 1)[0] if route and " " in route else ""


def _distinct(*values: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(filter(None, values)))


def _callers(values: _Values, group: tuple[int, ...], n: int) -> Iterable[tuple[str, ...]]:
    """Per line, the distinct non-empty callers in order (one-tuples straight from a column in the usual case)."""
    columns = [c for c in (values.column(at) for at in group) if c is not None]
    if not columns:
        return repeat((), n)
    first = columns[0]
    if None not in first and all(c == first for c in columns[1:]):  # list equality: one C loop
        return zip(first)
    return map(_distinct, *columns)


def column_builder(groups: tuple[Any, ...], shared: dict[Any, Any], codes: dict[Any, int | None]) -> ColumnBuilder:
    """The column form of gateway_rows' row maker for ``groups`` (shape_plan's), with the same ``shared`` values
    and status ``codes``."""
    g_rid, g_ext, g_corr, g_callers, g_status, g_integration, g_error, g_method, g_path, g_time, g_route = groups

    def build(columns: Sequence[Column], source: str, first: int) -> tuple[Column, list[tuple[Any, ...]]] | None:
        n = len(columns[0])
        values = _Values(columns)
        rid = values.first(g_rid)
        if rid is not None and NOT_AN_ID in rid:
            rid = [None if r == NOT_AN_ID else r for r in rid]
        key = first_of([values.first(g_corr), rid, values.first(g_ext)])
        if key is None or None in key:
            return None
        if rid is not None and rid is not key:  # the request id that is the key is the key: marshal writes it once
            rid = [k if r == k else r for r, k in zip(rid, key, strict=True)]
        method = values.first(g_method)
        if method is None or None in method:
            route = values.first(g_route)
            method = [
                m if m is not None else _route_method(r)
                for m, r in zip(method or repeat(None, n), route or repeat(None, n), strict=False)
            ]
        path = values.first(g_path)
        get = shared.__getitem__
        tuples = list(
            zip(
                repeat(source),
                range(first, first + n),
                key,
                repeat(None, n) if rid is None else rid,
                map(get, _callers(values, g_callers, n)),
                _each(codes.__getitem__, values.first(g_status), n),
                _each(codes.__getitem__, values.first(g_integration), n),
                _each(get, values.first(g_error), n),
                map(get, method),
                map(get, repeat("", n) if path is None else map(_NO_PATH.get, path, path)),
                _each(get, values.first(g_time), n),
                repeat(0, n),
            )
        )
        return key, tuples

    return build


def _each(get: Callable[[Any], Any], column: Column | None, n: int) -> Iterable[Any]:
    return repeat(get(None), n) if column is None else map(get, column)
