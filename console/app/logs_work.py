"""The Logs view's thread work: search, tail and join call the engine off the UI thread and fill an Inbox."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from console.engine.logs.model import LogRecord, Quarantined, Tally
from console.engine.logs.search import Query
from console.engine.logs.view_model import Criteria, LogPaths, LogRow, row_of

Item = LogRecord | Quarantined
Stop = Callable[[], bool]
BYPASS_EXAMPLES = 3
"""Bypassed IIS lines named in the join summary (the full list is `baton logs join`'s)."""


@dataclass
class Batch:
    """What the workers found since the UI last drained the inbox."""

    generation: int
    rows: list[tuple[LogRow, Item]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Inbox:
    """Rows from worker threads, drained by the UI on a timer: thousands of lines a second cost one redraw per tick."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batches: dict[int, Batch] = {}

    def put(self, generation: int, row: LogRow, item: Item) -> None:
        with self._lock:
            self._batches.setdefault(generation, Batch(generation)).rows.append((row, item))

    def note(self, generation: int, text: str) -> None:
        with self._lock:
            self._batches.setdefault(generation, Batch(generation)).notes.append(text)

    def drain(self) -> list[Batch]:
        with self._lock:
            batches, self._batches = list(self._batches.values()), {}
        return batches


def query_of(criteria: Criteria) -> Query:
    """The engine's Query (the CLI's own matching rules); the id may be in any field, as `baton logs search`'s."""
    c = criteria
    return Query(c.correlation_id, c.user, c.status, c.substatus, c.path, c.since, c.until)


def matcher(criteria: Criteria) -> Callable[[Item], bool]:
    """Whether a line belongs in the results: every line for an empty search, else the records the query matches."""
    if criteria.empty:
        return lambda item: True
    query = query_of(criteria)
    return lambda item: isinstance(item, LogRecord) and query.matches(item)


def search(paths: LogPaths, criteria: Criteria, generation: int, inbox: Inbox, stop: Stop) -> Tally | None:
    """Every IIS log of the profile: the matching lines (an empty search keeps every line, quarantined ones too).

    The tally of every line read; None for an id-only search, which takes the engine's grep-speed path and reads
    only the lines holding the id (so it cannot count quarantined ones)."""
    from console.engine.logs.reader import read
    from console.engine.logs.search import search as find
    from console.engine.logs.sources import expand

    sources = expand(list(paths.readable()))
    query = query_of(criteria)
    if query.id_only():
        for record in find(sources, query):
            if stop():
                break
            inbox.put(generation, row_of(record, paths.correlation_field), record)
        return None
    keep = matcher(criteria)
    total = Tally("all")
    for source in sources:
        tally = Tally(source.label)
        for item in read(source, tally):
            if stop():
                break
            if keep(item):
                inbox.put(generation, row_of(item, paths.correlation_field), item)
        total.add(tally)
    return total


def tail(paths: LogPaths, criteria: Criteria, generation: int, inbox: Inbox, stop: Stop) -> None:
    """Follow the profile's IIS log across rotation until ``stop``; lines matching the search go to the inbox."""
    from console.engine.logs.tail import follow

    keep = matcher(criteria)
    if paths.iis is None:
        return
    for item in follow(paths.iis, stop, poll=0.25):
        if stop():
            return
        if isinstance(item, LogRecord | Quarantined):
            if keep(item):
                inbox.put(generation, row_of(item, paths.correlation_field), item)
        else:  # a Rotation: the tail moved to the next file, or the file was truncated or replaced
            inbox.note(generation, f"tail: {item.reason}, now following {item.new}")


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
    return JoinResult(counts, tuple(bypassed), tuple(report.warnings()))
