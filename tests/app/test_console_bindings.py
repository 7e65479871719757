"""Every key and palette entry resolves to an action that exists; help lists every key."""

from __future__ import annotations

import pytest
from console_driver import finished, ready
from textual.binding import Binding

from console.app.actions import ACTIONS, binding_actions
from console.app.app import BatonApp
from console.app.main import make_app
from console.app.modals import HelpModal, PickerModal
from console.app.screen import ConsoleScreen
from widgets import HopTrace, TokenInspector, TraceFeed
from widgets.clickable import Clickable
from widgets.feed_list import FeedList
from widgets.picker import ChoiceButton


@pytest.mark.parametrize(
    "owner",
    [
        ConsoleScreen,
        HelpModal,
        PickerModal,
        BatonApp,
        HopTrace,
        TraceFeed,
        TokenInspector,
        FeedList,
        Clickable,
        ChoiceButton,
    ],
    ids=lambda owner: owner.__name__,
)
def test_every_binding_resolves_to_an_action(owner: type) -> None:
    for binding in owner.BINDINGS:
        action = binding.action if isinstance(binding, Binding) else binding[1]
        name = action.split("(", 1)[0].split(".")[-1]
        assert callable(getattr(owner, f"action_{name}", None)), f"{owner.__name__}: {binding} → action_{name}"


def test_every_declared_action_is_a_screen_action_with_a_binding() -> None:
    bound = {b.action for b in ConsoleScreen.BINDINGS if isinstance(b, Binding)}
    for action in binding_actions():
        assert callable(getattr(ConsoleScreen, f"action_{action}", None)), action
        assert action in bound, action


def test_keys_are_unique() -> None:
    keys = [key for a in ACTIONS for key in a.keys]
    assert len(keys) == len(set(keys))


async def test_palette_lists_every_declared_action() -> None:
    from console.app.palette import BatonCommands

    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot, app)
        provider = BatonCommands(app.screen)
        titles = [hit.display for hit in [h async for h in provider.discover()]]
        assert len(titles) == len(ACTIONS)
        assert {str(t) for t in titles} == {a.help for a in ACTIONS}


async def test_help_screen_lists_every_key_and_pane() -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        text = app.screen.query_one("Markdown")
        source = text._markdown  # type: ignore[attr-defined]
        for action in ACTIONS:
            assert action.help in source and action.key_label in source
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
            if finished(screen):
                break
            await pilot.pause(0.05)
        assert finished(screen)
