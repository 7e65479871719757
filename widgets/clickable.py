"""Clickable: a one-widget button (Enter, space or a click presses it) with a fraction of Button's stylesheet."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import Static


class Clickable(Static, can_focus=True):
    """A pressable label styled like Textual's default button.

    Textual's Button carries 7 KB of CSS for variants Baton never uses; parsing it is a few milliseconds of every
    start-up, so the request bar's buttons are these.
    """

    DEFAULT_CSS = """
    Clickable {
        width: auto;
        min-width: 8;
        height: 3;
        padding: 0 1;
        content-align: center middle;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        border-top: tall $surface-lighten-1;
        border-bottom: tall $surface-darken-1;
        &:focus { text-style: $button-focus-text-style; background-tint: $foreground 5%; }
        &:hover { border-top: tall $surface; background: $surface-darken-1; }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            border-top: tall $primary-lighten-3;
            border-bottom: tall $primary-darken-3;
            &:hover { background: $primary-darken-2; border-top: tall $primary; }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,space", "press", "Press", show=False)]

    class Pressed(Message):
        """The widget was pressed (Enter, space or a click)."""

        def __init__(self, clickable: Clickable) -> None:
            super().__init__()
            self.clickable = clickable

        @property
        def control(self) -> Clickable:
            return self.clickable

    def __init__(self, label: VisualType = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(label, id=id, classes=classes, markup=False)

    def press(self) -> None:
        """Press it, as a user would."""
        if not self.disabled:
            self.post_message(self.Pressed(self))

    def action_press(self) -> None:
        self.press()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.press()
