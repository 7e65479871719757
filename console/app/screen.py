"""ConsoleScreen: the one screen. It owns workers, bindings and failure routing; the TraceBook owns the trace state.

On every event the screen applies it to the book, then sets each pane's reactive from the book's views. No pane is
read back, and panes never talk to each other.
"""

from __future__ import annotations

import contextlib
import shlex
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import Worker, WorkerState, get_current_worker

from console.app.actions import ACTIONS, NAVIGATION
from console.app.footer import KeyFooter
from console.app.messages import FeedArrived, RecordedTraceReady, SessionReady, TraceEventArrived, WorkFailed
from console.errors import BatonError
from console.session import Session
from widgets import AuthorizerPanel, HopTrace, IisPanel, RequestBar, TokenInspector, TraceFeed, VerdictBar

if TYPE_CHECKING:
    from console.engine.logs.view_model import LogsModel
    from console.engine.tracebook import BookChange, TraceBook
    from console.model.profile import Profile
    from console.model.trace import TraceEvent, TraceRequest

# The engine, the TraceBook and the trace model's dataclasses are imported where first needed, after the first paint:
# building them is most of their import time (console.model.enums has what the first screen shows).

FEED_WAIT = 5.0
"""Seconds one feed long-poll waits; the next poll starts only when this one has answered."""
COMPACT_BELOW = (100, 30)
"""Below this width or height the panes stack in one scrolling column (the ``-compact`` class, see baton.tcss):
side by side they would be squeezed out of sight. The request bar and the verdict stay outside the scroll."""


def token_hint(session: Session) -> str:
    """How to get the token the copied curl's $TOKEN stands for, for this session's profile."""
    profile = session.profile
    if profile.uses_sandbox:
        return "export TOKEN=$(baton token) while this console runs: it asks this console's sandbox"
    where = profile.source or profile.name
    return f"export TOKEN=$(baton token --profile {shlex.quote(where)})"


def _request(method: str, path: str) -> TraceRequest:
    from console.model.trace import TraceRequest

    return TraceRequest(method=method, path=path)


def _sub_title(profile: Profile) -> str:
    """``orders · PRODUCTION``, saying so when the environment was not set and production is assumed."""
    from console.model.profile import ENVIRONMENT_ASSUMED_NOTE

    note = f" ({ENVIRONMENT_ASSUMED_NOTE})" if profile.environment_assumed else ""
    return f"{profile.name} · {profile.environment.value.upper()}{note}"


class ConsoleScreen(Screen[None]):
    """Request bar, hop trace, token inspector, authorizer and IIS panes, verdict bar, live feed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, a.action, a.title, show=index == 0, key_display=a.footer_key if index == 0 else None)
        for a in ACTIONS
        for index, key in enumerate(a.keys)
    ]

    AUTO_FOCUS = "#hop-list"
    """Keyboard-first: arrows and j/k work at once (focus set as the screen composes, not by a later restyle)."""

    def __init__(self, session: Session, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(classes="-production" if session.profile.is_production else None)
        self.session = session
        self.clock = clock
        self._book: TraceBook | None = None
        self.ready = False
        """The session is up: a request can be traced now (else the book queues it until it is)."""
        self.cancel_event = threading.Event()
        self._resumed = False
        self.logs_model: LogsModel | None = None
        """The Logs view's search, results and join, kept while the view is closed."""

    @property
    def book(self) -> TraceBook:
        """The trace state of this screen, created with the first trace or feed item (not on the first paint)."""
        if self._book is None:
            from console.engine.tracebook import TraceBook

            self._book = TraceBook(clock=self.clock)
            self._book.subscribe(self._show_feed)  # every feed row the book touches is redrawn, whoever caused it
        return self._book

    # -- layout ---------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        profile = self.session.profile
        yield RequestBar(
            profile,
            scenario=self.session.scenario,
            path=profile.iis.echo_path if profile.iis and profile.iis.echo_path else "/",
        )
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield HopTrace()
                yield TraceFeed()
            with Vertical(id="right"):
                yield TokenInspector(now=self.clock)
                with Horizontal(id="lower"):
                    yield AuthorizerPanel(now=self.clock)
                    yield IisPanel()
        yield VerdictBar()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Baton"
        self.sub_title = _sub_title(self.session.profile)
        self.call_after_refresh(self.start_session)  # the sandbox starts behind the first paint

    def on_resize(self, event: events.Resize) -> None:
        width, height = COMPACT_BELOW
        self.set_class(event.size.width < width or event.size.height < height, "-compact")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Stacked (compact), tab brings the whole pane into view from its title, not just its focused content.
        if self.has_class("-compact"):
            from widgets.pane import Pane

            pane = next((node for node in event.widget.ancestors_with_self if isinstance(node, Pane)), None)
            body = self.query_one("#body")
            if pane is not None and body in pane.ancestors:
                body.scroll_to_widget(pane, animate=False, top=True)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Handlers run subclass first, so this reaches Screen's own before it acts. On the first resume every node
        # was styled a moment ago as it mounted; restyling all of them again would only delay the first paint.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    # -- session and feed workers ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def start_session(self) -> None:
        session = self.session
        target = session.start()
        choices = tuple(session.scenario_choices())
        self.post_message(SessionReady(target.gateway_url, choices, session.scenario, session))

    def on_session_ready(self, message: SessionReady) -> None:
        if message.session is not self.session:
            return  # the profile was switched while the old session was starting
        self.ready = True
        bar = self.query_one(RequestBar)
        bar.clear_error()
        self.query_one(TraceFeed).clear_error()
        bar.describe_scenarios(dict(message.scenarios))
        bar.scenarios = tuple(name for name, _ in message.scenarios)
        bar.scenario = message.scenario
        if message.scenario and self.session.target is not None:
            bar.set_request(self.session.target.client.method, self.session.target.client.path)
        queued = self._book.take_queued(lambda: _request(bar.method, bar.path)) if self._book is not None else None
        if queued is not None:  # sent while the session started, or a scenario switch's own request
            self._start_trace(*queued)
        self.refresh_panes()
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
        # Applied here, on the UI thread, after every TraceStarted before it: the book knows our own ids by then.
        self.book.add_external(message.items)

    # -- tracing ---------------------------------------------------------------------------------------
    def on_request_bar_send_requested(self, message: RequestBar.SendRequested) -> None:
        self.send(_request(message.method, message.path))

    def action_send(self) -> None:
        bar = self.query_one(RequestBar)
        self.send(_request(bar.method, bar.path))

    def action_resend(self) -> None:
        last = self.book.last_request
        if last is not None:
            self.send(last)
        else:
            self.action_send()

    def action_cancel(self) -> None:
        self.cancel_event.set()
        self.book.cancel()
        self.refresh_panes()

    def send(self, request: TraceRequest) -> None:
        """Trace ``request`` now, or as soon as the session is up; every pane shows pending at once."""
        self.cancel_event.set()  # a newer request supersedes a running one (the book marks it cancelled)
        ticket = self.book.expect(request, queue=not self.ready)  # queued while the sandbox is still starting
        self.refresh_panes()
        if self.ready:
            self._start_trace(request, ticket)

    def _start_trace(self, request: TraceRequest, ticket: int) -> None:
        self.cancel_event.set()
        self.cancel_event = threading.Event()
        self._trace_worker(request, ticket, self.cancel_event)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _trace_worker(self, request: TraceRequest, ticket: int, cancel: threading.Event) -> None:
        from console.errors import TraceCancelled

        def forward(event: TraceEvent) -> None:
            if not cancel.is_set():
                self.post_message(TraceEventArrived(event, ticket))

        # The book was told when the user cancelled; nothing of a cancelled trace is shown as found.
        with contextlib.suppress(TraceCancelled):
            self.session.trace(request, forward, cancel)

    def on_trace_event_arrived(self, message: TraceEventArrived) -> None:
        change = self.book.apply(message.event, message.ticket)
        if change.current:
            self.refresh_panes()

    def refresh_panes(self) -> None:
        """Set every pane's reactive from the book (the only way trace state reaches a pane)."""
        book = self.book
        self.query_one(HopTrace).view = book.hops_view()
        self.query_one(HopTrace).select(book.selected_hop)
        self.query_one(VerdictBar).view = book.verdict_view()
        self.query_one(AuthorizerPanel).view = book.authorizer_view()
        self.query_one(IisPanel).view = book.iis_view()
        self.query_one(TokenInspector).view = book.inspection()

    def _show_feed(self, change: BookChange) -> None:
        """The book's subscriber: redraw the feed rows a change touched."""
        feed = self.query_one(TraceFeed)
        for key in change.feed_keys:
            item = self.book.feed.get(key)
            if item is not None:
                feed.add(item)

    def on_hop_trace_hop_selected(self, message: HopTrace.HopSelected) -> None:
        self.book.select_hop(message.hop)
        self.query_one(TokenInspector).view = self.book.inspection()

    def on_trace_feed_item_selected(self, message: TraceFeed.ItemSelected) -> None:
        self.open_feed_item(message.key)

    def open_feed_item(self, key: str) -> None:
        """Show the trace behind a feed item (chosen in the feed, or by correlation id in the Logs view)."""
        self.query_one(TraceFeed).select(key)
        if self.book.select(key):
            self.refresh_panes()
            return
        lookup = self.book.lookup_for(key)
        if lookup:
            self._recorded_worker(key, lookup)

    def action_logs(self) -> None:
        from console.app.logs_links import open_logs

        open_logs(self)

    @work(thread=True, exclusive=True, group="recorded", exit_on_error=False)
    def _recorded_worker(self, key: str, lookup: str) -> None:
        trace = self.session.recorded(lookup)
        if trace is None:
            self.post_message(WorkFailed("feed", f"the sandbox no longer has the record of {key}"))
        else:
            self.post_message(RecordedTraceReady(key, trace))

    def on_recorded_trace_ready(self, message: RecordedTraceReady) -> None:
        self.book.add_recorded(message.key, message.trace)
        self.refresh_panes()

    # -- switching profile / scenario ------------------------------------------------------------------
    def on_request_bar_scenario_changed(self, message: RequestBar.ScenarioChanged) -> None:
        self.switch_scenario(message.name)

    def action_switch_scenario(self) -> None:
        from console.app.modals import PickerModal

        if not self.session.uses_sandbox:
            self.notify("Scenarios exist only in sandbox mode.", severity="warning", markup=False)
            return
        self.app.push_screen(
            PickerModal("Sandbox scenario", self.session.scenario_choices(), self.session.scenario),
            lambda name: self.switch_scenario(name) if name else None,
        )

    def switch_scenario(self, name: str) -> None:
        if name == self.session.scenario and self.ready:
            return
        self.ready = False
        self.workers.cancel_group(self, "feed")
        self.query_one(RequestBar).scenario = name
        self.cancel_event.set()  # what it finds would be the old scenario's answer (the book marks it cancelled)
        # A new breakage is only worth seeing traced: its request (the scenario's own) goes out once it is up.
        self.book.expect(None, queue=True)
        self.refresh_panes()
        self._switch_worker(name)

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def _switch_worker(self, name: str) -> None:
        session = self.session
        target = session.switch_scenario(name)
        choices = tuple(session.scenario_choices())
        self.post_message(SessionReady(target.gateway_url, choices, name, session))

    def action_switch_profile(self) -> None:
        from console.app.modals import PickerModal
        from console.config import discover_profiles

        choices = [(e.name, e.description or "") for e in discover_profiles() if e.shadowed_by is None]
        self.app.push_screen(PickerModal("Profile", choices, self.session.profile.name), self._profile_picked)

    def open_session(self, session: Session) -> None:
        """Go on with another profile's session in this screen: the old session's workers stop; the traces already
        shown stay in the feed (each names its profile); the panes start over."""
        for group in ("feed", "trace", "session", "recorded"):
            self.workers.cancel_group(self, group)
        self.cancel_event.set()
        self.session = session
        self.ready = False
        profile = session.profile
        self.set_class(profile.is_production, "-production")
        self.sub_title = _sub_title(profile)
        bar = self.query_one(RequestBar)
        bar.profile = profile
        bar.scenarios = ()
        bar.scenario = session.scenario
        bar.set_request(bar.method, profile.iis.echo_path if profile.iis and profile.iis.echo_path else "/")
        if self._book is not None:
            self.book.forget_current()
            self.refresh_panes()
        self.start_session()
        from console.app.logs_links import session_changed

        session_changed(self, session)  # an open Logs view follows the profile

    def _profile_picked(self, name: str | None) -> None:
        if name and name != self.session.profile.name:
            self.app.call_later(self.app.switch_profile, name)  # type: ignore[attr-defined]

    # -- copy, reveal, help ----------------------------------------------------------------------------
    def action_copy_verdict(self) -> None:
        from widgets.verdict_bar import verdict_report

        view = self.book.verdict_view()
        if view is None:
            self.notify("No verdict yet: send a request first (ctrl+r).", markup=False)
            return
        self.app.copy_to_clipboard(verdict_report(view))
        self.notify("Verdict copied to the clipboard.", markup=False)

    def action_copy_curl(self) -> None:
        from console.engine.curl import curl_command, sigv4_of

        trace = self.book.own_trace()
        if trace is None:
            self.notify("No finished trace of this run selected: send a request first (ctrl+r).", markup=False)
            return
        self.app.copy_to_clipboard(curl_command(trace))
        if sigv4_of(trace) is not None:  # signed by curl (--aws-sigv4) from the AWS variables, never holding them
            self.notify(
                "curl command copied: curl signs it with SigV4 (curl 7.75 or later) from $AWS_ACCESS_KEY_ID, "
                '$AWS_SECRET_ACCESS_KEY (and $AWS_SESSION_TOKEN): export them, e.g. eval "$(aws configure '
                'export-credentials --format env)".',
                markup=False,
            )
            return
        self.notify(f"curl command copied: the token is $TOKEN ({token_hint(self.session)}).", markup=False)

    def action_toggle_token(self) -> None:
        inspector = self.query_one(TokenInspector)
        inspector.masked = not inspector.masked

    def action_help(self) -> None:
        from console.app.actions import LOGS_ACTIONS
        from console.app.modals import HelpModal
        from widgets import PANES

        keys = [(a.key_label, a.help) for a in ACTIONS] + list(NAVIGATION)
        keys += [(f"Logs view: {a.key_label}", a.help) for a in LOGS_ACTIONS if a.action not in ("help", "send")]
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
            event.worker.group, "verdict"
        )
        self._show_failure(pane, text)

    def _show_failure(self, pane: str, text: str) -> None:
        if pane == "feed":
            self.query_one(TraceFeed).show_error(text)
            return
        if pane == "request":
            self.query_one(RequestBar).show_error(text)
            if self._book is None or (self._book.queued is None and self._book.kind is None):
                return
            # A request waiting for the session will not go out: say so where it waits (fail drops it).
        self.book.fail(text)
        self.refresh_panes()
