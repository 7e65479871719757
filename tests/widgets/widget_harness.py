"""A tiny harness app for one widget, and what the user sees on screen as plain text."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.message import Message
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
    return [m for m in seen if isinstance(m, kind)]


Hook = Callable[[Message], None]
