"""DriftScreen: compare the console's profile with another (AWS configuration drift), in a worker, cancellable.

The screen owns the worker and one DriftOutcome (its domain object: progress, then the drift or the failure); the
DriftView renders whatever outcome it is given. Nothing of it is kept once the screen closes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.app.drift_view import DriftView
from console.aws.drift_model import Drift, DriftOutcome
from console.errors import BatonError
from console.sanitize import inert

if TYPE_CHECKING:
    from textual.app import App

    from console.aws.drift_run import ReadSide
    from console.model.profile import Profile

TITLE = "Compare with another profile (AWS drift)…"
HELP = "Compare this profile's gateway identity chain with another profile's: what changes who reaches IIS"


@dataclass
class DriftProgress(Message):
    """The worker moved on (reading a side, comparing)."""

    text: str


@dataclass
class DriftDone(Message):
    """The worker finished: a drift, or one line saying what failed."""

    drift: Drift | None
    error: str | None = None


class DriftScreen(ModalScreen[None]):
    """Progress while both sides are read, then the differences; esc cancels or closes. Scrolls at 80x24."""

    DEFAULT_CSS = """
    DriftScreen { align: center middle; }
    DriftScreen > #drift-title { width: 100%; max-width: 120; background: $accent; color: $text; padding: 0 1; }
    DriftScreen > #drift-body {
        width: 100%;
        max-width: 120;
        height: 1fr;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    DriftScreen > #drift-footer { width: 100%; max-width: 120; text-align: center; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Cancel / close")]

    def __init__(self, profile: Profile, other: str, *, read: ReadSide | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.other = other
        self.read = read
        """Reads one side's configuration (None: the `aws inspect` readers, console.aws.drift_run.read_side)."""
        self.outcome = DriftOutcome(other=other, progress=f"Loading profile '{inert(other)}'…")
        self.cancel_event = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static(inert(f"Drift: {self.profile.name} ⇄ {self.other}"), id="drift-title", markup=False)
        with VerticalScroll(id="drift-body"):
            yield DriftView(id="drift-view")
        yield Static("esc: cancel / close   ↑ ↓ PgUp PgDn: scroll", id="drift-footer", markup=False)

    def on_mount(self) -> None:
        self._show()
        self.query_one("#drift-body").focus()
        self._compare(self.cancel_event)

    def _show(self) -> None:
        self.query_one(DriftView).outcome = self.outcome

    @work(thread=True, exclusive=True, group="drift", exit_on_error=False)
    def _compare(self, cancel: threading.Event) -> None:
        from console.aws.drift_run import compare_profiles
        from console.config import load_profile

        worker = get_current_worker()

        def stopped() -> bool:
            return cancel.is_set() or worker.is_cancelled

        def progress(text: str) -> None:
            if not stopped():
                self.post_message(DriftProgress(text))

        try:
            other = load_profile(self.other)
            drift = compare_profiles(self.profile, other, read=self.read, progress=progress, cancelled=stopped)
        except BatonError as exc:
            if not stopped():
                self.post_message(DriftDone(None, exc.one_line()))
            return
        if not stopped():
            self.post_message(DriftDone(drift))

    def on_drift_progress(self, message: DriftProgress) -> None:
        if self.outcome.running:
            self.outcome = replace(self.outcome, progress=message.text)
            self._show()

    def on_drift_done(self, message: DriftDone) -> None:
        self.outcome = replace(self.outcome, drift=message.drift, error=message.error)
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug in the comparison must not take the console down: it is shown here, the console goes on.
        if event.state is WorkerState.ERROR and event.worker.group == "drift" and self.outcome.running:
            error = event.worker.error
            text = error.one_line() if isinstance(error, BatonError) else f"{type(error).__name__} (see the log)"
            self.outcome = replace(self.outcome, error=text)
            self._show()

    def action_close(self) -> None:
        """Esc: stop the comparison if it runs (an AWS call in flight finishes; its answer is dropped) and close."""
        self.cancel_event.set()
        self.workers.cancel_group(self, "drift")
        self.dismiss(None)


def open_drift(app: App[object]) -> None:
    """The palette command: say so when the console's profile has no [aws]; else pick the other profile, compare."""
    from console.config import discover_profiles
    from widgets.picker import PickerModal

    profile: Profile | None = getattr(app, "profile", None)
    if profile is None:
        return
    if profile.aws is None:
        app.notify(
            f"Profile '{inert(profile.name)}' has no [aws] table, so there is no gateway configuration to compare. "
            "Add [aws] region, api_id and stage to it (see `baton aws diff --help`).",
            title="AWS drift",
            severity="warning",
            markup=False,
        )
        return
    choices = [
        (e.name, e.description or "") for e in discover_profiles() if e.shadowed_by is None and e.name != profile.name
    ]

    def picked(name: str | None) -> None:
        if name:
            app.push_screen(DriftScreen(profile, name))

    app.push_screen(PickerModal(inert(f"Compare {profile.name} with which profile?"), choices), picked)
