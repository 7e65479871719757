"""A tiny harness app for one widget, and what the user sees on screen as plain text."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget


class Harness(App[None]):
    """Mounts the given widgets and records every message the app processes."""

    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self._widgets = widgets
        self.seen: list[Message] = []

    def compose(self) -> ComposeResult:
        yield from self._widgets


def screen_text(app: App[object], widget: Widget | None = None) -> str:
    """The characters on screen (inside ``widget``'s region, when given), one line per row."""
    strips = app.screen._compositor.render_strips()
    region = widget.region if widget is not None else app.screen.region
    rows = [strip.text for strip in strips[region.y : region.bottom]]
    return "\n".join(row[region.x : region.right].rstrip() for row in rows)


def flat(text: str) -> str:
    """Screen text with wrapping and borders ignored: one spaced string, for "contains" checks."""
    return " ".join(text.replace("│", " ").split())


def messages_of(seen: list[Message], kind: type[Message]) -> list[Message]:
    """Messages of one kind, each once (the hook sees a bubbling message at every pump it reaches)."""
    unique = {id(m): m for m in seen if isinstance(m, kind)}
    return list(unique.values())


async def click_every(pilot: Pilot[None], app: App[None], needle: str = "[@click") -> int:
    """Click on every place ``needle`` shows on screen; returns how many were clicked."""
    clicks = 0
    for y, row in enumerate(screen_text(app).splitlines()):
        x = row.find(needle)
        while x >= 0:
            await pilot.click(offset=(x + 1, y))
            clicks += 1
            x = row.find(needle, x + 1)
    return clicks
