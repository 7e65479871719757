"""Modal screens: help (keys and each pane's help); the picker for profiles and scenarios is widgets.picker's."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from widgets.picker import PickerModal

__all__ = ["HelpModal", "PickerModal"]


class HelpModal(ModalScreen[None]):
    """Every key and every pane's own help, on one scrollable page."""

    DEFAULT_CSS = """
    HelpModal { align: center middle; }
    HelpModal > #help-body {
        width: 90%;
        max-width: 110;
        height: 85%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpModal > #help-footer { width: 90%; max-width: 110; text-align: center; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1,question_mark", "dismiss_help", "Close")]

    def __init__(self, keys: list[tuple[str, str]], panes: list[str], title: str = "Baton — keys") -> None:
        super().__init__()
        self._keys = keys
        self._panes = panes
        self._title = title

    def compose(self) -> ComposeResult:
        listing = "\n".join(f"- `{key}` — {what}" for key, what in self._keys)
        text = (
            f"# {self._title}\n\n" + listing + "\n\n"
            "Every action is also in the command palette (`ctrl+p`).\n\n" + "\n\n".join(self._panes)
        )
        with VerticalScroll(id="help-body"):
            yield Markdown(text)  # our own text, not network data
        yield Static("esc / q / F1 to close", id="help-footer")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
