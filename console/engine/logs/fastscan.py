"""Count a log's lines in bulk: one compiled regex per schema over whole runs of data lines, checked exactly.

A run of data lines (between directives) is counted in bulk only when the bulk result is provably the reader's:
the regex, anchored at line starts, must match as many times as the run has LFs. Every match ends with a LF, so
each then holds exactly one (no match spans two lines) and every line is matched whole; no value token holds a space,
so a matched line has exactly ``fields - 1`` spaces (no more values). There must also be no NUL, no empty last value
and, for Advanced Logging, no quote. Any run that does not add up is read line by line with the reader's own rules
(``linerules.values_of``); so are the first line (BOM), directives, and a last line without a line end."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import compress
from operator import itemgetter

from console.engine.logs.directives import Header, parse_directive
from console.engine.logs.linerules import BOM, MAX_LINE, NO_END, values_of
from console.engine.logs.model import Bucket, LogKind, LogRecord, Quarantined, Schema, Tally, decode_value
from console.engine.logs.stats import CLOCK_ELSEWHERE, Key, LogStats, status_number

__all__ = ["Scanner"]

_KEYS = ("date", "time", "sc-status", "sc-substatus", "sc-win32-status")
"""The fields a record's counted key is made of (``stats.Key``)."""
_HOUR = rb"(?:[01]\d|2[0-3])"
_MINSEC = rb":[0-5]\d:[0-5]\d"
"""The canonical ``HH:MM:SS`` (always a valid time), its hour captured; other forms go line by line."""
_FIRST = rb"[^ \t\r\n\x0b\x0c][^ ]*+"
"""The first value starts with a non-space byte, so no whitespace-only (blank) line can match."""
_LAST = b"\0last\0"
_TIME_END = b"\0time\0"
"""Placeholders for how the last value meets the LF, one way per regex: ``regex`` serves a run with no CR at all;
``crlf`` a run with exactly one CR per line, and it puts that CR just before each LF (never in the last value), so
every line holds its one CR there and none in a value. Any other run (a bare CR, CRCRLF) is read line by line.
(Excluding CR from every value in one regex would prove the same, but makes the match three times slower.)"""


class _Plan:
    """A schema's bulk regex: one group per run of adjacent fields the counts need (``401 2 5`` is one group)."""

    __slots__ = ("crlf", "key_groups", "names", "regex", "uri_only", "where", "width")

    def __init__(self, schema: Schema) -> None:
        self.width = n = len(schema.fields)
        stem = schema.position("cs-uri-stem")
        self.uri_only = stem is None  # HTTPERR logs the whole cs-uri
        self.names = {name: schema.position(name) for name in _KEYS}
        self.names["path"] = stem if stem is not None else schema.position("cs-uri")
        self.names["cs-username"] = schema.position("cs-username")
        wanted = {i for i in self.names.values() if i is not None}
        self.where: dict[int, tuple[int, int]] = {}  # field → (group, index of the value in it)
        parts: list[bytes] = []
        group, run = -1, 0
        for i in range(n):
            last = i == n - 1
            token = _FIRST if i == 0 else _LAST if last else rb"[^ ]++"
            if i == self.names["time"]:  # the hour ends a group: the date's, when it comes just before (IIS)
                joined = i > 0 and (i - 1) in wanted
                if not joined:
                    group, run = group + 1, 0
                self.where[i] = (group, run)
                sep = b" " * (i > 0)
                parts.append(sep + (b"" if joined else b"(") + _HOUR + b")" + _MINSEC + (_TIME_END if last else b""))
                continue
            if i in wanted:
                opening = i == 0 or (i - 1) not in wanted or i - 1 == self.names["time"]
                if opening:
                    group, run = group + 1, 0
                self.where[i] = (group, run)
                run += 1
                closing = last or (i + 1) not in wanted
                sep = b" " * (i > 0)
                parts.append((sep + b"(" + token) if opening else (sep + token))
                if closing:
                    parts.append(b")")
                continue
            parts.append(b" " * (i > 0) + token)
        pad = b"()" * max(0, 2 - (group + 1))  # findall gives tuples from two groups on
        body = rb"^" + b"".join(parts) + rb"\n" + pad
        plain = body.replace(_LAST, rb"[^ \r\n][^ \n]*+").replace(_TIME_END, rb"\r*")
        self.regex = re.compile(plain, re.MULTILINE)
        self.crlf = re.compile(body.replace(_LAST, rb"[^ \r\n][^ \r\n]*+\r").replace(_TIME_END, rb"\r"), re.MULTILINE)
        self.key_groups = sorted({self.where[f][0] for name in _KEYS if (f := self.names[name]) is not None})

    def value(self, row: tuple[bytes, ...], name: str) -> str | None:
        """The raw value of ``name`` (None when the schema has no such field) from a row of groups."""
        at = self.names[name]
        if at is None:
            return None
        group, index = self.where[at]
        text = row[group].split(b" ")[index].decode("utf-8", "replace")
        if at == self.names["time"]:
            return text + ":00:00"  # the canonical time's hour is all the rule needs (see _HOUR)
        return text.rstrip("\r") if at == self.width - 1 else text

    def keys(self, found: list[tuple[bytes, ...]]) -> tuple[Counter[Key], set[bytes]]:
        """The rows' (date, time, status, substatus, win32) keys with their multiplicity, and the status groups that
        hold a 401 or 403. When the clock and the codes sit in different groups, each is counted on its own (keys
        with None for the other part): by_status and per_hour are separate tallies, and single values count faster
        than pairs."""
        keys: Counter[Key] = Counter()
        refused: set[bytes] = set()
        if not self.key_groups:
            keys[(None, None, None, None, None)] = len(found)
            return keys, refused
        clock, codes = self._groups(_KEYS[:2]), self._groups(_KEYS[2:])
        apart = bool(clock) and bool(codes) and not set(clock) & set(codes)
        full = [b""] * (self.regex.groups)
        status = self.names["sc-status"]
        for groups in [clock, codes] if apart else [self.key_groups]:
            for picked, n in Counter(map(itemgetter(*groups), found)).items():
                row = list(full)
                for g, v in zip(groups, (picked,) if len(groups) == 1 else picked, strict=True):
                    row[g] = v
                cells = tuple(row)
                key: Key = tuple(  # type: ignore[assignment]
                    self.value(cells, name) if self._group(name) in groups else None for name in _KEYS
                )
                if apart and groups is codes:
                    key = (key[0], CLOCK_ELSEWHERE, *key[2:])  # hours: the clock pass counts them
                keys[key] += n
                if status is not None and key[2] is not None and status_number(_decoded(key[2])) in (401, 403):
                    refused.add(row[self.where[status][0]])
        return keys, refused

    def _group(self, name: str) -> int | None:
        at = self.names[name]
        return None if at is None else self.where[at][0]

    def _groups(self, names: tuple[str, ...]) -> list[int]:
        return sorted({g for name in names if (g := self._group(name)) is not None})


class Scanner:
    """One source's state while it is counted, from its start or (``start`` > 0, on a second core) from a line
    start with the header state in force there; line numbers then count from ``start`` until the caller adds the
    lines before it (``base`` gives that number when a message must name a line)."""

    def __init__(
        self,
        label: str,
        result: LogStats,
        tally: Tally,
        start: int = 0,
        header: Header | None = None,
        base: Callable[[], int] | None = None,
    ) -> None:
        self.label = label
        self.result = result
        self.tally = tally
        self.header = header or Header()
        self.line = 0  # lines counted so far
        self.offset = start
        self.starts_file = start == 0
        self.base = base
        self.plans: dict[Schema, _Plan] = {}

    # -- whole runs -----------------------------------------------------------------------------------------------
    def block(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        """Count ``data[pos:end]``: whole lines, each ending with LF (offsets, so no copy is made)."""
        end = len(data) if end is None else end
        while pos < end:
            if (self.line == 0 and self.starts_file) or data[pos] == 0x23:  # the first line (BOM), a directive
                stop = data.find(b"\n", pos, end)
                self.one(data[pos:stop], final=False)
                pos = stop + 1
                continue
            stop = _directive_after(data, pos, end)
            self.run(data, pos, stop)
            pos = stop

    def run(self, data: bytes, pos: int, stop: int) -> None:
        """The data lines of ``data[pos:stop]`` (no directive among them) under the schema in force."""
        schema = self.header.schema
        lines = data.count(b"\n", pos, stop)
        if schema is not None and self.bulk(data, pos, stop, schema, lines):
            self.line += lines
            self.offset += stop - pos
            return
        for _ in range(lines):
            end = data.find(b"\n", pos, stop)
            self.one(data[pos:end], final=False)
            pos = end + 1

    def bulk(self, data: bytes, pos: int, stop: int, schema: Schema, lines: int) -> bool:
        """Count ``data[pos:stop]`` in bulk when the result is provably exact; False (nothing counted) when not."""
        plan = self.plans.get(schema)
        if plan is None:
            plan = self.plans[schema] = _Plan(schema)
        if plan.width < 2 or data.find(b"\0", pos, stop) >= 0:
            return False
        if schema.kind is LogKind.ADVANCED and data.find(b'"', pos, stop) >= 0:
            return False
        crs = data.count(b"\r", pos, stop)  # a CR only at line ends, one per line, or none: see _LAST
        if crs and crs != lines:
            return False
        found = (plan.crlf if crs else plan.regex).findall(data, pos, stop)
        if len(found) != lines:
            return False
        keys, refused = plan.keys(found)
        self.result.count_keys(schema, keys)
        status = plan.names["sc-status"]
        if refused and status is not None:
            wanted = [g for name in ("path", "cs-username") if (g := plan.names[name]) is not None]
            groups = sorted({plan.where[i][0] for i in wanted})
            if groups:
                codes = plan.where[status][0]
                pick = itemgetter(*groups, codes)
                # all in C: the rows whose status group is a 401/403 one, then their (path, user) groups
                rows = compress(found, map(refused.__contains__, map(itemgetter(codes), found)))
                for row, n in Counter(map(pick, rows)).items():
                    full = [b""] * plan.regex.groups
                    for g, v in zip(groups, row, strict=False):
                        full[g] = v
                    cells = tuple(full)
                    path = plan.value(cells, "path")
                    if path is not None:
                        path = decode_value(schema.fields[plan.names["path"] or 0], path)
                        if plan.uri_only:
                            path = path.partition("?")[0]
                    user = plan.value(cells, "cs-username")
                    self.result.count_refusal(path, None if user is None else decode_value("cs-username", user), n)
        self.tally.records += lines
        self.tally.lines += lines
        return True

    # -- one line ---------------------------------------------------------------------------------------------------
    def one(self, raw: bytes, final: bool, overlong: int = 0) -> None:
        """One physical line (without its LF), by the reader's rules."""
        tally = self.tally
        self.line += 1
        tally.lines += 1
        at = self.offset
        self.offset += (overlong or len(raw)) + (0 if final else 1)
        if overlong:
            tally.quarantined += 1
            reason = f"a line of {overlong} bytes, over the {MAX_LINE} bytes a log line may have"
            self.result.keep(Quarantined(self.label, self.line, at, reason, raw.decode("utf-8", "replace")))
            return
        schema = self.header.schema
        bucket, values = values_of(raw, schema, self.line == 1 and self.starts_file)
        if bucket is Bucket.DIRECTIVE:
            tally.directives += 1
            self.header.apply(str(values), self.line + self._base(str(values)))
        elif bucket is Bucket.BLANK:
            tally.blank += 1
        elif bucket is Bucket.QUARANTINED:
            tally.quarantined += 1
            reason = str(values) or self.header.missing
            text = raw.rstrip(b"\r")
            if self.line == 1 and self.starts_file:
                text = text.removeprefix(BOM)
            self.result.keep(
                Quarantined(
                    self.label,
                    self.line,
                    at,
                    reason + (NO_END if final else ""),
                    text.decode("utf-8", "replace"),
                )
            )
        else:
            assert schema is not None and isinstance(values, tuple)
            tally.records += 1
            self.record(LogRecord(self.label, self.line, at, schema, values))

    def _base(self, directive: str) -> int:
        """The lines before this scanner's start, when a directive's effect names its line (an empty ``#Fields``);
        counted then, once (0 from the file's start)."""
        if self.base is None:
            return 0
        name, value = parse_directive(directive)
        if name != "fields" or value.split():
            return 0
        lines = self.base()
        self.base = lambda: lines
        return lines

    def record(self, record: LogRecord) -> None:
        """One record read line by line: the same keys the bulk path counts."""
        key: Key = tuple(record.raw_value(name) for name in _KEYS)  # type: ignore[assignment]
        self.result.count_keys(record.schema, Counter({key: 1}))
        if record.number("sc-status") in (401, 403):
            self.result.count_refusal(_stem(record), record.get("cs-username"))


def _directive_after(data: bytes, pos: int, end: int) -> int:
    """Where the first line starting with ``#`` after ``pos`` starts (``end`` when none): a one-byte search
    (memchr) for ``#``, which data lines rarely hold, beats a search for ``\\n#``."""
    hit = data.find(b"#", pos, end)
    while hit > 0 and data[hit - 1] != 0x0A:
        hit = data.find(b"#", hit + 1, end)
    return end if hit < 0 else hit


def _decoded(raw: str | None) -> str | None:
    return None if raw is None else decode_value("sc-status", raw)


def _stem(record: LogRecord) -> str | None:
    """cs-uri-stem; HTTPERR logs the whole cs-uri, whose path is the part before ``?``."""
    stem = record.get("cs-uri-stem")
    if stem is None:
        uri = record.get("cs-uri")
        stem = None if uri is None else uri.partition("?")[0]
    return stem
