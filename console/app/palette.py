"""Command palette entries for every console action (loaded when the palette first opens)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.app.palette_entries import PALETTE


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
