"""The newest IIS (or HTTPERR) log files a profile names, and their latest records, read by the shared log reader."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from console.engine.logs.model import LogInputError, LogRecord, Quarantined, Schema
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource, expand

MAX_FILES = 2
"""Newest files read per location (IIS rolls over daily: a request at midnight UTC may be in yesterday's file)."""
TAIL_BYTES = 8 << 20
"""Bytes read from the end of each file: the request was just sent, so its line is among the last ones."""


def correlation_field(schema: Schema, header: str) -> str | None:
    """The schema's field for the correlation header: ``X-Correlation-Id`` or ``cs(X-Correlation-Id)``."""
    wanted = {header.lower(), f"cs({header.lower()})"}
    return next((f for f in schema.fields if f.lower() in wanted), None)


def line_text(record: LogRecord) -> str:
    """The record's line as written (its raw values, one space apart)."""
    return " ".join(record.raw)


def newest_sources(location: str, base_dir: str | None = None) -> list[LogSource]:
    """The newest MAX_FILES files a location names (a file, a folder of u_ex*.log, a glob), newest first.

    Raises LogInputError naming the location when it names nothing readable (missing, a glob matching nothing …)."""
    given = Path(location).expanduser()
    if base_dir and not given.is_absolute():
        given = Path(base_dir) / given  # relative to the profile, as file: secret references are
    found = expand([str(given)])
    return sorted(found, key=_mtime, reverse=True)[:MAX_FILES]


def _mtime(source: LogSource) -> tuple[float, str]:
    try:
        return source.path.stat().st_mtime, source.label
    except OSError:
        return 0.0, source.label


@dataclass
class Tail:
    """The latest records of one source, re-read from where the last read stopped (the log grows meanwhile)."""

    source: LogSource
    start: int | None = None
    size: int = -1
    """The file's size at the last poll: an unchanged file is not read again (the reader rescans its directives)."""
    records: dict[int, LogRecord] = field(default_factory=dict)
    """By byte offset: a line read again (it was still being written) replaces its earlier reading."""
    quarantined: dict[int, Quarantined] = field(default_factory=dict)
    """Lines the reader could not read (no #Fields before them, a value count that does not fit …)."""

    identity: tuple[int, int, bytes] | None = None
    """(device, inode, first bytes) at the last poll: another file, or one rewritten in place, is read afresh."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Kept across traces (see iis_logs): two traces polling one file take turns."""

    def poll(self, stop: Callable[[], bool] = lambda: False) -> list[LogRecord]:
        """Read what was added since the last poll; every record read so far (the last TAIL_BYTES), in file order."""
        with self.lock:
            return self._poll(stop)

    def _poll(self, stop: Callable[[], bool]) -> list[LogRecord]:
        identity = _identity(self.source)
        if identity != self.identity:
            self.identity, self.start, self.size, self.records, self.quarantined = identity, None, -1, {}, {}
        size = self.source.size()
        if size == self.size and self.start is not None:
            return [self.records[k] for k in sorted(self.records)]
        if self.start is not None and size < self.start:  # truncated or replaced: read it afresh
            self.start, self.records, self.quarantined = None, {}, {}
        self.size = size
        if self.start is None:
            self.start = _tail_start(self.source)
        last = self.start
        for item in read(self.source, start=self.start):
            if isinstance(item, LogRecord):
                self.records[item.offset] = item
                self.quarantined.pop(item.offset, None)
            else:
                self.quarantined[item.offset] = item
                self.records.pop(item.offset, None)
            last = item.offset
            if stop():
                break
        # The last line may be half written: the next poll reads it again.
        self.start = last
        floor = last - TAIL_BYTES  # kept across traces: memory stays bounded however long the log grows
        if self.records and min(self.records) < floor:
            self.records = {k: v for k, v in self.records.items() if k >= floor}
            self.quarantined = {k: v for k, v in self.quarantined.items() if k >= floor}
        return [self.records[k] for k in sorted(self.records)]


def _identity(source: LogSource) -> tuple[int, int, bytes] | None:
    try:
        info = source.path.stat()
        with source.path.open("rb") as handle:
            head = handle.read(64)
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
