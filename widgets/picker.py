"""Picking one name from a list: a modal list, and the one-line button in the request bar that opens it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.sanitize import inert
from widgets.clickable import Clickable
from widgets.text import safe


class PickerModal(ModalScreen[str | None]):
    """Pick one name from a list (profiles, scenarios, methods): Enter picks, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="picker-title", markup=False)
        options = [Option(inert(f"{'●' if name == self._current else ' '} {name}" + (f" — {about}" if about else "")),
                          id=name)
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


class ChoiceButton(Clickable):
    """One line showing the current choice (``GET ▾``); Enter or a click opens a PickerModal over the choices.

    It stands in for a Select: one widget instead of six, so the console's first paint stays cheap, and the
    same picker the ctrl+n and ctrl+o keys open.
    """

    DEFAULT_CSS = """
    ChoiceButton {
        content-align: left middle;
        text-style: none;
        color: $foreground;
        background: $surface;
        border: tall $border-blurred;
        padding: 0 1 0 2;
        &:focus { text-style: none; border: tall $border; background-tint: $foreground 5%; }
        &:hover { border: tall $border-blurred; background: $surface-darken-1; }
        &.-prompt { color: $foreground 50%; }
    }
    """

    class Changed(Message):
        """The user picked a value other than the current one."""

        def __init__(self, button: ChoiceButton, value: str) -> None:
            super().__init__()
            self.button = button
            self.value = value

        @property
        def control(self) -> ChoiceButton:
            return self.button

    value: reactive[str | None] = reactive(None, init=False)
    """The current choice (None: nothing chosen yet; the prompt shows)."""

    def __init__(self, title: str, choices: tuple[str, ...] = (), value: str | None = None, *,
                 prompt: str = "", id: str | None = None) -> None:
        super().__init__(id=id, classes="-prompt" if value is None else None)
        self.picker_title = title
        self.prompt = prompt
        self.choices = choices
        self.notes: dict[str, str] = {}
        """A line about each choice, shown next to it in the picker."""
        self.set_reactive(ChoiceButton.value, value)

    def render(self) -> Content:
        # The value on the left and the arrow on the right edge, as a Select shows them.
        shown = safe(self.value) if self.value is not None else Content(self.prompt)
        room = max(self.content_size.width - 2, 1)
        return Content.assemble(shown.truncate(room, ellipsis=True, pad=True), " ▼")

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # With width auto, as wide as the longest thing it may show, plus the arrow.
        shown = [safe(v).cell_length for v in (*self.choices, self.value) if v is not None]
        return max([len(self.prompt), *shown]) + 2

    def watch_value(self, value: str | None) -> None:
        self.set_class(value is None, "-prompt")
        self.refresh()

    def on_clickable_pressed(self, event: Clickable.Pressed) -> None:
        # Enter, space and a click all open the picker; the press itself concerns no one else.
        event.stop()
        if self.choices:
            choices = [(choice, self.notes.get(choice, "")) for choice in self.choices]
            self.app.push_screen(PickerModal(self.picker_title, choices, self.value), self._picked)

    def _picked(self, value: str | None) -> None:
        if value is not None and value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))
