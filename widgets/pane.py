"""Pane: the base of every Baton pane: a border title, its own help, and an error line that keeps the content."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from widgets.text import line, safe


class Pane(Vertical):
    """A titled pane that can show an error above its content without clearing it."""

    HELP: ClassVar[str] = ""
    """Markdown help for this pane, shown by the app's help screen."""

    DEFAULT_CSS = """
    Pane {
        height: auto;
        min-width: 30;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    Pane:focus-within {
        border: round $accent;
        border-title-color: $text;
    }
    Pane.-error {
        border: round $error;
    }
    Pane > .pane--error {
        display: none;
        height: auto;
        color: $text-error;
        background: $error 15%;
    }
    Pane.-error > .pane--error {
        display: block;
    }
    """

    STATES: ClassVar[tuple[str, ...]] = ()
    """The pane's mutually exclusive state classes, if it has any; it is built in the first one."""

    error: reactive[str | None] = reactive(None, init=False)
    """The error shown in this pane, or None. Setting it never clears what the pane shows."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        # Built in its first state, not switched to it on mount: a class change after mount restyles the pane.
        super().__init__(name=name, id=id, classes=" ".join((classes or "", *self.STATES[:1])).strip() or None)
        # Mounted on the first error only: most panes never show one, and every widget costs the first paint.
        self._error_line: Static | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The pane's own content, below the error line."""
        yield from ()

    def set_state(self, state: str) -> None:
        """Switch to one of STATES (and off the others)."""
        for name in self.STATES:
            self.set_class(name == state, name)

    def show_error(self, message: str) -> None:
        """Show ``message`` (it may hold network text) in this pane; the content stays."""
        self.error = message

    def clear_error(self) -> None:
        """Hide the error line."""
        self.error = None

    def watch_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-error")
        text = line(("✗ error: ", "bold"), safe(message)) if message is not None else Content("")
        if self._error_line is not None:
            self._error_line.update(text)
        elif message is not None:
            self._error_line = Static(text, classes="pane--error")
            if self.children:
                self.mount(self._error_line, before=0)
            else:
                self.mount(self._error_line)


class ScrollPane(Pane):
    """A pane whose content is one scrollable block of text."""

    DEFAULT_CSS = """
    ScrollPane {
        height: 1fr;
        min-height: 6;
    }
    ScrollPane > VerticalScroll { height: auto; max-height: 100%; }
    ScrollPane .pane--body { height: auto; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._body = Static("", classes="pane--body")

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield self._body

    def set_body(self, content: Content) -> None:
        """Replace the text shown (already inert Content)."""
        self._body.update(content)
