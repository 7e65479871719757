"""TraceBook: the one record of what the console shows, built by applying the engine's events.

Every front end reads the book instead of keeping its own copy: the console's panes, the CLI printer, and later the
history store, exports and walkthroughs (``subscribe``). It holds the traces by id (this run's and the ones recorded
by the sandbox), the live hops merged by the engine's own rule, the feed, and the selected trace and hop. UI-free.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace

from console.engine.book_views import BookChange, BookEntry, PaneViews
from console.engine.trace import is_own_correlation_id
from console.model.enums import FeedOrigin, HopName, VerdictKind
from console.model.trace import (
    FeedItem,
    HopObserved,
    TokenInspected,
    Trace,
    TraceEvent,
    TraceFinished,
    TraceRequest,
    TraceStarted,
)
from console.model.views import verdict_kind

__all__ = ["BookChange", "BookEntry", "Listener", "TraceBook"]

MAX_TRACES = 1000
"""Traces kept in memory; the oldest go first (the feed shows at most as many)."""

Listener = Callable[["BookChange"], None]


class TraceBook(PaneViews):
    """Applies trace events in order and answers what each pane shows; never reads a widget."""

    def __init__(self, *, clock: Callable[[], float] = time.time, max_traces: int = MAX_TRACES) -> None:
        self.clock = clock
        self.max_traces = max_traces
        self.entries: OrderedDict[str, BookEntry] = OrderedDict()
        self.feed: OrderedDict[str, FeedItem] = OrderedDict()
        """Every feed item by key, in arrival order."""
        self.current_id: str | None = None
        """The trace the panes show; None before any (or while a request waits to start)."""
        self.waiting: VerdictKind | None = None
        """PENDING while a request was sent but its trace has not started; CANCELLED if it was cancelled then."""
        self.selected_hop: HopName = HopName.CLIENT
        self.queued: tuple[TraceRequest | None, int] | None = None
        """A request sent while the session was starting, with its ticket: it starts when the session is up."""
        self.last_request: TraceRequest | None = None
        self.recorded_keys: dict[str, str] = {}
        """Feed key of an external request -> the id of its diagnosed trace."""
        self._failure: str | None = None
        """An error with no trace to carry it (the session could not start the request)."""
        self._ticket = 0
        self._own_ids: set[str] = set()
        self._listeners: list[Listener] = []

    # -- subscribers --------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` after every change (history, exports and walkthroughs follow the book this way)."""
        self._listeners.append(listener)

    def _changed(self, change: BookChange) -> BookChange:
        for listener in self._listeners:
            listener(change)
        return change

    # -- requests -----------------------------------------------------------------------------------------
    def expect(self, request: TraceRequest | None, *, queue: bool = False) -> int:
        """A request is on its way: every pane shows pending at once. Returns the ticket its events carry.

        ``queue``: it cannot start yet (the session is starting); ``take_queued`` hands it out when it can. A
        queued ``None`` is made when it starts (after a scenario switch, from the scenario's own request)."""
        running = self.current
        if running is not None and running.kind is VerdictKind.PENDING:
            # Its worker forwards nothing more once superseded: without this it would stay "tracing" for ever.
            self._stop(running, VerdictKind.CANCELLED, "superseded by a newer request")
        self._ticket += 1
        if request is not None:
            self.last_request = request
        self.queued = (request, self._ticket) if queue else None
        self.current_id = None
        self.waiting = VerdictKind.PENDING
        self._changed(BookChange(None, current=True))
        return self._ticket

    def take_queued(self, make: Callable[[], TraceRequest]) -> tuple[TraceRequest, int] | None:
        """The queued request and its ticket, once (``make`` builds one queued as None); None when none waits."""
        if self.queued is None:
            return None
        request, ticket = self.queued
        self.queued = None
        if request is None:
            request = self.last_request = make()
        return request, ticket

    def cancel(self) -> BookChange:
        """The user cancelled: the running trace (or the request waiting to start) shows cancelled."""
        self._ticket += 1  # events of the cancelled trace that are still on their way are stale
        self.queued = None
        entry = self.current
        if entry is None:
            if self.waiting is VerdictKind.PENDING:
                self.waiting = VerdictKind.CANCELLED
                return self._changed(BookChange(None, current=True))
            return BookChange(None, current=False)
        if entry.kind is not VerdictKind.PENDING:
            return BookChange(entry.trace_id, current=False)  # finished already: nothing to cancel
        return self._stop(entry, VerdictKind.CANCELLED, "trace cancelled")

    def fail(self, message: str) -> BookChange:
        """The current trace's worker failed outside the engine's own error path: show the error, nothing else."""
        self.queued = None  # a request waiting for a session that failed will not go out
        entry = self.current
        if entry is None:
            self.waiting = None
            self.current_id = None
            self._failure = message
            return self._changed(BookChange(None, current=True))
        return self._stop(entry, VerdictKind.ERROR, message)

    def _stop(self, entry: BookEntry, kind: VerdictKind, reason: str) -> BookChange:
        entry.kind, entry.error = kind, reason
        self._update_feed(entry)
        return self._changed(
            BookChange(entry.trace_id, current=entry.trace_id == self.current_id, feed_keys=(entry.trace_id,))
        )

    # -- engine events ------------------------------------------------------------------------------------
    def apply(self, event: TraceEvent, ticket: int | None = None) -> BookChange:
        """Apply one engine event. ``ticket`` (from ``expect``) marks events of a superseded trace as stale."""
        if isinstance(event, TraceStarted):
            return self._started(event, stale=ticket is not None and ticket != self._ticket)
        if isinstance(event, TraceFinished):
            return self._finished(event.trace)
        entry = self.entries.get(event.trace_id)
        if entry is None or entry.kind is not VerdictKind.PENDING:
            return BookChange(event.trace_id, current=False)  # a trace cancelled or superseded: drop its events
        if isinstance(event, HopObserved):
            entry.observations.append(event.observation)
        elif isinstance(event, TokenInspected):
            entry.report = event.report
        return self._changed(BookChange(entry.trace_id, current=entry.trace_id == self.current_id))

    def record(self, event: TraceEvent) -> None:
        """``apply`` as an engine event sink (``run_trace(..., on_event=book.record)``)."""
        self.apply(event)

    def _started(self, event: TraceStarted, *, stale: bool) -> BookChange:
        self._own_ids.add(event.correlation_id)
        entry = BookEntry(
            event.trace_id, FeedOrigin.OWN, self.clock(), event.correlation_id, event.profile, event.request, event.url
        )
        if stale:
            entry.kind, entry.error = VerdictKind.CANCELLED, "superseded by a newer request"
        self._add_entry(entry)
        if not stale:
            self.current_id = event.trace_id
            self.waiting = None
            self._failure = None
        self._update_feed(entry)
        return self._changed(BookChange(entry.trace_id, current=not stale, feed_keys=(entry.trace_id,)))

    def _finished(self, trace: Trace) -> BookChange:
        entry = self.entries.get(trace.trace_id)
        if entry is None:  # a finished trace the book never saw start (e.g. the CLI's printer joined late)
            entry = BookEntry(
                trace.trace_id,
                FeedOrigin.OWN,
                trace.started_at,
                trace.correlation_id,
                trace.profile,
                trace.request,
                trace.url,
            )
            self._add_entry(entry)
            self.current_id = trace.trace_id
        if entry.kind is VerdictKind.CANCELLED:
            return BookChange(trace.trace_id, current=False)  # the user was told it was cancelled: keep it so
        entry.trace, entry.kind, entry.error = trace, verdict_kind(trace), trace.error
        entry.report = trace.token or entry.report
        current = trace.trace_id == self.current_id
        if current and trace.verdict.broken_at is not None:
            self.selected_hop = trace.verdict.broken_at
        self._update_feed(entry)
        return self._changed(BookChange(trace.trace_id, current=current, feed_keys=(trace.trace_id,)))

    # -- the feed -------------------------------------------------------------------------------------------
    def add_external(self, items: Iterable[FeedItem]) -> BookChange:
        """Requests others sent through the sandbox; this run's own (and their warm-ups and spoof checks) are
        left out: they are in the feed already as traces."""
        keys = []
        for item in items:
            if item.correlation_id is not None and is_own_correlation_id(item.correlation_id, self._own_ids):
                continue
            self.feed[item.key] = replace(item, origin=FeedOrigin.EXTERNAL)
            keys.append(item.key)
        self._trim_feed()
        return self._changed(BookChange(None, current=False, feed_keys=tuple(keys)))

    def add_recorded(self, key: str, trace: Trace) -> BookChange:
        """A request someone else sent, diagnosed from the sandbox's record: shown as the current trace."""
        entry = BookEntry(
            trace.trace_id,
            FeedOrigin.EXTERNAL,
            trace.started_at,
            trace.correlation_id,
            trace.profile,
            trace.request,
            trace.url,
            trace=trace,
            kind=verdict_kind(trace),
            report=trace.token,
        )
        self._add_entry(entry)
        self.current_id, self.waiting, self._failure = trace.trace_id, None, None
        self.recorded_keys[key] = trace.trace_id
        if trace.verdict.broken_at is not None:
            self.selected_hop = trace.verdict.broken_at
        return self._changed(BookChange(trace.trace_id, current=True))

    def select(self, key: str) -> bool:
        """Show again the trace behind a feed item; False when the book has no trace for it yet."""
        trace_id = key if key in self.entries else self.recorded_keys.get(key)
        if trace_id is None or trace_id not in self.entries:
            return False
        self.current_id, self.waiting, self._failure = trace_id, None, None
        trace = self.entries[trace_id].trace
        if trace is not None and trace.verdict.broken_at is not None:
            self.selected_hop = trace.verdict.broken_at
        self._changed(BookChange(trace_id, current=True))
        return True

    def lookup_for(self, key: str) -> str | None:
        """The id the sandbox knows an external feed item by (its correlation id, else its request id)."""
        item = self.feed.get(key)
        if item is None or item.origin is not FeedOrigin.EXTERNAL:
            return None
        return item.correlation_id or item.request_id

    def forget_current(self) -> None:
        """Show nothing as current (another profile was opened); every trace stays in the book and the feed.

        A trace still running is ended as cancelled: its worker was stopped with the old session."""
        running = self.current
        if running is not None and running.kind is VerdictKind.PENDING:
            self._stop(running, VerdictKind.CANCELLED, "the profile was switched")
        self.current_id, self.waiting, self._failure, self.queued = None, None, None, None
        self._ticket += 1  # a trace of the old profile still on its way must not become current

    def select_hop(self, name: HopName) -> None:
        """The hop the inspector follows."""
        self.selected_hop = name

    def _update_feed(self, entry: BookEntry) -> None:
        trace = entry.trace
        request = entry.request or TraceRequest()
        self.feed[entry.trace_id] = FeedItem(
            key=entry.trace_id,
            method=request.method or "GET",
            path=_path_of(entry.url),
            status=trace.response.status if trace and trace.response else None,
            received_at=entry.started_at,
            origin=FeedOrigin.OWN,
            correlation_id=entry.correlation_id,
            verdict=trace.verdict if trace else None,
            kind=entry.kind,
        )
        self._trim_feed()

    def _trim_feed(self) -> None:
        while len(self.feed) > self.max_traces:
            self.feed.popitem(last=False)

    def _add_entry(self, entry: BookEntry) -> None:
        self.entries[entry.trace_id] = entry
        while len(self.entries) > self.max_traces:
            old, _ = self.entries.popitem(last=False)
            self.feed.pop(old, None)


def _path_of(url: str) -> str:
    """The path and query of a URL, for the feed ("/dev/orders?x=1")."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"
