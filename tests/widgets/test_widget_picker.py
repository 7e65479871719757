"""Clickable and ChoiceButton: the request bar's one-widget button and picker (they replaced Button and Select)."""

from __future__ import annotations

from factories import HOSTILE
from textual.app import App
from widget_harness import Harness, messages_of, screen_text

from widgets.clickable import Clickable
from widgets.picker import ChoiceButton, PickerModal

METHODS = ("GET", "POST", "PUT")


def changes(app: Harness) -> list[str]:
    return [m.value for m in messages_of(app.seen, ChoiceButton.Changed)]  # type: ignore[attr-defined]


def presses(app: Harness) -> int:
    return len(messages_of(app.seen, Clickable.Pressed))


async def test_clickable_is_pressed_by_enter_space_and_click_but_not_when_disabled() -> None:
    button = Clickable("Send", id="send")
    app = Harness(button)
    async with app.run_test(size=(40, 5), message_hook=app.seen.append) as pilot:
        button.focus()
        await pilot.press("enter", "space")
        await pilot.click("#send")
        await pilot.pause()
        assert presses(app) == 3
        assert messages_of(app.seen, Clickable.Pressed)[0].control is button  # type: ignore[attr-defined]
        button.disabled = True
        await pilot.click("#send")
        button.press()
        await pilot.pause()
        assert presses(app) == 3


async def test_enter_opens_the_picker_on_the_current_value_and_a_pick_is_posted_once() -> None:
    choice = ChoiceButton("Method", METHODS, "POST", id="method")
    app = Harness(choice)
    async with app.run_test(size=(60, 12), message_hook=app.seen.append) as pilot:
        choice.focus()
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerModal)
        assert "● POST" in screen_text(app)  # the current value is marked and highlighted
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PickerModal)
        assert choice.value == "PUT" and changes(app) == ["PUT"]
        assert "PUT" in screen_text(app, choice) and "▼" in screen_text(app, choice)


async def test_escape_or_the_same_value_changes_nothing() -> None:
    choice = ChoiceButton("Method", METHODS, "GET", id="method")
    app = Harness(choice)
    async with app.run_test(size=(60, 12), message_hook=app.seen.append) as pilot:
        await pilot.click("#method")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        await pilot.press("escape")
        await pilot.pause()
        choice.focus()
        await pilot.press("enter", "enter")  # open, then pick the highlighted current value
        await pilot.pause()
        assert choice.value == "GET" and changes(app) == []


async def test_without_choices_nothing_opens_and_the_prompt_shows() -> None:
    choice = ChoiceButton("Sandbox scenario", prompt="scenario", id="scenario")
    app = Harness(choice)
    async with app.run_test(size=(40, 5)) as pilot:
        choice.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PickerModal)
        assert "scenario" in screen_text(app, choice) and choice.has_class("-prompt")
        choice.value = "healthy"
        await pilot.pause()
        assert "healthy" in screen_text(app, choice) and not choice.has_class("-prompt")


async def test_a_long_value_is_cut_with_an_ellipsis_and_the_arrow_stays() -> None:
    choice = ChoiceButton("Scenario", ("a-very-long-scenario-name-indeed",), "a-very-long-scenario-name-indeed")
    app = App[None]()
    async with app.run_test(size=(40, 5)) as pilot:
        choice.styles.width = 20
        await app.mount(choice)
        await pilot.pause()
        row = screen_text(app, choice).splitlines()[1]
        assert "a-very-long-…" in row and row.rstrip(" ▎").endswith("▼")


async def test_hostile_values_are_inert_on_the_button_and_in_the_picker() -> None:
    choice = ChoiceButton("Scenario", (HOSTILE, "plain"), HOSTILE, id="scenario")
    app = Harness(choice)
    async with app.run_test(size=(200, 12)) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]x[/]" in screen_text(app, choice) and "\x1b" not in screen_text(app)
        await pilot.click("#scenario")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        assert "[@click=app.quit]x[/]" in screen_text(app) and app.is_running


async def test_typing_filters_the_list_and_enter_picks_the_first_match() -> None:
    choice = ChoiceButton(
        "Scenario", ("healthy", "expired-token", "iis-windows-auth", "iis-anonymous-only"), "healthy", id="scenario"
    )
    choice.notes = {"iis-windows-auth": "401.2 Negotiate/NTLM"}
    app = Harness(choice)
    async with app.run_test(size=(80, 16), message_hook=app.seen.append) as pilot:
        choice.focus()
        await pilot.press("enter", "i", "i", "s")
        await pilot.pause()
        shown = screen_text(app)
        assert "iis-windows-auth" in shown and "iis-anonymous-only" in shown and "expired-token" not in shown
        await pilot.press("ctrl+u", *"ntlm")  # the note matches too
        await pilot.pause()
        assert "iis-anonymous-only" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert choice.value == "iis-windows-auth" and changes(app) == ["iis-windows-auth"]


async def test_a_filter_with_no_match_picks_nothing() -> None:
    choice = ChoiceButton("Method", METHODS, "GET", id="method")
    app = Harness(choice)
    async with app.run_test(size=(60, 12), message_hook=app.seen.append) as pilot:
        choice.focus()
        await pilot.press("enter", "z", "z", "enter", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)  # still open: nothing to pick
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PickerModal) and choice.value == "GET" and changes(app) == []
