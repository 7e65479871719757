"""``--json``'s rows a batch at a time, a column at a time: orjson of ``row_dict`` per row, byte for byte, in C loops.

Per row, building row_dict's dict and an orjson call cost ~3 µs (orjson's cost per call dwarfs its encoding). Here each
column of a batch becomes a list of member texts (``,"label":value``) by C loops, and the batch is one ``bytes.join``
of those texts, interleaved by slice assignment: no Python code runs per row in the common case. A column's texts are
either one orjson call over the column, cut where it put its commas (kept only when the pieces are as many as the
values: no value's JSON holds a comma), or, for the columns whose values repeat and may hold commas (note, callers),
remembered per distinct value. Escaping is always orjson's own. Rows with one side only (a few percent) are row_dict's,
in their place. Anything orjson refuses (a lone surrogate, an integer beyond 64 bits), and any value of a type the
column does not declare where texts are remembered, raises Unusual: the caller renders that batch the reference way.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from console.engine.logs.join_output import _ISO_CAP, _gateway_iso, row_dict
from console.engine.logs.join_report import JoinRow
from console.engine.logs.join_verdict import JoinVerdict

__all__ = ["Unusual", "render_batch"]


class Unusual(Exception):
    """A batch the fast renderer does not vouch for: the caller renders it the reference way."""


_CUT = b"\x00"
"""Never in orjson's output (it escapes U+0000): where a column's text is cut into its values' texts."""
_CAP = 1 << 16
"""Distinct values remembered per column (a million rows share a few thousand of each)."""
_TEXT: frozenset[type] = frozenset({str, type(None)})


def _label(name: str) -> bytes:
    return b',"' + name.encode() + b'":'


def _cut(label: bytes, values: Sequence[Any], tail: bytes = b"") -> list[bytes] | None:
    """``label + JSON + tail`` of each value, from one orjson call cut at its commas; None when a value's JSON holds a
    comma (the pieces do not count the values)."""
    blob = orjson.dumps(values)[1:-1]
    texts = (label + blob.replace(b",", tail + _CUT + label) + tail).split(_CUT)
    return texts if len(texts) == len(values) else None


class _Texts(dict[Any, bytes]):
    """A column's value → ``,"label":``, its JSON (orjson's) and what follows it, remembered. Only values of the
    types the column declares are learnt: a value of another type equal to a learnt one (True == 1) would take its
    text (the int columns' types are checked before; JoinRow declares no such value)."""

    def __init__(
        self, name: str, types: frozenset[type], value: Callable[[Any], Any] | None = None, after: bytes = b""
    ) -> None:
        super().__init__()
        self.label, self.types, self.value, self.after = _label(name), types, value, after
        self.cap = _CAP if value is not _gateway_iso.__getitem__ else _ISO_CAP  # as many times as _gateway_iso keeps

    def texts(self, values: Sequence[Any]) -> list[bytes]:
        got: list[Any] = list(map(self.get, values))
        if not all(got):  # texts are never empty: a None is a value met for the first time
            missing = list(dict.fromkeys(itertools.compress(values, map(operator.not_, got))))
            if len(self) + len(missing) > self.cap:  # forget, but not what this batch needs
                self.clear()
                missing = list(dict.fromkeys(values))
            self._learn(missing)
            got = list(map(self.__getitem__, values))
        return got

    def _learn(self, values: list[Any]) -> None:
        if not self.types.issuperset(map(type, values)):
            raise Unusual(f"a value in {self.label.decode()} of a type JoinRow does not declare there")
        data = values if self.value is None else list(map(self.value, values))
        texts = _cut(self.label, data, self.after) or [self.label + orjson.dumps(v) + self.after for v in data]
        self.update(zip(values, texts, strict=True))


def _callers(callers: tuple[str, ...]) -> list[str]:
    if not all(type(caller) is str for caller in callers):
        raise Unusual("a caller that is no str")
    return list(callers)


_NEXT = b',\n  {"key":'
"""What comes between rows, and the next row's first member name: a row's last text ends with it."""
_INT_OR_NONE: frozenset[type] = frozenset({int, type(None)})
_INT: frozenset[type] = frozenset({int})


class _Memory:
    """The remembered texts of one renderer (each process renders with its own)."""

    def __init__(self) -> None:
        self.verdict = _Texts("verdict", frozenset({JoinVerdict}))
        self.time = _Texts("time", _TEXT, _gateway_iso.__getitem__)
        self.method, self.path = _Texts("method", _TEXT), _Texts("path", _TEXT)
        self.caller, self.user = _Texts("gateway_caller", _TEXT), _Texts("iis_user", _TEXT)
        self.gateway_status, self.iis_status = _Texts("gateway_status", _INT_OR_NONE), _Texts("iis_status", _TEXT)
        self.note = _Texts("note", _TEXT)
        self.callers = _Texts("gateway_callers", frozenset({tuple}), _callers, _label("request_id"))
        self.integration_status = _Texts("integration_status", _INT_OR_NONE)
        self.iis_duplicates = _Texts("iis_duplicates", _INT_OR_NONE)
        self.gateway_duplicates = _Texts("gateway_duplicates", _INT_OR_NONE, after=b"}" + _NEXT)


_MEMORY = _Memory()
_PIECES = 18
"""Texts a row: one per row_dict member (see _render)."""
_CONFIDENCE = (_label("confidence") + b'"possible"', _label("confidence") + b'"certain"')


def render_batch(batch: Sequence[JoinRow]) -> bytes:
    """The rows' JSON, each as ``orjson.dumps(row_dict(row))`` writes it and preceded by ``,\\n  ``; raises Unusual
    for a batch it does not vouch for (the caller then renders it the reference way)."""
    try:
        flat = _render(batch) if batch else [b""]
    except (TypeError, ValueError, LookupError) as refused:  # orjson's refusal is a TypeError; or a field's shape
        raise Unusual(str(refused)) from refused
    flat[-1] = flat[-1][: -len(_NEXT)]  # the last row's text ends with the next row's beginning
    return b"".join(flat)


def _render(batch: Sequence[JoinRow]) -> list[bytes]:
    """``_NEXT``, then each row's texts: its members (one text a member, in row_dict's order) then ``_NEXT``."""
    n = len(batch)
    key, verdict, g_column, i_column, caller, user, gateway_status, iis_status, note = zip(*batch, strict=True)
    gs, iis = list(g_column), list(i_column)
    # The rows a side is missing from (None; a side is a tuple of fields, never empty): C loops find them.
    one_sided = sorted(
        {*itertools.compress(range(n), map(operator.not_, gs))}.union(
            itertools.compress(range(n), map(operator.not_, iis))
        )
    )
    if len(one_sided) == n:
        return [_NEXT, *_whole(batch)]
    if one_sided:  # a stand-in for each missing side, so that every column is made at once; these rows are redone
        g_stand, i_stand = next(filter(None, gs)), next(filter(None, iis))
        for k in one_sided:
            gs[k] = gs[k] or g_stand
            iis[k] = iis[k] or i_stand
    g_source, g_line, g_key, request_id, callers, _, integration, _, method, path, logged, g_dups = zip(
        *gs, strict=True
    )
    i_source, i_line, i_key, _, _, _, _, _, _, i_dups, _, _, _ = zip(*iis, strict=True)
    if None in g_key:  # two Nones are equal, but row_dict's confidence is "possible" then
        raise Unusual("a gateway side without a key")
    for ints in (gateway_status, integration, i_dups, g_dups):  # True == 1: a remembered int's text would be taken
        if not _INT_OR_NONE.issuperset(map(type, ints)):
            raise Unusual("an integer field of another type")
    m = _MEMORY
    keys = _bare(key)
    columns = (
        keys,
        m.verdict.texts(verdict),
        m.time.texts(logged),
        m.method.texts(method),
        m.path.texts(path),
        m.caller.texts(caller),
        m.user.texts(user),
        m.gateway_status.texts(gateway_status),
        m.iis_status.texts(iis_status),
        _at("gateway_at", g_source, g_line),
        _at("iis_at", i_source, i_line),
        list(map(_CONFIDENCE.__getitem__, map(operator.eq, i_key, g_key))),
        m.note.texts(note),
        m.callers.texts(callers),  # and the request id's name
        keys if request_id == key else _bare(request_id),
        m.integration_status.texts(integration),
        m.iis_duplicates.texts(i_dups),
        m.gateway_duplicates.texts(g_dups),  # and _NEXT
    )
    flat: list[bytes] = [b""] * (_PIECES * n + 1)
    flat[0] = _NEXT
    for k, texts in enumerate(columns, 1):
        flat[k::_PIECES] = texts
    for k, text in zip(one_sided, _whole([batch[k] for k in one_sided]), strict=True):
        flat[k * _PIECES + 1 : (k + 1) * _PIECES + 1] = (*(b"",) * (_PIECES - 1), text)
    return flat


def _bare(values: Sequence[Any]) -> list[bytes]:
    """Each value's JSON: one orjson call cut at its commas (each value on its own when one holds a comma)."""
    texts = orjson.dumps(values)[1:-1].split(b",")
    return texts if len(texts) == len(values) else list(map(orjson.dumps, values))


def _at(name: str, sources: Sequence[Any], lines: Sequence[Any]) -> list[bytes]:
    """``,"name":"source:line"`` a row: the source is usually one for the whole batch, and then its text (orjson's,
    quotes off) leads each line's digits (``f"{source}:{line}"`` writes an int as orjson does)."""
    label = _label(name)
    first = sources[0]
    if type(first) is str and sources.count(first) == len(sources) and _INT.issuperset(map(type, lines)):
        try:
            texts = _cut(label + b'"' + orjson.dumps(first)[1:-1] + b":", lines, b'"')
        except TypeError:  # a line beyond 64 bits (or a surrogate in the source: refused again below)
            texts = None
        if texts is not None:
            return texts
    at = list(map("{}:{}".format, sources, lines))  # what row_dict's f-string writes
    return _cut(label, at) or [label + orjson.dumps(text) for text in at]


def _whole(rows: Sequence[JoinRow]) -> list[bytes]:
    """Rows as orjson writes row_dict's, each without its first member's name and followed by _NEXT."""
    documents = list(map(row_dict, rows))
    parts = orjson.dumps(documents)[2:-2].split(b"},{")
    if len(parts) != len(documents):  # a value's JSON holds "},{"
        parts = [orjson.dumps(document)[1:-1] for document in documents]
    start = len(b'"key":')  # row_dict's first member
    return [part[start:] + b"}" + _NEXT for part in parts]
