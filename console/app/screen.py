"""ConsoleScreen: the one screen. It owns the workers; panes get domain objects and never talk to each other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState, get_current_worker

from console.app.messages import FeedArrived, RecordedTraceReady, SessionReady, TraceEventArrived, WorkFailed
from console.errors import BatonError
from console.model.enums import HOP_ORDER, HopName
from console.session import Session
from widgets import AuthorizerPanel, HopTrace, IisPanel, RequestBar, TokenInspector, TraceFeed, VerdictBar

if TYPE_CHECKING:
    from console.model.findings import Finding
    from console.model.token import TokenReport
    from console.model.trace import Trace, TraceEvent, TraceRequest

# The trace model's dataclasses are imported where they are first needed, after the first paint: building them is
# most of the model's import time (console.model.enums has what the first screen shows).

FEED_WAIT = 5.0
"""Seconds one feed long-poll waits; the next poll starts only when this one has answered."""

KEYS: list[tuple[str, str, str, bool]] = [
    # key, action, description, shown in the footer
    ("ctrl+r", "send", "Send", True),
    ("f5", "resend", "Re-send", True),
    ("escape", "cancel", "Cancel the trace", False),
    ("ctrl+o", "switch_profile", "Profile", True),
    ("ctrl+n", "switch_scenario", "Scenario", True),
    ("ctrl+y", "copy_verdict", "Copy verdict", True),
    ("ctrl+k", "copy_curl", "Copy curl", False),
    ("ctrl+t", "toggle_token", "Reveal/mask", False),
    ("f1", "help", "Help", True),
    ("question_mark", "help", "Help", False),
]


def _request(method: str, path: str) -> TraceRequest:
    from console.model.trace import TraceRequest

    return TraceRequest(method=method, path=path)


class ConsoleScreen(Screen[None]):
    """Request bar, hop trace, token inspector, authorizer and IIS panes, verdict bar, live feed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, description, show=shown) for key, action, description, shown in KEYS
    ]

    AUTO_FOCUS = "#hop-list"
    """Keyboard-first: arrows and j/k work at once (focus set as the screen composes, not by a later restyle)."""

    def __init__(self, session: Session, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(classes="-production" if session.profile.is_production else None)
        self.session = session
        self.clock = clock
        self.traces: dict[str, Trace] = {}
        self.reports: dict[str, TokenReport] = {}
        self.current: str | None = None
        self.last_request: TraceRequest | None = None
        self.ready = False
        self.pending: TraceRequest | None = None
        self.send_after_switch = False
        self.cancel_event = threading.Event()
        self.own_correlation_ids: set[str] = set()
        self._resumed = False

    # -- layout ---------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        profile = self.session.profile
        yield RequestBar(profile, scenario=self.session.scenario,
                         path=profile.iis.echo_path if profile.iis and profile.iis.echo_path else "/")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield HopTrace()
                yield TraceFeed()
            with Vertical(id="right"):
                yield TokenInspector(now=self.clock)
                with Horizontal(id="lower"):
                    yield AuthorizerPanel()
                    yield IisPanel()
        yield VerdictBar()
        yield Footer()

    def on_mount(self) -> None:
        profile = self.session.profile
        self.title = "Baton"
        self.sub_title = f"{profile.name} · {profile.environment.value.upper()}"
        self.call_after_refresh(self.start_session)  # the sandbox starts behind the first paint

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Handlers run subclass first, so this reaches Screen's own before it acts. On the first resume every node
        # was styled a moment ago as it mounted; restyling all of them again would only delay the first paint.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    # -- session and feed workers ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def start_session(self) -> None:
        target = self.session.start()
        choices = tuple(self.session.scenario_choices())
        self.post_message(SessionReady(target.gateway_url, choices, self.session.scenario))

    def on_session_ready(self, message: SessionReady) -> None:
        self.ready = True
        bar = self.query_one(RequestBar)
        bar.clear_error()
        self.query_one(TraceFeed).clear_error()
        bar.describe_scenarios(dict(message.scenarios))
        bar.scenarios = tuple(name for name, _ in message.scenarios)
        bar.scenario = message.scenario
        if message.scenario and self.session.target is not None:
            bar.set_request(self.session.target.client.method, self.session.target.client.path)
        if self.send_after_switch and self.pending is None:
            self.pending = _request(bar.method, bar.path)
        self.send_after_switch = False
        if self.pending is not None:
            request, self.pending = self.pending, None
            self.run_trace(request)
        if self.session.uses_sandbox:
            self.poll_feed()

    @work(thread=True, exclusive=True, group="feed", exit_on_error=False)
    def poll_feed(self) -> None:
        worker = get_current_worker()
        after = 0
        while not worker.is_cancelled:
            try:
                items, after = self.session.feed(after, wait=FEED_WAIT)
            except BatonError as exc:
                if not worker.is_cancelled:  # a cancelled poll of a stopped sandbox is no failure
                    self.post_message(WorkFailed("feed", exc.one_line()))
                return
            if items and not worker.is_cancelled:
                self.post_message(FeedArrived(items))

    def on_feed_arrived(self, message: FeedArrived) -> None:
        # Filtered here, on the UI thread: TraceStarted (which registers our ids) is always handled first.
        feed = self.query_one(TraceFeed)
        for item in message.items:
            if not self._is_own(item.correlation_id):
                feed.add(item)

    def _is_own(self, correlation_id: str | None) -> bool:
        """Our traces, and their warm-up and spoof-check requests (``<id>.warmup1``, ``<id>.spoof-check``)."""
        return correlation_id is not None and correlation_id.split(".", 1)[0] in self.own_correlation_ids

    # -- tracing ---------------------------------------------------------------------------------------
    def on_request_bar_send_requested(self, message: RequestBar.SendRequested) -> None:
        self.send(_request(message.method, message.path))

    def action_send(self) -> None:
        bar = self.query_one(RequestBar)
        self.send(_request(bar.method, bar.path))

    def action_resend(self) -> None:
        if self.last_request is not None:
            self.send(self.last_request)
        else:
            self.action_send()

    def action_cancel(self) -> None:
        self.cancel_event.set()

    def send(self, request: TraceRequest) -> None:
        self.last_request = request
        if not self.ready:
            self.pending = request  # the sandbox is still starting: send as soon as it is up
            self.query_one(VerdictBar).loading = True
            return
        self.run_trace(request)

    def run_trace(self, request: TraceRequest) -> None:
        self.cancel_event.set()
        self.cancel_event = threading.Event()
        self.query_one(VerdictBar).loading = True
        self._trace_worker(request, self.cancel_event)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _trace_worker(self, request: TraceRequest, cancel: threading.Event) -> None:
        from console.engine.trace import TraceCancelled

        def forward(event: TraceEvent) -> None:
            self.post_message(TraceEventArrived(event))

        try:
            self.session.trace(request, forward, cancel)
        except TraceCancelled:
            self.post_message(WorkFailed("verdict", "trace cancelled"))

    def on_trace_event_arrived(self, message: TraceEventArrived) -> None:
        from console.model.trace import FeedItem, HopObserved, TokenInspected, TraceFinished, TraceStarted

        event = message.event
        hops = self.query_one(HopTrace)
        if isinstance(event, TraceStarted):
            self.current = event.trace_id
            self.own_correlation_ids.add(event.correlation_id)
            hops.reset(event.trace_id)
            for pane in (self.query_one(VerdictBar), hops, self.query_one(TokenInspector)):
                pane.clear_error()
            self.query_one(TraceFeed).add(FeedItem(
                key=event.trace_id, method=event.request.method or "GET", path=event.url.split("/", 3)[-1],
                status=None, received_at=self.clock(), origin="baton", correlation_id=event.correlation_id))
        elif isinstance(event, HopObserved) and event.trace_id == self.current:
            hops.observe(event.observation)
        elif isinstance(event, TokenInspected):
            self.reports[event.trace_id] = event.report
        elif isinstance(event, TraceFinished):
            self.show_trace(event.trace)

    def show_trace(self, trace: Trace) -> None:
        """Put a finished trace in every pane (also used when a trace is reselected from the feed)."""
        from console.model.trace import FeedItem

        self.traces[trace.trace_id] = trace
        self.current = trace.trace_id
        verdict_bar = self.query_one(VerdictBar)
        verdict_bar.loading = False
        verdict_bar.verdict = trace.verdict
        if trace.error:
            verdict_bar.show_error(trace.error)
        hops = self.query_one(HopTrace)
        hops.trace = trace
        self.query_one(AuthorizerPanel).decision = trace.authorizer
        self.query_one(IisPanel).status = trace.iis
        status = trace.response.status if trace.response else None
        if trace.trace_id.startswith("sandbox-"):
            return self._inspect(hops.selected or HopName.CLIENT)
        self.query_one(TraceFeed).update(FeedItem(
            key=trace.trace_id, method=trace.request.method or "GET", path=trace.url.split("/", 3)[-1],
            status=status, received_at=trace.started_at, origin="baton", correlation_id=trace.correlation_id,
            verdict=trace.verdict))
        broken = trace.verdict.broken_at
        if broken is not None:
            hops.select(broken)
        self._inspect(broken or hops.selected or HopName.CLIENT)
        return None

    def on_hop_trace_hop_selected(self, message: HopTrace.HopSelected) -> None:
        self._inspect(message.hop)

    def _inspect(self, name: HopName) -> None:
        trace = self.traces.get(self.current or "")
        hops = self.query_one(HopTrace)
        hop = hops.hop(name)
        if hop is None:
            return
        index = HOP_ORDER.index(name)
        previous = hops.hop(HOP_ORDER[index - 1]) if index > 0 else None
        report = trace.token if trace is not None else self.reports.get(self.current or "")
        findings: tuple[Finding, ...] = tuple(f for f in trace.findings if f.hop == name.value) if trace else ()
        self.query_one(TokenInspector).show(hop, previous, report, findings)

    def on_trace_feed_item_selected(self, message: TraceFeed.ItemSelected) -> None:
        if message.key in self.traces:
            self.show_trace(self.traces[message.key])
        elif message.key.startswith("sandbox:"):
            item = self.query_one(TraceFeed).items.get(message.key)
            lookup = (item.correlation_id or item.request_id) if item else None
            if lookup:
                self._recorded_worker(message.key, lookup)

    @work(thread=True, exclusive=True, group="recorded", exit_on_error=False)
    def _recorded_worker(self, key: str, lookup: str) -> None:
        trace = self.session.recorded(lookup)
        if trace is None:
            self.post_message(WorkFailed("feed", f"the sandbox no longer has the record of {key}"))
        else:
            self.post_message(RecordedTraceReady(trace))

    def on_recorded_trace_ready(self, message: RecordedTraceReady) -> None:
        self.show_trace(message.trace)

    # -- switching profile / scenario ------------------------------------------------------------------
    def on_request_bar_scenario_changed(self, message: RequestBar.ScenarioChanged) -> None:
        self.switch_scenario(message.name)

    def action_switch_scenario(self) -> None:
        from console.app.modals import PickerModal

        if not self.session.uses_sandbox:
            self.notify("Scenarios exist only in sandbox mode.", severity="warning", markup=False)
            return
        self.app.push_screen(PickerModal("Sandbox scenario", self.session.scenario_choices(), self.session.scenario),
                             lambda name: self.switch_scenario(name) if name else None)

    def switch_scenario(self, name: str) -> None:
        if name == self.session.scenario and self.ready:
            return
        self.ready = False
        self.workers.cancel_group(self, "feed")
        self.query_one(RequestBar).scenario = name
        self.query_one(VerdictBar).loading = True
        self.send_after_switch = True  # a new breakage is only worth seeing traced
        self._switch_worker(name)

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def _switch_worker(self, name: str) -> None:
        target = self.session.switch_scenario(name)
        choices = tuple(self.session.scenario_choices())
        self.post_message(SessionReady(target.gateway_url, choices, name))

    def action_switch_profile(self) -> None:
        from console.app.modals import PickerModal
        from console.config import discover_profiles

        choices = [(e.name, e.description or "") for e in discover_profiles() if e.shadowed_by is None]
        self.app.push_screen(PickerModal("Profile", choices, self.session.profile.name), self._profile_picked)

    def _profile_picked(self, name: str | None) -> None:
        if name and name != self.session.profile.name:
            self.app.call_later(self.app.switch_profile, name)  # type: ignore[attr-defined]

    # -- copy, reveal, help ----------------------------------------------------------------------------
    def action_copy_verdict(self) -> None:
        from widgets.verdict_bar import verdict_content

        trace = self.traces.get(self.current or "")
        if trace is None:
            self.notify("No verdict yet: send a request first (ctrl+r).", markup=False)
            return
        self.app.copy_to_clipboard(verdict_content(trace.verdict).plain)
        self.notify("Verdict copied to the clipboard.", markup=False)

    def action_copy_curl(self) -> None:
        from console.engine.curl import curl_command

        trace = self.traces.get(self.current or "")
        if trace is None or trace.trace_id.startswith("sandbox-"):
            self.notify("No trace of this run selected: send a request first (ctrl+r).", markup=False)
            return
        self.app.copy_to_clipboard(curl_command(trace))
        self.notify("curl command copied (the token is $TOKEN, never the real one).", markup=False)

    def action_toggle_token(self) -> None:
        inspector = self.query_one(TokenInspector)
        inspector.masked = not inspector.masked

    def action_help(self) -> None:
        from console.app.modals import HelpModal
        from widgets import PANES

        keys = [(k.replace("question_mark", "?"), d) for k, _a, d, _s in KEYS] + [
            ("tab / shift+tab", "Move between panes"), ("↑ ↓ / j k", "Select a hop or a feed item"),
            ("ctrl+p", "Command palette"), ("ctrl+q", "Quit")]
        self.app.push_screen(HelpModal(keys, [pane.HELP for pane in PANES]))

    # -- failures stay in their pane --------------------------------------------------------------------
    def on_work_failed(self, message: WorkFailed) -> None:
        self._show_failure(message.pane, message.message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        text = error.one_line() if isinstance(error, BatonError) else f"{type(error).__name__} (see the log)"
        pane = {"session": "request", "trace": "verdict", "feed": "feed", "recorded": "feed"}.get(
            event.worker.group, "verdict")
        self._show_failure(pane, text)

    def _show_failure(self, pane: str, text: str) -> None:
        verdict = self.query_one(VerdictBar)
        verdict.loading = False
        if pane == "request":
            self.query_one(RequestBar).show_error(text)
        elif pane == "feed":
            self.query_one(TraceFeed).show_error(text)
        else:
            verdict.show_error(text)
