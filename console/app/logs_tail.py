"""The Logs view's live tail: start and stop it, follow the log in a worker thread, and say what state it is in."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widgets import Static

from console.app.logs_status import StatusLine
from console.engine.logs.view_model import Criteria, LogPaths, LogsModel, QueryError, parse_query

if TYPE_CHECKING:
    from console.app.logs_work import Inbox
    from console.app.screen import ConsoleScreen
    from console.engine.logs.tail import Tail

TAIL_STATES = ("-on", "-waiting", "-paused", "-failed")
"""The tail indicator's state classes (baton.tcss colours them)."""


class TailingScreen(Screen[None]):
    """The tail-following half of the Logs view (LogsScreen has the search and the lines), and its status line."""

    console: ConsoleScreen
    model: LogsModel
    inbox: Inbox
    paths: LogPaths | None

    def __init__(self) -> None:
        super().__init__()
        self._tail_stop = threading.Event()
        self._tail_state = Static("", id="logs-tail-state", markup=False)
        self._status = StatusLine(id="logs-status")
        self._held = False
        """A line other than the newest is selected: the tail pauses so it stays put (read by the tail's thread)."""
        self._tail_note: str | None = None
        """Why the tail has nothing to follow yet (it keeps looking), or why it failed."""

    def _say(self, text: str) -> None:
        """Show ``text`` on the status line (the tail's states, the search's counts and errors), whole."""
        self._status.say(text)

    def action_toggle_tail(self) -> None:
        self.model.tailing = not self.model.tailing
        if self.model.tailing:
            self._start_tail()
        else:
            self._stop_tail()
        self._show_tail_state()

    def _start_tail(self, *, resume: bool = False) -> None:
        """Follow the log from its end (``resume``: from where the tail was when the view was left)."""
        self._stop_tail()
        self._tail_note = None
        if self.paths is None or self.paths.iis is None:
            self._say(f"Nothing to tail: set [iis] log_path in profile {self.console.session.profile.name}.")
            return
        try:
            criteria = parse_query(self.model.query_text)
        except QueryError as exc:
            self._say(str(exc))
            return
        self._tail_stop = stop = threading.Event()
        self._tail_worker(self.paths, criteria, self.model.generation, stop, resume)

    def _stop_tail(self) -> None:
        self._tail_stop.set()
        self.workers.cancel_group(self, "logs-tail")

    def _new_tail(self, paths: LogPaths) -> Tail:
        """A tail from the end of the log now (in a worker: placing it reads the file's directives)."""
        from console.engine.logs.tail import Tail

        assert paths.iis is not None
        tail = Tail(paths.iis)
        self.model.set_tail(tail)
        return tail

    @work(thread=True, exclusive=True, group="logs-tail", exit_on_error=False)
    def _tail_worker(
        self, paths: LogPaths, criteria: Criteria, generation: int, stop: threading.Event, resume: bool
    ) -> None:
        kept = self.model.tail
        tail = kept if resume and kept is not None and kept.named == paths.iis else self._new_tail(paths)
        self._follow(tail, paths, criteria, generation, stop)

    def _follow(self, tail: Tail, paths: LogPaths, criteria: Criteria, generation: int, stop: threading.Event) -> None:
        from console.app.logs_work import tail as follow

        def said(note: str | None) -> None:
            if not stop.is_set():
                self.app.call_from_thread(self._tail_said, note and f"{paths.iis}: {note}")

        follow(tail, paths, criteria, generation, self.inbox, stop.is_set, lambda: self._held, said)

    def _tail_said(self, note: str | None) -> None:
        self._tail_note = note
        self._show_tail_state()

    def _show_tail_state(self) -> None:
        """On, waiting for the log to appear, paused on a held line, failed, or off: never "on" when it is not."""
        if not self.model.tailing:
            text, state = "○ tail off (t)", ""
        elif self._tail_note and self._tail_note.startswith("failed"):
            text, state = "✗ tail failed", "-failed"
        elif self._tail_note:
            text, state = "◌ tail waiting", "-waiting"
            self._say(f"tail waiting: {self._tail_note}; it looks again 4 times a second")
        elif self._held:
            text, state = "‖ tail paused", "-paused"
            self._say("tail paused while a line is selected: home (the newest line) resumes and catches up")
        else:
            text, state = "● tail on", "-on"
        self._tail_state.update(text)
        for name in TAIL_STATES:
            self._tail_state.set_class(name == state, name)
