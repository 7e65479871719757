"""One followed log file: its read position, the header in force, line numbers, and the unfinished last line.

The position survives between reads, so a tail can stop reading (a view closed, a line held) and catch up later
from exactly where it was; a backlog too long to show can be skipped with every skipped line counted."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from console.engine.logs.directives import Header
from console.engine.logs.lines import values_for
from console.engine.logs.model import LogRecord, Quarantined
from console.engine.logs.sources import input_error

__all__ = ["Follower", "start_of_last_lines"]

CHUNK = 1 << 20
RECENT = 64
"""Bytes kept of what was read last: the file must still hold them where reading stopped, or it was rewritten."""
_BLANK = re.compile(rb"(?m)^[ \t\r\x0b\x0c]*\n")
_DIRECTIVE = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?#[^\n]*")


def _newline_back(handle: BinaryIO, end: int, n: int) -> int | None:
    """Where the ``n``-th line end before ``end`` is, counting back; None when there are fewer."""
    at = end
    while at > 0:
        size = min(CHUNK, at)
        handle.seek(at - size)
        chunk = handle.read(size)
        found = chunk.count(b"\n")
        if found < n:
            n -= found
            at -= size
            continue
        pos = len(chunk)
        for _ in range(n):
            pos = chunk.rfind(b"\n", 0, pos)
        return at - size + pos
    return None


def start_of_last_lines(handle: BinaryIO, end: int, count: int) -> int:
    """The offset where the last ``count`` lines before ``end`` (a line start) begin; 0 when there are fewer."""
    pos = _newline_back(handle, end, count + 1)
    return 0 if pos is None else pos + 1


class Follower:
    """One open file read forward from a byte offset; lines are yielded only once their line end is written."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label = path, label
        try:
            self.handle: BinaryIO = open(path, "rb")  # noqa: SIM115 (kept open while followed)
            self.inode = os.fstat(self.handle.fileno()).st_ino
        except OSError as exc:
            raise input_error(label, exc) from None
        self.header = Header()
        self.line = 0
        self.offset = 0
        self.carry = b""
        self.more = False
        """Whether the last budgeted read stopped with bytes left to read."""
        self.recent = b""
        """The last bytes read (at most RECENT), ending where reading stopped (``offset`` + the unfinished line)."""

    def size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size

    def complete_end(self) -> int:
        """The offset just past the last line end written so far (an unfinished line is not there yet)."""
        pos = _newline_back(self.handle, self.size(), 1)
        self.handle.seek(self.offset + len(self.carry))
        return 0 if pos is None else pos + 1

    def skip_to(self, end: int) -> int:
        """Move to ``end`` (a line start past the position) without yielding lines: directives take effect and
        lines are numbered. Returns how many data lines (neither directive nor blank) were skipped."""
        self.handle.seek(self.offset)
        self.carry, self.recent = b"", b""  # what was read past the offset is dropped: nothing to compare yet
        data = 0
        while self.offset < end:
            chunk = self.handle.read(min(CHUNK, end - self.offset))
            if not chunk:
                break
            if self.offset + len(chunk) < end:  # whole lines only: the rest is read with the next chunk
                cut = chunk.rfind(b"\n") + 1
                chunk = chunk[:cut] if cut else chunk
            for match in _DIRECTIVE.finditer(chunk):
                line = self.line + chunk.count(b"\n", 0, match.start()) + 1
                text = match.group().removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
                self.header.apply(text.decode("utf-8", "replace"), line)
                data -= 1
            lines = chunk.count(b"\n")
            data += lines - len(_BLANK.findall(chunk))
            self._saw(chunk)
            self.line += lines
            self.offset += len(chunk)
            self.handle.seek(self.offset)  # a chunk cut at its last line end: the rest is read again
        return max(data, 0)

    def read_new(
        self, final: bool = False, budget: int | None = None, until: int | None = None
    ) -> Iterator[LogRecord | Quarantined]:
        """Every complete line written since the last call (and, when ``final``, an unfinished last one); with a
        ``budget``, at most about that many bytes (``more`` then says whether some are left); never past ``until``."""
        self.more = False
        done = 0
        while True:
            if budget is not None and done >= budget:
                self.more = True
                break
            left = CHUNK if until is None else min(CHUNK, until - self.offset - len(self.carry))
            chunk = self.handle.read(left) if left > 0 else b""
            if not chunk:
                break
            done += len(chunk)
            self._saw(chunk)
            data = self.carry + chunk
            end = data.rfind(b"\n")
            if end < 0:
                self.carry = data
                continue
            self.carry = data[end + 1 :]
            for raw in data[:end].split(b"\n"):
                yield from self._line(raw)
        if final and self.carry:
            raw, self.carry = self.carry, b""
            yield from self._line(raw, ended=False)

    def _line(self, raw: bytes, ended: bool = True) -> Iterator[LogRecord | Quarantined]:
        # The same buckets as reader.read: a directive changes the header, a blank is nothing, the rest is data.
        self.line += 1
        at = self.offset
        self.offset += len(raw) + (1 if ended else 0)
        raw = raw.removesuffix(b"\r")
        if at == 0:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        text = raw.replace(b"\0", b"").decode("utf-8", "replace")
        if text[:1] == "#":
            self.header.apply(text, self.line)
            return
        if not text.strip():
            return
        schema = self.header.schema
        if b"\0" in raw or schema is None:
            reason = "NUL bytes in the line" if b"\0" in raw else self.header.missing
            yield Quarantined(self.label, self.line, at, reason, text)
            return
        values = values_for(text, schema)
        if isinstance(values, str):
            yield Quarantined(self.label, self.line, at, values, text)
        else:
            yield LogRecord(self.label, self.line, at, schema, values)

    def _saw(self, chunk: bytes) -> None:
        self.recent = (self.recent + chunk[-RECENT:])[-RECENT:]

    def rewritten(self) -> bool:
        """Whether the file under the name, still the one open and not shorter, no longer holds the bytes last read
        where they were: it was truncated and written again (copytruncate, an editor) and has grown past where reading
        stopped, which a size check cannot see; reading on from there would start inside another line."""
        end = self.offset + len(self.carry)
        if not self.recent:
            return False
        try:
            st = os.stat(self.path)
            if st.st_ino != self.inode or st.st_size < end:
                return False  # replaced or truncated: changed() names it
            return os.pread(self.handle.fileno(), len(self.recent), end - len(self.recent)) != self.recent
        except OSError:
            return False  # a name gone for now (mid-rename) is not a change yet

    def changed(self) -> str | None:
        """``truncated`` or ``replaced`` when the file under the name is not what is open; None when it grew or
        stayed. A name that is gone for now (mid-rename) is not a change yet."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise input_error(self.label, exc) from None
        if st.st_ino != self.inode:
            return "replaced"
        if st.st_size < self.offset + len(self.carry):
            return "truncated"
        return None

    def close(self) -> None:
        self.handle.close()
