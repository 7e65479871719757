"""Modal screens: help (keys and each pane's help) and a picker for profiles and scenarios."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from console.sanitize import inert


class HelpModal(ModalScreen[None]):
    """Every key and every pane's own help, on one scrollable page."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1,question_mark", "dismiss_help", "Close")]

    def __init__(self, keys: list[tuple[str, str]], panes: list[str]) -> None:
        super().__init__()
        self._keys = keys
        self._panes = panes

    def compose(self) -> ComposeResult:
        listing = "\n".join(f"- `{key}` — {what}" for key, what in self._keys)
        text = ("# Baton — keys\n\n" + listing + "\n\n"
                "Every action is also in the command palette (`ctrl+p`).\n\n" + "\n\n".join(self._panes))
        with VerticalScroll(id="help-body"):
            yield Markdown(text)  # our own text, not network data
        yield Static("esc / q / F1 to close", id="help-footer")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


class PickerModal(ModalScreen[str | None]):
    """Pick one name from a list (profiles, scenarios): Enter picks, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="picker-title", markup=False)
        options = [Option(inert(f"{'●' if name == self._current else ' '} {name} — {about}"), id=name)
                   for name, about in self._choices]
        yield OptionList(*options, id="picker-list", markup=False)

    def on_mount(self) -> None:
        names = [name for name, _ in self._choices]
        option_list = self.query_one(OptionList)
        if self._current in names:
            option_list.highlighted = names.index(self._current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
