"""BatonApp: the console application. Keys, command palette and profile switching; the screen does the work."""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from textual.command import Provider

from console.app.screen import ConsoleScreen
from console.model.profile import Profile
from console.session import Session

SessionFactory = Callable[[Profile, str | None], Session]
TOKEN_MARK = "eyJ"  # noqa: S105 (what a JWT starts with, not a secret)
"""The start of every JWT: a screenshot holding it is not written."""


def screenshot_dir() -> Path:
    """Where the palette's Screenshot goes: ``screenshots`` in the user's data directory (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("baton")) / "screenshots"


def baton_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens (textual.command is not cheap)."""
    from console.app.palette import BatonCommands

    return BatonCommands


def drift_commands() -> type[Provider]:
    """The palette's AWS drift command (console.app.palette.DriftCommands), imported like baton_commands."""
    from console.app.palette import DriftCommands

    return DriftCommands


class BatonApp(App[int]):
    """Baton's console on one profile (the sandbox by default)."""

    CSS_PATH = "baton.tcss"
    TITLE = "Baton"
    COMMANDS = App.COMMANDS | {baton_commands, drift_commands}

    def __init__(
        self,
        profile: Profile,
        scenario: str | None = None,
        *,
        session_factory: SessionFactory = Session,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.scenario = scenario
        self.session_factory = session_factory
        self.clock = clock
        self.session: Session | None = None

    def get_default_screen(self) -> ConsoleScreen:
        # The console is the default screen: no blank Screen is built, styled and painted before it.
        _freeze_start_up()
        self.session = self.session_factory(self.profile, self.scenario)
        return ConsoleScreen(self.session, clock=self.clock)

    def switch_profile(self, name: str) -> None:
        """Open another profile: a fresh session in the console screen; the old session is closed off the UI thread.

        The console screen is the app's default screen, which Textual cannot switch away from (switch_screen pops a
        result callback the default screen never had), so the screen stays and takes the new session."""
        from console.config import load_profile
        from console.errors import BatonError

        try:
            profile = load_profile(name)
        except BatonError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        console = next((s for s in self.screen_stack if isinstance(s, ConsoleScreen)), None)
        if console is None:
            return
        old = self.session
        self.profile, self.scenario = profile, None
        self.session = self.session_factory(profile, None)
        console.open_session(self.session)
        if old is not None:
            self.run_worker(old.close, thread=True, group="close")

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's Screenshot: an SVG of the screen in the user's data directory, and a note saying where.

        Textual's own aims at a Downloads folder a server rarely has. Credentials shown revealed are masked first."""
        from widgets import TokenInspector

        revealed = [inspector for inspector in self.screen.query(TokenInspector) if not inspector.masked]
        for inspector in revealed:
            inspector.masked = True
        if revealed:  # the masked text is drawn on the next refresh
            self.call_after_refresh(self.save_screenshot_to, filename, path, time_format)
            return None
        return self.save_screenshot_to(filename, path, time_format)

    def save_screenshot_to(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Write the screenshot (never one showing a token); the file written, or None after saying why not."""
        folder = Path(path) if path else screenshot_dir()
        stamp = time.strftime(time_format or "%Y-%m-%dT%H-%M-%SZ", time.gmtime())
        target = folder / (filename or f"baton-{stamp}.svg")
        svg = self.export_screenshot()
        if TOKEN_MARK in svg:
            self.notify("Screenshot not saved: a token is on screen.", severity="error", markup=False)
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(svg, encoding="utf-8")
        except OSError as exc:
            self.notify(f"Screenshot not saved to {target}: {exc.strerror or exc}", severity="error", markup=False)
            return None
        self.notify(f"Saved to {target}", title="Screenshot", markup=False, timeout=8)
        return str(target)

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()


@functools.cache
def _freeze_start_up() -> None:
    """Once per process: what start-up imported and built lives as long as the console, so the cyclic collector
    need never walk it again, not while the first screen is built (about 12 ms of the first paint here), nor in
    later full collections."""
    gc.freeze()
