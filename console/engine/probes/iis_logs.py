"""Find one request's line in IIS's logs: by its correlation id, else by time, method and path; HTTPERR if refused.

IIS (http.sys) writes its logs asynchronously: a line may appear seconds after the response. No Microsoft page found
states the flush interval (searched: learn.microsoft.com "flush logbuffer" says only that it "flushes the internal
buffers for the log files"; a blogs.technet IIS 6.0 post says logging "is not synchronous"), so the interval is
unconfirmed here and never quoted to the user: the search polls until a deadline instead.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from console.engine.logs.model import LogInputError, LogRecord
from console.engine.logs.sources import LogSource
from console.engine.probes.iis_match import LogQuery, by_time, elsewhere
from console.engine.probes.w3c import Tail, newest_sources
from console.errors import TraceCancelled
from console.model.enums import Confidence
from console.sanitize import inert

__all__ = ["BUFFERED", "LogQuery", "LogSearch", "search_logs"]

BUFFERED = (
    "IIS writes its log asynchronously (http.sys buffers lines before writing them; 'netsh http flush logbuffer' "
    "on the server writes them now)"
)
POLL = 0.25
"""Seconds between two looks at a log that does not hold the line yet."""


@dataclass(frozen=True, slots=True)
class LogSearch:
    """What IIS's logs hold for one request: its own lines, else guesses, and http.sys's refusal."""

    by_id: tuple[LogRecord, ...] = ()
    """Lines whose correlation-id field holds exactly this request's id."""
    candidates: tuple[LogRecord, ...] = ()
    """With no line by id: lines of the right time, method and path (a guess, never proof)."""
    httperr: tuple[LogRecord, ...] = ()
    """HTTPERR lines of the right time, method and URL: http.sys refused the request before IIS saw it."""
    id_field: bool | None = None
    """Whether the log names a correlation-id field; None when no record was read."""
    elsewhere: str = ""
    """Where the id appeared outside the id field (another request's User-Agent, query …)."""
    unreadable: str = ""
    """A line holding the id that the reader could not read, and why (no #Fields before it …)."""
    problem: str = ""
    """A location that could not be read (missing, unreadable, a glob matching nothing), each as 'where: why'."""
    unread: tuple[tuple[str, str], ...] = ()
    """The same, structured: (where, why) per location or file that could not be read."""
    location: str = ""
    """The location searched, as the profile names it ([iis] log_path, else httperr_path)."""
    setting: str = "log_path"
    """The profile setting that named ``location``."""
    searched: tuple[str, ...] = ()
    waited: float = 0.0
    criteria: str = "time, method and path"

    @property
    def confidence(self) -> Confidence:
        """How sure the chosen line is this request's: its own id is certain; a time-window guess only possible."""
        return Confidence.CERTAIN if self.by_id else Confidence.POSSIBLE

    @property
    def chosen(self) -> LogRecord | None:
        """The line to show: the newest by id, else the only or nearest candidate, else the HTTPERR line."""
        if self.by_id:
            return self.by_id[-1]
        if self.candidates:
            return self.candidates[0]
        return self.httperr[0] if self.httperr else None

    def reason(self) -> str:
        """Why the chosen line is thought to be this request's, in words."""
        if self.by_id:
            many = f" ({len(self.by_id)} lines)" if len(self.by_id) > 1 else ""
            return f"matched by correlation id{many}"
        pool = self.candidates or self.httperr
        where = "HTTPERR " if not self.candidates and self.httperr else ""
        count = f"{len(pool)} candidate" + ("s" if len(pool) != 1 else "")
        return f"{where}matched by {self.criteria}: {count}" + (", none tied by correlation id" if pool else "")

    def settled(self) -> bool:
        """Nothing more to wait for: the line by id, http.sys's refusal, a guess where no id can be logged,
        or a location that cannot be read."""
        return bool(self.by_id or self.httperr or self.problem or (self.candidates and self.id_field is False))


def search_logs(
    query: LogQuery,
    w3c: str | None,
    httperr: str | None = None,
    *,
    base_dir: str | None = None,
    wait: float = 0.0,
    cancel: threading.Event | None = None,
    waiting: Callable[[], None] | None = None,
) -> LogSearch:
    """Look for the request's lines, polling until found or ``wait`` seconds have passed.

    ``waiting`` is called once when the first look finds nothing (the IIS hop shows it is looking).
    Raises TraceCancelled as soon as ``cancel`` is set; no thread is left behind (it polls on the caller's)."""
    tails: dict[str, Tail] = {}
    deadline = time.monotonic() + max(wait, 0.0)
    started = time.monotonic()
    announced = False
    while True:
        if cancel is not None and cancel.is_set():
            raise TraceCancelled("cancelled")
        found = _look(query, w3c, httperr, base_dir, tails, cancel)
        now = time.monotonic()
        if found.settled() or now >= deadline:
            return replace(
                found,
                waited=now - started,
                location=w3c or httperr or "",
                setting="log_path" if w3c else "httperr_path",
            )
        if not announced and waiting is not None:
            waiting()
            announced = True
        # Sleep in short steps so a cancel is seen at once.
        while time.monotonic() < min(deadline, now + POLL):
            if cancel is not None and cancel.wait(0.05):
                raise TraceCancelled("cancelled")
            if cancel is None:
                time.sleep(0.05)


_SHARED: OrderedDict[str, Tail] = OrderedDict()
"""The Tail of each recently searched file, kept across traces: a trace reads only what was written since the last
one instead of the last TAIL_BYTES again (the sandbox's log grows with every trace)."""
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 8


def _shared_tail(key: str, source: LogSource) -> Tail:
    with _SHARED_LOCK:
        tail = _SHARED.pop(key, None) or Tail(source)
        _SHARED[key] = tail
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
        return tail


def _look(
    query: LogQuery,
    w3c: str | None,
    httperr: str | None,
    base_dir: str | None,
    tails: dict[str, Tail],
    cancel: threading.Event | None,
) -> LogSearch:
    stop: Callable[[], bool] = cancel.is_set if cancel is not None else lambda: False
    problems: list[tuple[str, str]] = []
    # By id first: each tail answers from its index, so the common case reads only the lines written since the
    # last trace; every line read is gathered only when no line holds the id (the guesses need them all).
    sources, searched = _tails(w3c, base_dir, tails, problems) if w3c else ([], [])
    by_id: list[LogRecord] = []
    for tail in list(sources):
        try:
            by_id += tail.find(query.header, query.correlation_id, stop)
        except LogInputError as exc:
            problems.append(_unread(exc))
            sources.remove(tail)  # what it held before is not what the file holds now
    named = [tail.names(query.header) for tail in sources]
    id_field = True if True in named else (False if False in named else None)
    if by_id:
        return LogSearch(
            by_id=tuple(by_id),
            id_field=id_field,
            problem=_said(problems),
            unread=tuple(problems),
            searched=tuple(searched),
        )
    records = [record for tail in sources for record in tail.held()]
    unreadable = next(
        (
            f"{q.source}:{q.line} holds {query.correlation_id} but cannot be read: {q.reason}"
            for tail in sources
            for q in tail.quarantined.values()
            if query.correlation_id and query.correlation_id in q.text
        ),
        "",
    )
    candidates, criteria = by_time(records, query)
    refused: list[LogRecord] = []
    if httperr:
        errors, more = _records(httperr, base_dir, tails, problems, stop)
        searched += more
        refused, _ = by_time(errors, query, uri_field="cs-uri")
    return LogSearch(
        candidates=tuple(candidates),
        httperr=tuple(refused),
        id_field=id_field,
        elsewhere=elsewhere(records, query),
        unreadable=unreadable,
        problem=_said(problems),
        unread=tuple(problems),
        searched=tuple(searched),
        criteria=criteria,
    )


def _said(problems: list[tuple[str, str]]) -> str:
    return "; ".join(f"{where}: {why}" if where else why for where, why in problems)


def _tails(
    location: str, base_dir: str | None, tails: dict[str, Tail], problems: list[tuple[str, str]]
) -> tuple[list[Tail], list[str]]:
    """The Tail of each of the newest files ``location`` names, oldest first (records in time order)."""
    try:
        sources = newest_sources(location, base_dir)
    except LogInputError as exc:
        problems.append(_unread(exc))
        return [], []
    out: list[Tail] = []
    for source in reversed(sources):
        key = f"{source.path}!{source.member or ''}"
        out.append(tails.setdefault(key, _shared_tail(key, source)))
    return out, [s.label for s in sources]


def _records(
    location: str,
    base_dir: str | None,
    tails: dict[str, Tail],
    problems: list[tuple[str, str]],
    stop: Callable[[], bool],
) -> tuple[list[LogRecord], list[str]]:
    sources, searched = _tails(location, base_dir, tails, problems)
    out: list[LogRecord] = []
    for tail in sources:
        try:
            out += tail.poll(stop)
        except LogInputError as exc:
            problems.append(_unread(exc))
    return out, searched


def _unread(exc: LogInputError) -> tuple[str, str]:
    """(where, why) of a log input that could not be read; both inert (the error's one line, split at its place)."""
    said = exc.one_line()
    where = inert(" ".join(exc.where.split())) if exc.where else ""
    return (where, said[len(where) + 2 :]) if where and said.startswith(f"{where}: ") else ("", said)


def utc(epoch: float) -> str:
    """An epoch time as IIS writes it (UTC, to the second)."""
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
