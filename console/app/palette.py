"""Command palette entries for the actions of the screen it opens on (loaded when the palette first opens)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.app.actions import ACTIONS, ConsoleAction


class BatonCommands(Provider):
    """Command palette entries for the screen's own actions (a screen names them in PALETTE_ACTIONS; the console
    screen's are ACTIONS): the palette never offers what does nothing where it was opened."""

    @property
    def actions(self) -> tuple[ConsoleAction, ...]:
        found: tuple[ConsoleAction, ...] = getattr(self.screen, "PALETTE_ACTIONS", ACTIONS)
        return found

    async def discover(self) -> Hits:
        for a in self.actions:
            yield DiscoveryHit(a.help, partial(self._run, a.action), help=f"{a.title} ({a.key_label})")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a in self.actions:
            score = matcher.match(a.help)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(a.help), partial(self._run, a.action), help=f"{a.title} ({a.key_label})"
                )

    async def _run(self, action: str) -> None:
        await self.app.run_action(f"screen.{action}")


class DriftCommands(Provider):
    """The palette's "Compare with another profile (AWS drift)…": pick a profile, see what changes who reaches IIS
    (console.app.drift_screen). Offered everywhere but on the drift screen itself."""

    def _offered(self) -> bool:
        from console.app.drift_screen import DriftScreen

        return not isinstance(self.screen, DriftScreen)

    async def discover(self) -> Hits:
        from console.app.drift_screen import HELP, TITLE

        if self._offered():
            yield DiscoveryHit(TITLE, self._open, help=HELP)

    async def search(self, query: str) -> Hits:
        from console.app.drift_screen import HELP, TITLE

        if not self._offered():
            return
        matcher = self.matcher(query)
        score = max(matcher.match(TITLE), matcher.match(HELP))
        if score > 0:
            yield Hit(score, matcher.highlight(TITLE), self._open, help=HELP)

    async def _open(self) -> None:
        from console.app.drift_screen import open_drift

        open_drift(self.app)
