"""Count a log's lines in bulk: one compiled regex per schema over whole runs of data lines, checked exactly.

A run of data lines (between directives) is counted in bulk only when the bulk result is provably the reader's:
the regex, anchored at line starts, must match once per line (so no match spans two lines), the run's spaces must
be exactly ``fields - 1`` per line (so no line has more values), and there must be no NUL, no empty last value and,
for Advanced Logging, no quote. Any run that does not add up is read line by line with the reader's own rules
(``linerules.values_of``); so are the first line (BOM), directives, and a last line without a line end."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from operator import itemgetter
from typing import BinaryIO

from console.engine.logs.directives import Header
from console.engine.logs.linerules import BOM, MAX_LINE, NO_END, values_of
from console.engine.logs.model import Bucket, LogKind, LogRecord, Quarantined, Schema, Tally, decode_value
from console.engine.logs.reader import CHUNK
from console.engine.logs.sources import LogSource, input_error
from console.engine.logs.stats import Key, LogStats, status_number

__all__ = ["CHUNK", "scan"]

_KEYS = ("date", "time", "sc-status", "sc-substatus", "sc-win32-status")
"""The fields a record's counted key is made of (``stats.Key``)."""
_TIME = rb"([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
"""The canonical ``HH:MM:SS`` (always a valid time); other forms go line by line."""
_FIRST = rb"[^ \t\r\n\x0b\x0c][^ ]*+"
"""The first value starts with a non-space byte, so no whitespace-only (blank) line can match."""


class _Plan:
    """A schema's bulk regex: one group per run of adjacent fields the counts need (``401 2 5`` is one group)."""

    __slots__ = ("key_groups", "names", "regex", "uri_only", "where", "width")

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
            token = _FIRST if i == 0 else rb"[^ \r\n][^\n]*+" if last else rb"[^ ]++"
            if i == self.names["time"]:
                group += 1
                self.where[i] = (group, 0)
                parts.append(b" " * (i > 0) + _TIME + (rb"\r*" if last else b""))
                continue
            if i in wanted:
                opening = i == 0 or (i - 1) not in wanted or i - 1 == self.names["time"]
                if opening:
                    group, run = group + 1, 0
                self.where[i] = (group, run)
                run += 1
                closing = last or (i + 1) not in wanted or i + 1 == self.names["time"]
                sep = b" " * (i > 0)
                parts.append((sep + b"(" + token) if opening else (sep + token))
                if closing:
                    parts.append(b")")
                continue
            parts.append(b" " * (i > 0) + token)
        pad = b"()" * max(0, 2 - (group + 1))  # findall gives tuples from two groups on
        self.regex = re.compile(rb"^" + b"".join(parts) + rb"\n" + pad, re.MULTILINE)
        self.key_groups = sorted({self.where[f][0] for name in _KEYS if (f := self.names[name]) is not None})

    def value(self, row: tuple[bytes, ...], name: str) -> str | None:
        """The raw value of ``name`` (None when the schema has no such field) from a row of groups."""
        at = self.names[name]
        if at is None:
            return None
        group, index = self.where[at]
        text = row[group].split(b" ")[index].decode("utf-8", "replace")
        if at == self.names["time"]:
            return text + ":00:00"  # the canonical time's hour is all the rule needs (see _TIME)
        return text.rstrip("\r") if at == self.width - 1 else text

    def keys(self, found: list[tuple[bytes, ...]]) -> tuple[Counter[Key], set[bytes]]:
        """The rows' (date, time, status, substatus, win32) keys with their multiplicity, and the status groups that
        hold a 401 or 403."""
        keys: Counter[Key] = Counter()
        refused: set[bytes] = set()
        if not self.key_groups:
            keys[(None, None, None, None, None)] = len(found)
            return keys, refused
        groups = self.key_groups
        full = [b""] * (self.regex.groups)
        status = self.names["sc-status"]
        for picked, n in Counter(
            map(itemgetter(*groups), found) if len(groups) > 1 else ((r[groups[0]],) for r in found)
        ).items():
            row = list(full)
            for g, v in zip(groups, picked, strict=True):
                row[g] = v
            key: Key = tuple(self.value(tuple(row), name) for name in _KEYS)  # type: ignore[assignment]
            keys[key] += n
            if status is not None and status_number(_decoded(key[2])) in (401, 403):
                refused.add(row[self.where[status][0]])
        return keys, refused


class _Scanner:
    """One source's state while it is counted."""

    def __init__(self, source: LogSource, result: LogStats, tally: Tally) -> None:
        self.label = source.label
        self.result = result
        self.tally = tally
        self.header = Header()
        self.line = 0  # lines counted so far
        self.offset = 0
        self.plans: dict[Schema, _Plan] = {}

    # -- whole runs -----------------------------------------------------------------------------------------------
    def block(self, data: bytes) -> None:
        """Count ``data``: whole lines, each ending with LF."""
        pos, size = 0, len(data)
        while pos < size:
            if self.line == 0 or data[pos : pos + 1] == b"#":
                end = data.find(b"\n", pos)
                self.one(data[pos:end], final=False)
                pos = end + 1
                continue
            stop = _directive_after(data, pos)
            self.run(data[pos:stop])
            pos = stop

    def run(self, data: bytes) -> None:
        """Data lines (no directive among them) under the schema in force."""
        schema = self.header.schema
        lines = data.count(b"\n")
        if schema is not None and not self.bulk(data, schema, lines):
            schema = None
        if schema is None:
            start = 0
            for _ in range(lines):
                end = data.find(b"\n", start)
                self.one(data[start:end], final=False)
                start = end + 1
            return
        self.line += lines
        self.offset += len(data)

    def bulk(self, data: bytes, schema: Schema, lines: int) -> bool:
        """Count ``data`` in bulk when the result is provably exact; False (nothing counted) when it is not."""
        plan = self.plans.get(schema)
        if plan is None:
            plan = self.plans[schema] = _Plan(schema)
        if plan.width < 2 or b"\0" in data or (schema.kind is LogKind.ADVANCED and b'"' in data):
            return False
        if data.count(b" ") != (plan.width - 1) * lines:
            return False
        found = plan.regex.findall(data)
        if len(found) != lines:
            return False
        keys, refused = plan.keys(found)
        self.result.count_keys(schema, keys)
        status = plan.names["sc-status"]
        if refused and status is not None:
            wanted = [g for name in ("path", "cs-username") if (g := plan.names[name]) is not None]
            groups = sorted({plan.where[i][0] for i in wanted})
            if groups:
                pick = itemgetter(*groups, plan.where[status][0])
                for row, n in Counter(r for r in map(pick, found) if r[-1] in refused).items():
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
        bucket, values = values_of(raw, schema, self.line == 1)
        if bucket is Bucket.DIRECTIVE:
            tally.directives += 1
            self.header.apply(str(values), self.line)
        elif bucket is Bucket.BLANK:
            tally.blank += 1
        elif bucket is Bucket.QUARANTINED:
            tally.quarantined += 1
            reason = str(values) or self.header.missing
            text = raw.rstrip(b"\r")
            if self.line == 1:
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

    def record(self, record: LogRecord) -> None:
        """One record read line by line: the same keys the bulk path counts."""
        key: Key = tuple(record.raw_value(name) for name in _KEYS)  # type: ignore[assignment]
        self.result.count_keys(record.schema, Counter({key: 1}))
        if record.number("sc-status") in (401, 403):
            self.result.count_refusal(_stem(record), record.get("cs-username"))


def _directive_after(data: bytes, pos: int) -> int:
    """Where the first line starting with ``#`` after ``pos`` starts (len(data) when none): a one-byte search
    (memchr) for ``#``, which data lines rarely hold, beats a search for ``\\n#``."""
    hit = data.find(b"#", pos)
    while hit > 0 and data[hit - 1] != 0x0A:
        hit = data.find(b"#", hit + 1)
    return len(data) if hit < 0 else hit


def _decoded(raw: str | None) -> str | None:
    return None if raw is None else decode_value("sc-status", raw)


def _stem(record: LogRecord) -> str | None:
    """cs-uri-stem; HTTPERR logs the whole cs-uri, whose path is the part before ``?``."""
    stem = record.get("cs-uri-stem")
    if stem is None:
        uri = record.get("cs-uri")
        stem = None if uri is None else uri.partition("?")[0]
    return stem


def scan(source: LogSource, result: LogStats, progress: Callable[[int], None] | None = None) -> Tally:
    """Count every line of ``source`` into ``result``; its tally. Unreadable input raises LogInputError."""
    tally = Tally(source.label)
    scanner = _Scanner(source, result, tally)
    stream = source.open()
    try:
        _feed(stream, source, scanner, progress)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise input_error(source.label, exc) from None
    finally:
        stream.close()
    return tally


def _feed(stream: BinaryIO, source: LogSource, scanner: _Scanner, progress: Callable[[int], None] | None) -> None:
    """The stream's whole lines to the scanner a chunk at a time (the reader's chunking, so overlong lines are cut
    at the same places)."""
    carry = b""
    overlong = 0
    at = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        at += len(chunk)
        if overlong:
            end = chunk.find(b"\n")
            if end < 0:
                overlong += len(chunk)
                continue
            scanner.one(carry, final=False, overlong=overlong + end)
            carry, overlong, chunk = b"", 0, chunk[end + 1 :]
        cut = chunk.rfind(b"\n")
        if cut < 0:
            carry += chunk
        else:
            scanner.block(carry + chunk[: cut + 1])
            carry = chunk[cut + 1 :]
        if len(carry) > MAX_LINE:
            overlong, carry = len(carry), carry[:MAX_LINE]
        if progress is not None:
            progress(source.disk_position(stream, at))
    if overlong or carry:
        scanner.tally.truncated_last_line = True
        scanner.one(carry, final=True, overlong=overlong)
