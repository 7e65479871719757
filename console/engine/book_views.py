"""What the console's panes show of the TraceBook's current trace, and the book's entries and changes.

Kept apart from the book's event handling (console/engine/tracebook.py): this half only reads the book.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from console.engine.diagnosis.verdict import merge_hops
from console.engine.iis.catalogue import describe
from console.engine.probes.iis_line import PROBE as LOG_PROBE
from console.engine.probes.iis_line import why_none
from console.model.enums import HOP_ORDER, FeedOrigin, HopName, HopStatus, VerdictKind
from console.model.token import TokenReport
from console.model.trace import Hop, HopObservation, Trace, TraceRequest
from console.model.views import AuthorizerView, HopsView, IisLogLine, IisView, Inspection, VerdictView


@dataclass(slots=True)
class BookEntry:
    """One trace as the book knows it: live (observations so far) or finished (the engine's Trace)."""

    trace_id: str
    origin: FeedOrigin
    started_at: float
    correlation_id: str | None = None
    profile: str = ""
    request: TraceRequest | None = None
    url: str = ""
    observations: list[HopObservation] = field(default_factory=list)
    report: TokenReport | None = None
    trace: Trace | None = None
    kind: VerdictKind = VerdictKind.PENDING
    error: str | None = None
    """Why the trace could not run or was stopped, when it is ERROR or CANCELLED."""


@dataclass(frozen=True, slots=True)
class BookChange:
    """What one applied event changed: the trace, whether it is the one shown, and the feed rows touched."""

    trace_id: str | None
    current: bool
    feed_keys: tuple[str, ...] = ()


class PaneViews:
    """The read side of the TraceBook: one view per pane, built from the current entry."""

    entries: OrderedDict[str, BookEntry]
    current_id: str | None
    waiting: VerdictKind | None
    selected_hop: HopName
    _failure: str | None

    @property
    def current(self) -> BookEntry | None:
        """The entry the panes show."""
        return self.entries.get(self.current_id) if self.current_id is not None else None

    @property
    def kind(self) -> VerdictKind | None:
        """The current outcome: None before any request."""
        entry = self.current
        if entry is not None:
            return entry.kind
        if self._failure is not None:
            return VerdictKind.ERROR
        return self.waiting

    def hops(self) -> tuple[Hop | None, ...]:
        """The current trace's hops: the engine's when finished, else its live observations merged by the engine's
        own rule (a hop nothing has observed yet is None: pending)."""
        entry = self.current
        if entry is None:
            return (None,) * len(HOP_ORDER)
        if entry.trace is not None:
            return entry.trace.hops
        merged = merge_hops(entry.observations, (), None)
        seen = {o.hop for o in entry.observations}
        return tuple(h if h.name in seen else None for h in merged)

    def hops_view(self) -> HopsView:
        """The hop trace pane."""
        return HopsView(self.kind or VerdictKind.PENDING, self.current_id, self.hops())

    def verdict_view(self) -> VerdictView | None:
        """The verdict bar; None before the first request."""
        kind = self.kind
        if kind is None:
            return None
        entry = self.current
        if entry is None:
            return VerdictView(kind, error=self._failure if kind is VerdictKind.ERROR else None)
        trace = entry.trace
        return VerdictView(
            kind,
            verdict=trace.verdict if trace and kind is not VerdictKind.ERROR else None,
            error=entry.error if kind in (VerdictKind.ERROR, VerdictKind.CANCELLED) else None,
            trace_id=entry.trace_id,
            correlation_id=entry.correlation_id,
            profile=entry.profile,
            started_at=entry.started_at,
        )

    def authorizer_view(self) -> AuthorizerView | None:
        """The authorizer pane; None before the first request."""
        seen = self._pane(HopName.AUTHORIZER)
        return None if seen is None else AuthorizerView(seen[0], seen[1], seen[2].authorizer if seen[2] else None)

    def iis_view(self) -> IisView | None:
        """The IIS pane; None before the first request. The decoded log line comes from the IIS hop's ``iis-log``
        observation (engine/probes/iis_line.py), only once the trace is finished."""
        seen = self._pane(HopName.IIS)
        if seen is None:
            return None
        trace = seen[2]
        if trace is None:
            return IisView(seen[0], seen[1])
        log = next(
            (
                IisLogLine.of(o.data.get("log"))
                for o in trace.hop(HopName.IIS).observations
                if o.probe == LOG_PROBE and "log" in o.data
            ),
            None,
        )
        note = iis_log_note(trace) if log is None and trace.error is None else ""
        return IisView(seen[0], seen[1], trace.iis, log, note, no_answer(trace, log))

    def _pane(self, name: HopName) -> tuple[VerdictKind, HopStatus | None, Trace | None] | None:
        """What a hop's pane shows: the trace's outcome, the hop's status, and the finished trace (None while it
        runs or once cancelled: a cancelled trace shows nothing it found)."""
        kind = self.kind
        if kind is None:
            return None
        hop = self._hop(name)
        entry = self.current
        trace = entry.trace if entry and entry.trace and kind is not VerdictKind.CANCELLED else None
        return kind, hop.status if hop else None, trace

    def inspection(self, name: HopName | None = None) -> Inspection | None:
        """The token inspector for the selected hop (or ``name``); None while that hop is pending."""
        name = name or self.selected_hop
        hops = self.hops()
        index = HOP_ORDER.index(name)
        hop = hops[index]
        if hop is None:
            return None
        entry = self.current
        findings = tuple(f for f in entry.trace.findings if f.hop == name) if entry and entry.trace else ()
        return Inspection(hop, hops[index - 1] if index > 0 else None, entry.report if entry else None, findings)

    def _hop(self, name: HopName) -> Hop | None:
        hop = self.hops()[HOP_ORDER.index(name)]
        if hop is None and self.kind is VerdictKind.CANCELLED:
            return None
        return hop

    def trace(self, trace_id: str | None = None) -> Trace | None:
        """A finished trace by id (default: the current one)."""
        entry = self.entries.get(trace_id) if trace_id is not None else self.current
        return entry.trace if entry is not None else None

    def own_trace(self) -> Trace | None:
        """The current trace when it is one of this run's (not a recorded one): what ``copy curl`` may use."""
        entry = self.current
        return entry.trace if entry is not None and entry.origin is FeedOrigin.OWN else None


# -- the IIS pane's sentences -------------------------------------------------------------------------------------

TIMEOUT = "gateway.integration_timeout"


def iis_log_note(trace: Trace) -> str:
    """Why a finished trace shows no IIS log line: no log configured, the configured location names nothing
    (quoted), or it was searched and holds no line of this request (yet); from the ``iis-log`` observation's
    structured ``search`` (engine/probes/iis_line.py, ``searched``), never from the wording of evidence lines."""
    search = next(
        (
            o.data["search"]
            for o in trace.hop(HopName.IIS).observations
            if o.probe == LOG_PROBE and isinstance(o.data.get("search"), dict)
        ),
        None,
    )
    if trace.scenario is not None:  # the sandbox's ground truth speaks instead of its log
        return "none found: the sandbox's IIS log holds no line with this correlation id"
    if search is None:
        return "none read: the profile names no [iis] log_path, so no IIS log was searched"
    location, setting = str(search.get("location") or ""), str(search.get("configured") or "log_path")
    problem, where = str(search.get("problem") or ""), str(search.get("problem_where") or "")
    unread = problem if where in ("", location) else f"{where}: {problem}"
    if problem and search.get("id_field") is None:  # nothing could be read at all
        return f'none read: the profile\'s [iis] {setting} "{location}" names nothing readable: {unread}'
    later, said = why_none(search, trace.correlation_id)
    said += f"; {unread}" if problem else ""
    return f"none yet: {said}" if later else f'none tied to this request in "{location}": {said}'


def no_answer(trace: Trace, log: IisLogLine | None) -> str:
    """The sentence for an IIS answer that never reached the gateway (an integration timeout, or no status at
    all), with what IIS's log says it did later; empty when IIS's status reached the gateway."""
    timed_out = any(f.code == TIMEOUT for f in trace.findings)
    status = trace.iis.status if trace.iis is not None else None
    if not timed_out and status != 0:
        return ""
    said = (
        "no answer reached the gateway within its integration timeout"
        if timed_out
        else "no answer from IIS reached the gateway"
    )
    fields = dict(log.fields) if log is not None else {}
    code = fields.get("status", "")
    if code:
        number, sub, win32 = ([*code.split("."), "", ""])[:3]
        meaning = describe(number, sub or None, win32 or None)
        taken = fields.get("time-taken", "")
        after = f" after {taken} ms" if taken.isdigit() else ""
        gone = meaning.status is not None and meaning.status < 400 and not meaning.normal
        said += f"; IIS's log says it finished later: {code}{after}" + (", the client had gone" if gone else "")
    elif status:
        said += f"; IIS answered {status} later, too late for the gateway"
    return said
