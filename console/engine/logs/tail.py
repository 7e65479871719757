"""Follow an IIS log as it grows: a file, or a folder whose newest ``u_ex*.log`` is followed across daily rotation.

Handles what real logs do while watched: IIS rolls to a new ``u_exYYMMDD.log`` (the old file's last lines are read
first, then the new one from its start), a file truncated in place, and a file replaced by a new one with the same
name (another inode). A line is only read once its line end is written: IIS buffers and may be mid-line."""

from __future__ import annotations

import fnmatch
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from console.engine.logs.directives import Header
from console.engine.logs.lines import values_for
from console.engine.logs.model import LogInputError, LogRecord, Quarantined
from console.engine.logs.sources import input_error

__all__ = ["Rotation", "follow", "newest_log"]

_PREFERRED = ("u_ex*.log", "ex*.log")
_ANY = ("*.log",)
_DIGITS = re.compile(r"(\d+)")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Rotation:
    """What is followed changed: a new file appeared, the file was truncated, or replaced under its name."""

    old: str | None
    new: str
    reason: str
    """``new file``, ``truncated`` or ``replaced``."""


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(name))


def newest_log(folder: Path) -> Path | None:
    """The log IIS writes to now: the last ``u_ex*.log``/``ex*.log`` by name (dates sort), else the newest ``*.log``."""
    try:
        names = [e.name for e in os.scandir(folder) if e.is_file()]
    except OSError as exc:
        raise input_error(str(folder), exc) from None
    for patterns in (_PREFERRED, _ANY):
        logs = [n for n in names if any(fnmatch.fnmatch(n.lower(), p) for p in patterns)]
        if logs:
            return folder / max(logs, key=lambda n: (_natural(n), (folder / n).stat().st_mtime))
    return None


class _Follower:
    """One open file: its position, the header in force, line numbers, and the unfinished last line."""

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

    def skip_to_end(self) -> None:
        """Take in the header state and line count of what is already written, yielding nothing."""
        for raw in self.handle:
            if not raw.endswith(b"\n"):
                self.carry = raw
                break
            self.line += 1
            self.offset += len(raw)
            if raw[:1] == b"#":
                self.header.apply(raw.rstrip(b"\r\n").decode("utf-8", "replace"), self.line)

    def read_new(self, final: bool = False) -> Iterator[LogRecord | Quarantined]:
        """Every complete line written since the last call (and, when ``final``, an unfinished last one)."""
        while True:
            chunk = self.handle.read(_CHUNK)
            if not chunk:
                break
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


def follow(
    path: str, stop: Callable[[], bool], poll: float = 0.5, *, from_start: bool = False
) -> Iterator[LogRecord | Quarantined | Rotation]:
    """Records and quarantined lines as they are written to ``path`` (a file, or a folder's newest log), with a
    :class:`Rotation` each time what is followed changes. Ends when ``stop()`` is true (checked every ``poll`` s).

    Starts at the end of what is there (``from_start``: at the beginning). LogInputError for a missing path, a
    folder with no logs, permission denied."""
    target = Path(path)
    folder = target if target.is_dir() else None
    if folder is None and not target.exists():
        raise LogInputError("no such file or folder", where=path)
    current = newest_log(folder) if folder is not None else target
    if current is None:
        raise LogInputError("folder holds no log files (u_ex*.log, ex*.log, *.log)", where=path)
    follower = _Follower(current, _label(path, folder, current))
    if not from_start:
        follower.skip_to_end()
    try:
        while True:
            yield from follower.read_new()
            change = follower.changed()
            newer = newest_log(folder) if folder is not None else None
            if change is None and newer is not None and newer.name != follower.path.name:
                change = "new file"
            if change is not None:
                yield from follower.read_new(final=True)  # the old file's last lines first
                follower.close()
                current = newer if change == "new file" and newer is not None else follower.path
                old_label = follower.label
                follower = _Follower(current, _label(path, folder, current))
                yield Rotation(old_label, follower.label, change)
                continue
            if _wait(stop, poll):
                yield from follower.read_new()
                return
    finally:
        follower.close()


def _label(named: str, folder: Path | None, current: Path) -> str:
    return os.path.join(named, current.name) if folder is not None else named


def _wait(stop: Callable[[], bool], poll: float) -> bool:
    """Sleep ``poll`` seconds in short steps; True as soon as ``stop()`` says so."""
    deadline = time.monotonic() + max(poll, 0.01)
    while time.monotonic() < deadline:
        if stop():
            return True
        time.sleep(min(0.05, poll))
    return stop()
