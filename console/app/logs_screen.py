"""LogsScreen: search the profile's IIS logs, tail them, join them with the gateway's; Enter opens a line's trace.

State lives in a LogsModel the console screen keeps (leaving and coming back keeps it); workers read files into an
Inbox that a 100 ms timer drains into the table in one redraw.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input
from textual.worker import Worker, WorkerState, get_current_worker

from console.app.actions import LOGS_ACTIONS
from console.app.footer import KeyFooter
from console.app.logs_help import SEARCH_HINT, SHOWN, help_modal
from console.app.logs_links import run_on_console, session_target, trace_link
from console.app.logs_tail import TailingScreen
from console.app.logs_work import Inbox
from console.app.screen import COMPACT_BELOW
from console.engine.logs.view_model import Criteria, LogPaths, LogsModel, QueryError, parse_query
from console.errors import BatonError
from widgets.join_summary import JoinSummary
from widgets.log_record_detail import LogRecordDetail
from widgets.log_table import LogLines, LogTable

if TYPE_CHECKING:
    from console.app.screen import ConsoleScreen
    from console.engine.logs.model import Tally
    from console.session import Session

DRAIN_INTERVAL = 0.1
"""Seconds between moving the workers' rows into the table: one redraw per tick, however fast the log grows."""
DETAIL_EVERY = 1.0
"""Seconds between detail redraws while the cursor follows a streaming tail (a key press redraws it at once)."""


class LogsScreen(TailingScreen):
    """Search box, decoded results, live tail, join summary and the highlighted line's detail."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, a.action, a.title, show=index == 0 and a.action in SHOWN, key_display=a.footer_key.split(" / ")[0])
        for a in LOGS_ACTIONS
        for index, key in enumerate(a.keys)
    ]
    PALETTE_ACTIONS = LOGS_ACTIONS
    """What the command palette offers here (console.app.palette)."""

    AUTO_FOCUS = "#logs-table"
    """The lines, so every key works at once (in the search box, t and r would be typed); / goes to the box."""

    def __init__(self, console: ConsoleScreen, model: LogsModel) -> None:
        super().__init__()
        self.console = console
        self.model = model
        self.inbox = Inbox(model.max_rows)
        self.paths = None
        self._table = LogTable(max_rows=model.max_rows, id="logs-table")
        self._detail = LogRecordDetail(id="logs-detail")
        self._join = JoinSummary(id="logs-join")
        self._notes: list[str] = []
        self._detail_at = 0.0
        # Set before the Header mounts: set on mount, its title watcher could run after a quick Esc removed it.
        self.title = "Baton · Logs"
        self.sub_title = console.sub_title

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="logs-bar"):
            yield Input(self.model.query_text, placeholder=SEARCH_HINT, id="logs-query", select_on_focus=False)
            yield self._tail_state
        yield self._status
        with Horizontal(id="logs-body"):
            yield LogLines(self._table, id="logs-lines")
            with Vertical(id="logs-side"):
                yield self._join
                yield self._detail
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_interval(DRAIN_INTERVAL, self.drain)
        self._table.show([row for row, _ in self.model.entries.values()])
        self._join.show(self.model.join_counts, self.model.join_note, self.model.bypassed)
        self.session_changed(self.console.session, first=True)

    def on_resize(self, event: events.Resize) -> None:
        width, height = COMPACT_BELOW
        self.set_class(event.size.width < width or event.size.height < height, "-compact")

    # -- the profile's logs ------------------------------------------------------------------------------
    def session_changed(self, session: Session, *, first: bool = False) -> None:
        """The console opened (another) profile: stop the tail, find that profile's logs, search them again."""
        if self.sub_title != self.console.sub_title:
            self.sub_title = self.console.sub_title
        self._stop_tail()
        target = session_target(session)
        if target is None:
            self.paths = None
            self._say("Waiting for the session to start (the sandbox writes the IIS log)…")
            self.set_timer(0.5, lambda: self._retry_session(session))
            return
        paths = LogPaths.of(session.profile.name, target)
        changed = self.model.paths != paths
        self.paths = self.model.paths = paths
        if first and self.model.entries and not changed:
            self._say_counts()  # back in the view: the results stay as they were, the tail catches up
            if self.model.tailing:
                self._start_tail(resume=True)
        else:
            self.run_search(self.model.query_text)
        self.run_join()
        self._show_tail_state()

    def _retry_session(self, session: Session) -> None:
        if session is self.console.session and self.paths is None and self.is_attached:
            self.session_changed(session, first=True)

    # -- search ------------------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)
        self._table.focus()

    def run_search(self, text: str) -> None:
        """Search the profile's IIS logs for ``text`` (the tail, if on, follows the new search from where the search
        stopped reading: no line twice, none missed)."""
        self.workers.cancel_group(self, "logs-search")
        self._stop_tail()
        self.model.new_search(text)
        self._table.show([])
        self._held = False
        self._detail.show(None)
        self._notes.clear()
        empty = self.paths.empty_state() if self.paths else "No session yet."
        if self.paths is None or empty is not None:
            self._say(empty or "")
            return
        try:
            criteria = parse_query(text)
        except QueryError as exc:
            self._say(str(exc))
            return
        self._say("searching…")
        self._tail_stop = stop = threading.Event()
        tailing = self.model.tailing and self.paths.iis is not None
        self._search_worker(self.paths, criteria, self.model.generation, tailing, stop)

    @work(thread=True, exclusive=True, group="logs-search", exit_on_error=False)
    def _search_worker(
        self, paths: LogPaths, criteria: Criteria, generation: int, tailing: bool, stop: threading.Event
    ) -> None:
        from console.app.logs_work import search

        worker = get_current_worker()
        tail = self._new_tail(paths) if tailing else None  # first: the search reads up to where the tail begins
        try:
            tally = search(
                paths, criteria, generation, self.inbox, lambda: worker.is_cancelled, tail.position if tail else None
            )
        except BatonError as exc:  # a log that is not there yet: said; the tail keeps looking for it
            if tail is None:
                raise
            self.app.call_from_thread(self._say, f"search failed: {exc.one_line()}")
        else:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._search_done, generation, tally)
        if tail is not None and not worker.is_cancelled:
            self._follow(tail, paths, criteria, generation, stop)

    def _search_done(self, generation: int, tally: Tally | None) -> None:
        self.drain()
        if generation == self.model.generation:
            if tally is None:
                self._notes.insert(0, "id search: only lines holding the id were read (quarantined not counted)")
            else:
                self.model.quarantined = tally.quarantined
                self._notes.insert(0, f"{tally.lines} lines read")
            self._say_counts()

    def drain(self) -> None:
        """Move what the workers found into the model and the table (one redraw)."""
        for batch in self.inbox.drain():
            if batch.generation != self.model.generation:
                continue  # a search since replaced
            self._table.append(self.model.add(batch.rows, batch.dropped))
            self._notes += batch.notes
            self._say_counts()
        # On the top row the cursor follows new lines; their detail is redrawn at most once a second (its relayout
        # costs tens of ms: per tick, it made keypresses wait while a tail streamed).
        now = time.monotonic()
        due = not self.model.tailing or now - self._detail_at >= DETAIL_EVERY
        if self._table.highlighted != self.model.selected and due:
            self._show_detail(self._table.highlighted)
            self._detail_at = now

    # -- the join ------------------------------------------------------------------------------------------
    def run_join(self) -> None:
        reason = self.paths.join_state() if self.paths else "No session yet."
        if reason is None and self.paths is not None:
            self._join.show(None, "joining the gateway access log with the IIS log…")
            self._join_worker(self.paths)
        else:
            self._set_join(None, reason or "")

    @work(thread=True, exclusive=True, group="logs-join", exit_on_error=False)
    def _join_worker(self, paths: LogPaths) -> None:
        from console.app.logs_work import join

        result = join(paths)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._set_join, result.counts, result.note, result.bypassed)

    def _set_join(self, counts: dict[str, int] | None, note: str, bypassed: tuple[str, ...] = ()) -> None:
        self.model.set_join(counts, note, bypassed)
        self._join.show(self.model.join_counts, self.model.join_note, self.model.bypassed)

    # -- the highlighted line, and its trace ---------------------------------------------------------------
    def on_log_table_highlighted(self, message: LogTable.Highlighted) -> None:
        held = self._table.cursor_row != 0
        if held != self._held:
            self._held = held  # off the newest line: the tail pauses so the selected record stays the same
            self._show_tail_state()
        self._show_detail(message.key)

    def _show_detail(self, key: str | None) -> None:
        from console.app.logs_detail import detail_of

        self.model.selected = key
        item = self.model.item(key) if key else None
        self._detail.show(
            detail_of(item, trace_link(self.console, self.model.correlation_id(key))[1])
            if item is not None and key
            else None
        )

    def on_log_table_chosen(self, message: LogTable.Chosen) -> None:
        self.model.selected = message.key
        self.action_open_trace()

    def action_open_trace(self) -> None:
        feed_key, note = trace_link(self.console, self.model.correlation_id(self._table.highlighted))
        if feed_key is None:
            self.notify(note, markup=False)
            return
        self.app.pop_screen()
        self.console.open_feed_item(feed_key)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(help_modal())

    async def action_send(self) -> None:
        await run_on_console(self.console, "send")

    async def action_switch_profile(self) -> None:
        await run_on_console(self.console, "switch_profile")

    async def action_switch_scenario(self) -> None:
        await run_on_console(self.console, "switch_scenario")

    def action_focus_search(self) -> None:
        self.query_one("#logs-query", Input).focus()

    def action_refresh(self) -> None:
        self.run_search(self.query_one("#logs-query", Input).value)
        self.run_join()

    def _say_counts(self) -> None:
        self._say(self.model.counts_text(self._notes))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        text = error.one_line() if isinstance(error, BatonError) else f"{type(error).__name__}: {error}"
        if event.worker.group == "logs-join":
            self._set_join(None, f"join failed: {text}")
        elif event.worker.group == "logs-tail":
            self._tail_said(f"failed: {text}")
            self._say(f"tail failed: {text}")
        else:
            self._say(f"{event.worker.group.removeprefix('logs-')} failed: {text}")

    def on_unmount(self) -> None:
        self._stop_tail()
