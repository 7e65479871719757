"""Every key and palette entry resolves to an action that exists; help lists every key."""

from __future__ import annotations

import pytest
from console_driver import ready
from textual.binding import Binding

from console.app.app import BatonApp, binding_actions
from console.app.main import make_app
from console.app.modals import HelpModal, PickerModal
from console.app.palette_entries import PALETTE
from console.app.screen import KEYS, ConsoleScreen
from widgets import HopTrace, TokenInspector, TraceFeed
from widgets.clickable import Clickable
from widgets.feed_list import FeedList
from widgets.picker import ChoiceButton


@pytest.mark.parametrize("owner", [ConsoleScreen, HelpModal, PickerModal, BatonApp, HopTrace, TraceFeed, TokenInspector,
                                   FeedList, Clickable, ChoiceButton], ids=lambda owner: owner.__name__)
def test_every_binding_resolves_to_an_action(owner: type) -> None:
    for binding in owner.BINDINGS:
        action = binding.action if isinstance(binding, Binding) else binding[1]
        name = action.split("(", 1)[0].split(".")[-1]
        assert callable(getattr(owner, f"action_{name}", None)), f"{owner.__name__}: {binding} → action_{name}"


def test_every_palette_entry_is_a_screen_action() -> None:
    for action, _title, _help in PALETTE:
        assert callable(getattr(ConsoleScreen, f"action_{action}", None)), action
    assert {a for a, _t, _h in PALETTE} >= set(binding_actions())


def test_keys_are_unique() -> None:
    keys = [key for key, *_ in KEYS]
    assert len(keys) == len(set(keys))


async def test_help_screen_lists_every_key_and_pane() -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        text = app.screen.query_one("Markdown")
        source = text._markdown  # type: ignore[attr-defined]
        for _key, _action, description, _shown in KEYS:
            assert description in source
        for pane in ("Hop trace", "Token inspector", "Authorizer", "IIS", "Verdict", "Live feed"):
            assert pane.lower() in source.lower()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)


async def test_palette_runs_an_action() -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await ready(pilot, app)
        await app.run_action("screen.send")
        for _ in range(200):
            if screen.traces:
                break
            await pilot.pause(0.05)
        assert screen.traces
