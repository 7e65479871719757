"""Picking one name from a list: a modal list you can filter by typing, and the request bar's button that opens it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.sanitize import inert
from widgets.clickable import Clickable
from widgets.text import safe


class PickerModal(ModalScreen[str | None]):
    """Pick one name from a list (profiles, scenarios, methods): type to filter, ↑/↓ move, Enter picks, Esc cancels."""

    DEFAULT_CSS = """
    PickerModal { align: center middle; }
    PickerModal > #picker-title { width: 70; background: $accent; color: $text; padding: 0 1; }
    PickerModal > #picker-filter { width: 70; }
    PickerModal > #picker-list { width: 70; max-height: 20; border: round $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="picker-title", markup=False)
        yield Input(placeholder="type to filter", id="picker-filter")
        yield OptionList(*self._options(""), id="picker-list", markup=False)

    def _options(self, needle: str) -> list[Option]:
        wanted = needle.strip().lower()
        return [
            Option(inert(f"{'●' if name == self._current else ' '} {name}" + (f" — {about}" if about else "")), id=name)
            for name, about in self._choices
            if wanted in f"{name} {about}".lower()
        ]

    def on_mount(self) -> None:
        self._highlight(self._current)
        self.query_one(Input).focus()

    def _highlight(self, name: str | None) -> None:
        option_list = self.query_one(OptionList)
        shown = [option.id for option in option_list.options]
        option_list.highlighted = shown.index(name) if name in shown else (0 if shown else None)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(self._options(event.value))
        self._highlight(self._current)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.dismiss(option_list.get_option_at_index(option_list.highlighted).id)

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if option_list.option_count:
            current = option_list.highlighted if option_list.highlighted is not None else -step
            option_list.highlighted = max(0, min(current + step, option_list.option_count - 1))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceButton(Clickable):
    """One line showing the current choice (``GET ▼``); Enter or a click opens a PickerModal over the choices.

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

    def __init__(
        self,
        title: str,
        choices: tuple[str, ...] = (),
        value: str | None = None,
        *,
        prompt: str = "",
        id: str | None = None,
    ) -> None:
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
