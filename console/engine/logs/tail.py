"""Follow an IIS log as it grows: a file, a folder's newest ``u_ex*.log``, or a glob's newest match, across rotation.

Handles what real logs do while watched: IIS rolls to a new ``u_exYYMMDD.log`` (the old file's last lines are read
first, then the new one from its start), a file truncated in place, a file replaced by a new one with the same name
(another inode), and a log that does not exist yet (IIS creates ``u_ex*.log`` at its first request or rollover: the
tail keeps looking). A line is only read once its line end is written: IIS buffers and may be mid-line. A Tail keeps
its position between polls, so whoever stops polling can come back and catch up without losing a line."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from console.engine.logs.model import LogInputError, LogRecord, Quarantined
from console.engine.logs.sources import input_error
from console.engine.logs.tail_follower import Follower, start_of_last_lines

__all__ = ["Rotation", "Skipped", "Tail", "follow", "newest_log", "resolve"]

_PREFERRED = ("u_ex*.log", "ex*.log")
_ANY = ("*.log",)
_DIGITS = re.compile(r"(\d+)")
_GLOB = re.compile(r"[*?\[]")
BUDGET = 4 << 20
"""Bytes one poll reads at most: a long backlog is read over several polls, each a bounded amount of work."""
DRAIN = 120.0
"""Seconds a file rotated away must stay unchanged before it is let go. http.sys flushes its log buffer lazily
(``netsh http flush logbuffer`` forces it), so the old day's last lines can land after the new file exists; no
Microsoft source found states the flush interval, so the old file is read until it has been quiet this long."""
MAX_DRAINING = 2
"""Files rotated away that are still read at once (the oldest is let go first)."""


@dataclass(frozen=True, slots=True)
class Rotation:
    """What is followed changed: a new file appeared, the file was truncated, or replaced under its name."""

    old: str | None
    new: str
    reason: str
    """``new file``, ``truncated``, ``replaced``, ``rewritten in place`` (truncated and written again past where
    reading stopped: read again from its start) or ``appeared`` (the log did not exist when the tail started)."""


@dataclass
class _Draining:
    """A file rotated away, still read for lines written to it late, until it has been quiet for the drain time."""

    follower: Follower
    quiet_since: float


@dataclass(frozen=True, slots=True)
class Skipped:
    """Data lines a poll did not read because more were waiting than the caller keeps (counted, never silent)."""

    lines: int


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(name))


def _newest(paths: list[Path]) -> Path:
    return max(paths, key=lambda p: (_natural(p.name), p.stat().st_mtime))


def newest_log(folder: Path) -> Path | None:
    """The log IIS writes to now: the last ``u_ex*.log``/``ex*.log`` by name (dates sort), else the newest ``*.log``."""
    try:
        names = [e.name for e in os.scandir(folder) if e.is_file()]
    except OSError as exc:
        raise input_error(str(folder), exc) from None
    for patterns in (_PREFERRED, _ANY):
        logs = [n for n in names if any(fnmatch.fnmatch(n.lower(), p) for p in patterns)]
        if logs:
            return _newest([folder / n for n in logs])
    return None


def resolve(named: str) -> tuple[Path | None, str]:
    """The file ``named`` points to now (a file; a folder's newest log; a glob's newest match), or None and why."""
    if _GLOB.search(named) and not os.path.exists(named):
        matches = [Path(p) for p in glob.glob(named) if os.path.isfile(p)]
        return (_newest(matches), "") if matches else (None, "no file matches this glob yet")
    target = Path(named)
    if target.is_dir():
        newest = newest_log(target)
        return (newest, "") if newest else (None, "folder holds no log files (u_ex*.log, ex*.log, *.log)")
    if target.exists():
        return target, ""
    return None, "no such file or folder"


class Tail:
    """A followed log whose position outlives any one reader: poll it now, again in a minute, nothing is lost.

    Starts at the end of what is there (``from_start``: at the beginning). When ``named`` names nothing yet,
    ``waiting`` says why and each poll looks again; a file that appears is read from its start. A file rotated away
    (a new day's file, or renamed and replaced) is still read, complete lines only, until it has been unchanged for
    ``drain`` seconds; then its unfinished last line, if any, is read as it stands and the file is let go."""

    def __init__(self, named: str, *, from_start: bool = False, drain: float = DRAIN) -> None:
        self.named = named
        self.drain = drain
        self.draining: list[_Draining] = []
        self.lock = threading.Lock()
        """Held by whoever polls: a reader that outlived its view must not read at the same time as the next."""
        self.follower: Follower | None = None
        self.waiting: str | None = None
        """Why nothing is followed (the path names nothing yet); None while a file is followed."""
        current, why = resolve(named)
        if current is None:
            self.waiting = why
            return
        self.follower = Follower(current, self._label(current))
        if not from_start:
            self.follower.skip_to(self.follower.complete_end())

    @property
    def more(self) -> bool:
        """Whether the last poll left bytes to read (poll again at once)."""
        return (self.follower is not None and self.follower.more) or any(d.follower.more for d in self.draining)

    @property
    def position(self) -> tuple[str, int] | None:
        """(the file followed, the offset read up to): what was written before it is another reader's."""
        return (str(self.follower.path), self.follower.offset) if self.follower else None

    def _label(self, current: Path) -> str:
        if _GLOB.search(self.named) and not os.path.exists(self.named):
            return str(current)
        return os.path.join(self.named, current.name) if os.path.isdir(self.named) else self.named

    def poll(self, keep_last: int | None = None) -> list[LogRecord | Quarantined | Rotation | Skipped]:
        """What was written since the last poll (at most BUDGET bytes of it; ``more`` says if there is more).

        ``keep_last``: when more lines wait than that, only the last ``keep_last`` are read and the rest are
        counted in a Skipped (directives among them still take effect)."""
        if self.follower is None:
            current, why = resolve(self.named)
            if current is None:
                self.waiting = why
                return []
            self.waiting = None
            self.follower = Follower(current, self._label(current))
            return [Rotation(None, self.follower.label, "appeared"), *self.poll(keep_last)]
        follower = self.follower
        found: list[LogRecord | Quarantined | Rotation | Skipped] = self._drain()
        if follower.rewritten():  # before reading on: from the old place it would start inside another line
            follower.close()
            self.follower = Follower(follower.path, follower.label)
            found.append(Rotation(follower.label, self.follower.label, "rewritten in place"))
            follower = self.follower
        if keep_last is not None:
            end = follower.complete_end()
            start = start_of_last_lines(follower.handle, end, keep_last)
            if start > follower.offset + len(follower.carry):
                skipped = follower.skip_to(start)
                if skipped:
                    found.append(Skipped(skipped))
            else:  # looking back moved the file position: back to where reading stopped
                follower.handle.seek(follower.offset + len(follower.carry))
        found += follower.read_new(budget=BUDGET)
        if follower.more:
            return found
        change = follower.changed()
        newer, _ = resolve(self.named) if os.path.isdir(self.named) or _GLOB.search(self.named) else (None, "")
        if change is None and newer is not None and newer != follower.path:
            change = "new file"
        if change is not None:
            if change == "truncated":
                found += follower.read_new(final=True)
                follower.close()
            else:  # its writer may still add lines to it: read on, complete lines only (see DRAIN)
                self.draining.append(_Draining(follower, time.monotonic()))
                if len(self.draining) > MAX_DRAINING:
                    found += self._let_go(self.draining[0])
            current = newer if change == "new file" and newer is not None else follower.path
            self.follower = Follower(current, self._label(current))
            found.append(Rotation(follower.label, self.follower.label, change))
        return found

    def _drain(self) -> list[LogRecord | Quarantined | Rotation | Skipped]:
        """What was added to the files rotated away since the last poll; those quiet for the drain time let go."""
        found: list[LogRecord | Quarantined | Rotation | Skipped] = []
        now = time.monotonic()
        for old in list(self.draining):
            before = old.follower.offset + len(old.follower.carry)
            found += old.follower.read_new(budget=BUDGET)
            if old.follower.offset + len(old.follower.carry) != before:
                old.quiet_since = now
            elif now - old.quiet_since >= self.drain or old.follower.changed() == "truncated":
                found += self._let_go(old)
        return found

    def _let_go(self, old: _Draining) -> list[LogRecord | Quarantined]:
        """Stop reading a file rotated away: its unfinished last line, if any, is read as it stands."""
        self.draining.remove(old)
        last = list(old.follower.read_new(final=True))
        old.follower.close()
        return last

    def close(self) -> None:
        if self.follower is not None:
            self.follower.close()
        for old in self.draining:
            old.follower.close()
        self.draining = []


def follow(
    path: str, stop: Callable[[], bool], poll: float = 0.5, *, from_start: bool = False
) -> Iterator[LogRecord | Quarantined | Rotation]:
    """Records and quarantined lines as they are written to ``path`` (a file, a folder's newest log, or a glob's
    newest match), with a :class:`Rotation` each time what is followed changes. Ends when ``stop()`` is true.

    Starts at the end of what is there (``from_start``: at the beginning). LogInputError when the path names
    nothing (a missing file, a folder with no logs, a glob matching nothing) or cannot be read."""
    tail = Tail(path, from_start=from_start)
    if tail.waiting is not None:
        raise LogInputError(tail.waiting, where=path)
    try:
        while True:
            for item in tail.poll():
                if not isinstance(item, Skipped):
                    yield item
            if tail.more:
                continue
            if _wait(stop, poll):
                for item in tail.poll():
                    if not isinstance(item, Skipped):
                        yield item
                return
    finally:
        tail.close()


def _wait(stop: Callable[[], bool], poll: float) -> bool:
    """Sleep ``poll`` seconds in short steps; True as soon as ``stop()`` says so."""
    deadline = time.monotonic() + max(poll, 0.01)
    while time.monotonic() < deadline:
        if stop():
            return True
        time.sleep(min(0.05, poll))
    return stop()
