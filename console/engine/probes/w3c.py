"""The latest records of the newest IIS (or HTTPERR) log files a profile names, read by the shared log reader."""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from console.engine.logs.model import LogInputError, LogRecord, Quarantined, Schema
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource
from console.engine.probes.w3c_files import MAX_FILES, newest_sources

__all__ = ["MAX_FILES", "TAIL_BYTES", "Tail", "correlation_field", "line_text", "newest_sources"]

_NAMES_A_LINE = re.compile(r"\bline \d")
TAIL_BYTES = 8 << 20
"""Bytes read from the end of each file: the request was just sent, so its line is among the last ones."""


def correlation_field(schema: Schema, header: str) -> str | None:
    """The schema's field for the correlation header: ``X-Correlation-Id`` or ``cs(X-Correlation-Id)``."""
    return _field_of(schema.fields, header.lower())


def line_text(record: LogRecord) -> str:
    """The record's line as written (its raw values, one space apart)."""
    return " ".join(record.raw)


@dataclass
class Tail:
    """The latest records of one source, re-read from where the last read stopped (the log grows meanwhile).

    Kept across traces (see iis_logs), so a poll costs what was written since the last one, and finding one
    request's line by its correlation id is a dictionary look-up, not a walk over every line read so far: the
    sandbox's log grows by a line per trace, and walking it made each trace slower than the last."""

    source: LogSource
    start: int | None = None
    size: int = -1
    """The file's size at the last poll: an unchanged file is not read again (the reader rescans its directives)."""
    records: dict[int, LogRecord] = field(default_factory=dict)
    """By byte offset, in file order: a line read again (it was still being written) replaces its earlier reading."""
    quarantined: dict[int, Quarantined] = field(default_factory=dict)
    """Lines the reader could not read (no #Fields before them, a value count that does not fit …)."""

    identity: tuple[int, int, bytes] | None = None
    """(device, inode, first bytes) at the last poll: another file, or one rewritten in place, is read afresh."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Kept across traces (see iis_logs): two traces polling one file take turns."""
    ids: dict[str, dict[str, list[int]]] = field(default_factory=dict, repr=False)
    """Per correlation header asked for (lower-cased): its decoded value → offsets of the records holding it."""
    shapes: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)
    """How many of the records read so far have each ``#Fields`` list (whether any names a header's field)."""

    def poll(self, stop: Callable[[], bool] = lambda: False) -> list[LogRecord]:
        """Read what was added since the last poll; every record read so far (the last TAIL_BYTES), in file order."""
        with self.lock:
            self._poll(stop)
            return list(self.records.values())

    def held(self) -> list[LogRecord]:
        """Every record read so far (the last TAIL_BYTES), in file order, without reading more."""
        with self.lock:
            return list(self.records.values())

    def find(self, header: str, value: str, stop: Callable[[], bool] = lambda: False) -> list[LogRecord]:
        """Read what was added since the last poll; the records whose ``header`` field holds exactly ``value``."""
        with self.lock:
            self._poll(stop)
            index = self._index(header.lower())
            return [r for r in (self.records.get(at) for at in index.get(value, ())) if r is not None]

    def names(self, header: str) -> bool | None:
        """Whether the records read so far have a field for ``header`` (any of their schemas); None without records."""
        with self.lock:
            if not self.records:
                return None
            return any(_field_of(fields, header.lower()) is not None for fields in self.shapes)

    def _index(self, key: str) -> dict[str, list[int]]:
        index = self.ids.get(key)
        if index is None:  # first asked for this header: index what is held, then each record as it is read
            index = self.ids[key] = {}
            for record in self.records.values():
                _add(index, key, record)
        return index

    def _poll(self, stop: Callable[[], bool]) -> None:
        identity = _identity(self.source)
        if identity != self.identity:
            self.identity, self.start, self.size = identity, None, -1
            self._forget()
        size = self.source.size()
        if size == self.size and self.start is not None:
            return
        if self.start is not None and not 0 <= size - self.start <= TAIL_BYTES:
            # Truncated or replaced: read it afresh. Or more was written since than a look reads: what this tail
            # holds would all fall out of its window, so it starts again at the last TAIL_BYTES.
            self.start = None
            self._forget()
        self.size = size
        items: Iterable[LogRecord | Quarantined] | None = self._resume(size) if self.start is not None else None
        start = self.start
        if items is None or start is None:  # the first read, or a place the quick resume does not take
            start = _tail_start(self.source) if start is None else start
            items = read(self.source, start=start)  # the reader's own resume
        self.start = last = start
        for item in items:
            if isinstance(item, LogRecord):
                self._keep(item)
                self.quarantined.pop(item.offset, None)
            else:
                self.quarantined[item.offset] = item
                self._drop(item.offset)
            last = item.offset
            if stop():
                break
        # The last line may be half written: the next poll reads it again.
        self.start = last
        floor = last - TAIL_BYTES  # kept across traces: memory stays bounded however long the log grows
        if self.records and next(iter(self.records)) < floor:  # offsets only grow: the first is the oldest
            for at in [k for k in self.records if k < floor]:
                self._drop(at)
            self.quarantined = {k: v for k, v in self.quarantined.items() if k >= floor}
            for key, index in self.ids.items():
                self.ids[key] = {v: kept for v, ats in index.items() if (kept := [a for a in ats if a >= floor])}

    def _resume(self, size: int) -> list[LogRecord | Quarantined] | None:
        """The lines from the last record read on, read without rescanning the file before it (the reader's
        ``start`` applies every directive from the top, a cost that grows with the log): the schema that record was
        read by is put in force by a directive block of its own, then offsets and line numbers are moved back.

        None where the reader must resume itself: nothing held yet, a compressed file, or a line quarantined for a
        reason that names a line number. A line no longer where this tail stopped means the file was rewritten in place:
        everything held is forgotten and the file read afresh."""
        anchor = next(reversed(self.records.values()), None)
        if anchor is None or self.source.compressed:
            return None
        try:
            with self.source.path.open("rb") as handle:
                handle.seek(anchor.offset)
                data = handle.read(size - anchor.offset)
        except OSError:
            return None  # the reader names the failure
        at, line, held = anchor.offset, anchor.line, line_text(anchor).encode()
        rest = data[len(held) : len(held) + 2]
        eol = 2 if rest == b"\r\n" else 1 if rest[:1] == b"\n" else 0
        if eol and data.startswith(held):  # the line held is there, whole: read only what follows it
            data, at, line = data[len(held) + eol :], at + len(held) + eol, line + 1
        schema = anchor.schema
        said = (("Software", schema.software), ("Date", schema.date), ("Fields", " ".join(schema.fields)))
        block = "".join(f"#{name}: {value}\n" for name, value in said if value).encode()
        skip = block.count(b"\n") + 1
        out: list[LogRecord | Quarantined] = []
        for item in read(_Window(self.source.path, None, self.source.label, False, block + data)):
            moved = replace(item, line=line + item.line - skip, offset=at + item.offset - len(block))
            if not out and at == anchor.offset and not _same_line(anchor, moved):
                self.start = None
                self._forget()
                return None
            if isinstance(moved, Quarantined) and _NAMES_A_LINE.search(moved.reason):
                return None  # a number the window's own count gave (an empty #Fields "on line 3")
            out.append(moved)
        return out

    def _forget(self) -> None:
        self.records, self.quarantined, self.ids, self.shapes = {}, {}, {}, {}

    def _keep(self, record: LogRecord) -> None:
        self._drop(record.offset)
        self.records[record.offset] = record
        fields = record.schema.fields
        self.shapes[fields] = self.shapes.get(fields, 0) + 1
        for key, index in self.ids.items():
            _add(index, key, record)

    def _drop(self, at: int) -> None:
        old = self.records.pop(at, None)
        if old is None:
            return
        fields = old.schema.fields
        left = self.shapes.get(fields, 1) - 1
        if left > 0:
            self.shapes[fields] = left
        else:
            self.shapes.pop(fields, None)
        for key, index in self.ids.items():
            name = _field_of(fields, key)
            value = old.get(name) if name is not None else None
            ats = index.get(value, []) if value is not None else []
            if at in ats:
                ats.remove(at)
                if not ats and value is not None:
                    del index[value]


@functools.lru_cache(maxsize=256)
def _field_of(fields: tuple[str, ...], header: str) -> str | None:
    """The field of ``fields`` for a (lower-cased) header: ``X-Correlation-Id`` or ``cs(X-Correlation-Id)``."""
    wanted = (header, f"cs({header})")
    return next((f for f in fields if f.lower() in wanted), None)


def _add(index: dict[str, list[int]], header: str, record: LogRecord) -> None:
    name = _field_of(record.schema.fields, header)
    value = record.get(name) if name is not None else None
    if value is not None:
        index.setdefault(value, []).append(record.offset)


def _same_line(held: LogRecord, now: LogRecord | Quarantined) -> bool:
    """Whether the line read again where a tail stopped is the one it held (completed, if it was half written)."""
    return isinstance(now, LogRecord) and now.offset == held.offset and " ".join(now.raw).startswith(line_text(held))


@dataclass(frozen=True, slots=True)
class _Window(LogSource):
    """A file's lines from some offset on, behind a directive block: read by the shared reader from its start."""

    data: bytes = b""

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)


def _identity(source: LogSource) -> tuple[int, int, bytes] | None:
    try:
        info = source.path.stat()
        with source.path.open("rb") as handle:
            head = handle.read(256)  # the #Date line too: IIS's first 64 bytes never change
    except OSError:
        return None
    return info.st_dev, info.st_ino, head


def _tail_start(source: LogSource) -> int:
    """The first line start within the last TAIL_BYTES of a plain file; 0 for small or compressed ones."""
    if source.compressed:
        return 0
    try:
        size = source.size()
        if size <= TAIL_BYTES:
            return 0
        with source.path.open("rb") as handle:
            handle.seek(size - TAIL_BYTES)
            chunk = handle.read(1 << 16)
    except OSError as exc:
        raise LogInputError(f"cannot read ({exc.strerror})", where=source.label) from None
    newline = chunk.find(b"\n")
    return size - TAIL_BYTES + newline + 1 if newline >= 0 else size
