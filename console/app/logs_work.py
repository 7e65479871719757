"""The Logs view's thread work: search, tail and join call the engine off the UI thread and fill an Inbox."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, cast

from console.engine.logs.model import LogRecord, Quarantined, Tally
from console.engine.logs.search import Query
from console.engine.logs.sources import LogSource
from console.engine.logs.view_model import MAX_ROWS, Criteria, LogPaths, LogRow, row_of

if TYPE_CHECKING:
    from console.engine.logs.tail import Tail

Item = LogRecord | Quarantined
Stop = Callable[[], bool]
BYPASS_EXAMPLES = 3
"""Bypassed IIS lines named in the join summary (the full list is `baton logs join`'s)."""


@dataclass
class Batch:
    """What the workers found since the UI last drained the inbox."""

    generation: int
    rows: deque[tuple[LogRow, Item]]
    notes: list[str] = field(default_factory=list)
    dropped: int = 0
    """Lines that matched but are not shown: pushed out of the bounded inbox, or skipped unread (counted)."""


class Inbox:
    """Rows from worker threads, drained by the UI on a timer: thousands of lines a second cost one redraw per tick.

    It keeps at most ``max_rows`` rows per generation (what the table can show): a flood costs the UI thread no more
    than a full table, and every row pushed out is counted as dropped."""

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._batches: dict[int, Batch] = {}

    def _batch(self, generation: int) -> Batch:
        batch = self._batches.get(generation)
        if batch is None:
            batch = self._batches[generation] = Batch(generation, deque(maxlen=self.max_rows))
        return batch

    def put(self, generation: int, row: LogRow, item: Item) -> None:
        with self._lock:
            rows = self._batch(generation).rows
            if len(rows) == self.max_rows:
                self._batches[generation].dropped += 1
            rows.append((row, item))

    def note(self, generation: int, text: str) -> None:
        with self._lock:
            self._batch(generation).notes.append(text)

    def drop(self, generation: int, lines: int) -> None:
        """``lines`` that matched were skipped unread: count them."""
        with self._lock:
            self._batch(generation).dropped += lines

    def drain(self) -> list[Batch]:
        with self._lock:
            batches, self._batches = list(self._batches.values()), {}
        return batches


def query_of(criteria: Criteria, correlation_field: str | None = None) -> Query:
    """The engine's Query (the CLI's own matching rules) for the search words: the id in the profile's correlation
    field, ``user:`` the caller the line names by the join's rule (identity.iis_user), status, path and time."""
    c = criteria
    return Query(c.correlation_id, c.user, c.status, c.substatus, c.path, c.since, c.until, correlation_field)


def matcher(criteria: Criteria, correlation_field: str | None = None) -> Callable[[Item], bool]:
    """Whether a line belongs in the results: every line for an empty search, else the records the query matches
    (the same Query as ``baton logs search``, so the table, the join and the CLI agree)."""
    if criteria.empty:
        return lambda item: True
    query = query_of(criteria, correlation_field)

    def keep(item: Item) -> bool:
        return isinstance(item, LogRecord) and query.matches(item)

    return keep


def search(
    paths: LogPaths, criteria: Criteria, generation: int, inbox: Inbox, stop: Stop, tailed: tuple[str, int] | None
) -> Tally | None:
    """Every IIS log of the profile: the matching lines (an empty search keeps every line, quarantined ones too).

    An empty search reads each plain file's newest lines from its end (what the table can hold) and only counts the
    older ones, as ``tail`` does; ``tailed`` (file, offset) is where a running tail took over: that file is read
    only up to there, so no line is shown twice. The tally of every line read; None for an id-only search, which
    takes the engine's grep-speed path and reads only the lines holding the id (it cannot count quarantined ones)."""
    from console.engine.logs.search import search as find
    from console.engine.logs.sources import expand

    sources = expand(list(paths.readable()))
    query = query_of(criteria, paths.correlation_field)
    if query.id_only():
        for record in find(sources, query):
            if stop():
                break
            inbox.put(generation, row_of(record, paths.correlation_field), record)
        return None
    keep = matcher(criteria, paths.correlation_field)
    total = Tally("all")
    for source in sources:
        end = tailed[1] if tailed is not None and str(source.path) == tailed[0] and source.member is None else None
        if criteria.empty and not source.compressed:
            total.add(_newest_lines(source, end, paths, generation, inbox, stop))
        else:
            total.add(_every_line(source, end, keep, paths, generation, inbox, stop))
        if stop():
            break
    return total


def _newest_lines(
    source: LogSource, end: int | None, paths: LogPaths, generation: int, inbox: Inbox, stop: Stop
) -> Tally:
    """The last ``inbox.max_rows`` lines of a plain file, read from where they start; the older ones counted."""
    from console.engine.logs.tail_follower import Follower, start_of_last_lines

    tally = Tally(source.label)
    follower = Follower(source.path, source.label)
    try:
        until = follower.size() if end is None else end
        inbox.drop(generation, follower.skip_to(start_of_last_lines(follower.handle, until, inbox.max_rows)))
        for item in follower.read_new(final=end is None, until=until):
            if stop():
                break
            inbox.put(generation, row_of(item, paths.correlation_field), item)
            tally.quarantined += isinstance(item, Quarantined)
        tally.lines = follower.line
    finally:
        follower.close()
    return tally


def _every_line(
    source: LogSource,
    end: int | None,
    keep: Callable[[Item], bool],
    paths: LogPaths,
    generation: int,
    inbox: Inbox,
    stop: Stop,
) -> Tally:
    from console.engine.logs.reader import read

    tally = Tally(source.label)
    for item in read(source if end is None else _upto(source, end), tally):
        if stop():
            break
        if keep(item):
            inbox.put(generation, row_of(item, paths.correlation_field), item)
    return tally


class _Bounded:
    """A byte stream that ends at ``left`` bytes: what a tail took over is not read twice."""

    def __init__(self, stream: BinaryIO, left: int) -> None:
        self.stream, self.left = stream, left

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size) if size > 0 else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.stream.close()


@dataclass(frozen=True, slots=True)
class _Upto(LogSource):
    end: int = 0

    def open(self) -> BinaryIO:
        return cast(BinaryIO, _Bounded(LogSource.open(self), self.end))


def _upto(source: LogSource, end: int) -> LogSource:
    return _Upto(source.path, source.member, source.label, source.compressed, end)


POLL = 0.25
"""Seconds between looks at the tailed log."""


def tail(
    tail: Tail,
    paths: LogPaths,
    criteria: Criteria,
    generation: int,
    inbox: Inbox,
    stop: Stop,
    paused: Callable[[], bool],
    said: Callable[[str | None], None],
) -> None:
    """Poll ``tail`` until ``stop``; lines matching the search go to the inbox. While ``paused`` (a line is held)
    nothing is read: the tail keeps its place and catches up after. An empty search keeps only the newest lines of a
    long backlog, counting the rest as dropped; ``said`` gets why the tail waits (None once it follows a file)."""
    from console.engine.logs.tail import Rotation, Skipped

    keep = matcher(criteria, paths.correlation_field)
    keep_last = inbox.max_rows if criteria.empty else None
    waiting: str | None = ""
    while not stop():
        if paused():
            time.sleep(POLL / 5)
            continue
        with tail.lock:
            found = tail.poll(keep_last)
        if tail.waiting != waiting:
            waiting = tail.waiting
            said(waiting)
        for item in found:
            if isinstance(item, Skipped):
                inbox.drop(generation, item.lines)
            elif isinstance(item, Rotation):  # the tail moved to the next file, or it was truncated or replaced
                inbox.note(generation, f"tail: {item.reason}, now following {item.new}")
            elif keep(item):
                inbox.put(generation, row_of(item, paths.correlation_field), item)
        if not tail.more:
            time.sleep(POLL)


@dataclass(frozen=True, slots=True)
class JoinResult:
    """The join's verdict counts by verdict name (``refused_at_iis``), a few bypassed IIS lines, its warnings."""

    counts: dict[str, int]
    bypassed: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def note(self) -> str:
        """Why the join is partial (its first two warnings), or nothing."""
        return f"partial: {'; '.join(self.warnings[:2])}" if self.warnings else ""


def join(paths: LogPaths) -> JoinResult:
    """Gateway access log ⨝ IIS (and HTTPERR) logs by correlation id (the engine's join), summarised for the view."""
    from console.engine.logs.join import join as run_join
    from console.engine.logs.sources import expand

    assert paths.gateway is not None and paths.iis is not None  # the screen checks join_state() first
    report = run_join(expand([paths.gateway]), expand(list(paths.readable())), iis_key=paths.correlation_field)
    bypassed: list[str] = []
    for row in report.rows:
        if row.verdict.value == "bypassed" and row.iis is not None and len(bypassed) < BYPASS_EXAMPLES:
            iis = row.iis
            bypassed.append(
                f"{iis.source.rsplit('/', 1)[-1]}:{iis.line} {iis.method} {iis.path} {iis.status} "
                f"user={iis.user or '-'} id={iis.key or '-'}"
            )
    counts = {verdict.value: count for verdict, count in report.counts.items()}
    if report.iis_not_joinable:  # IIS lines no request could be judged against
        counts["iis_not_joinable"] = report.iis_not_joinable
    return JoinResult(counts, tuple(bypassed), tuple(report.warnings()))
