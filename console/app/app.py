"""BatonApp: the console application. Keys, command palette and profile switching; the screen does the work."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.app.screen import KEYS, ConsoleScreen
from console.model.profile import Profile
from console.session import Session

SessionFactory = Callable[[Profile, str | None], Session]

PALETTE: list[tuple[str, str, str]] = [
    ("send", "Send the request", "Send the test request through the gateway (ctrl+r)"),
    ("resend", "Re-send the last request", "Repeat the last request (F5)"),
    ("cancel", "Cancel the trace", "Stop waiting for the running trace (esc)"),
    ("switch_profile", "Switch profile", "Open another profile (ctrl+o)"),
    ("switch_scenario", "Switch sandbox scenario", "Restart the sandbox with another breakage (ctrl+n)"),
    ("copy_verdict", "Copy the verdict", "Copy the verdict line and its fix (ctrl+y)"),
    ("copy_curl", "Copy as curl", "Copy the equivalent curl command, token redacted (ctrl+k)"),
    ("toggle_token", "Reveal / mask token values", "Show or hide credential-like values in the inspector (ctrl+t)"),
    ("help", "Help", "Keys and what each pane shows (F1 / ?)"),
]


class BatonCommands(Provider):
    """Command palette entries for every console action."""

    async def discover(self) -> Hits:
        for action, title, help_text in PALETTE:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, title, help_text in PALETTE:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help_text)

    async def _run(self, action: str) -> None:
        await self.app.run_action(f"screen.{action}")


class BatonApp(App[int]):
    """Baton's console on one profile (the sandbox by default)."""

    CSS_PATH = "baton.tcss"
    TITLE = "Baton"
    COMMANDS = App.COMMANDS | {BatonCommands}

    def __init__(self, profile: Profile, scenario: str | None = None, *,
                 session_factory: SessionFactory = Session, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.profile = profile
        self.scenario = scenario
        self.session_factory = session_factory
        self.clock = clock
        self.session: Session | None = None

    def on_mount(self) -> None:
        self.session = self.session_factory(self.profile, self.scenario)
        self.push_screen(ConsoleScreen(self.session, clock=self.clock))

    def switch_profile(self, name: str) -> None:
        """Open another profile: a fresh session and screen; the old session is closed off the UI thread."""
        from console.config import load_profile
        from console.errors import BatonError

        try:
            profile = load_profile(name)
        except BatonError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        old = self.session
        self.profile, self.scenario = profile, None
        self.session = self.session_factory(profile, None)
        self.switch_screen(ConsoleScreen(self.session, clock=self.clock))
        if old is not None:
            self.run_worker(old.close, thread=True, group="close")

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()


def binding_actions() -> list[str]:
    """Every action a key is bound to (a test proves each resolves to a method)."""
    return [action for _key, action, _description, _shown in KEYS]
