"""Command palette entries for every console action (loaded when the palette first opens)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.app.actions import ACTIONS


class BatonCommands(Provider):
    """Command palette entries for every console action."""

    async def discover(self) -> Hits:
        for a in ACTIONS:
            yield DiscoveryHit(a.help, partial(self._run, a.action), help=f"{a.title} ({a.key_label})")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a in ACTIONS:
            score = matcher.match(a.help)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(a.help), partial(self._run, a.action), help=f"{a.title} ({a.key_label})"
                )

    async def _run(self, action: str) -> None:
        await self.app.run_action(f"screen.{action}")
