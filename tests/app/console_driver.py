"""Drive the real console headlessly: wait for the sandbox and for traces, read panes as text."""

from __future__ import annotations

import asyncio
import time

from textual.pilot import Pilot

from console.app.app import BatonApp
from console.app.screen import ConsoleScreen
from widgets import AuthorizerPanel, HopTrace, IisPanel, RequestBar, TokenInspector, TraceFeed, VerdictBar

PANES = {
    "hops": HopTrace,
    "inspector": TokenInspector,
    "authorizer": AuthorizerPanel,
    "iis": IisPanel,
    "verdict": VerdictBar,
    "feed": TraceFeed,
    "request": RequestBar,
}


def screen_of(app: BatonApp) -> ConsoleScreen:
    screen = app.screen
    assert isinstance(screen, ConsoleScreen), type(screen)
    return screen


async def until(pilot: Pilot[int], condition: object, timeout: float = 20.0) -> None:
    """Pump the app until ``condition()`` is true (polling, not sleeping blindly)."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


async def ready(pilot: Pilot[int], app: BatonApp) -> ConsoleScreen:
    await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
    return screen_of(app)


def finished(screen: ConsoleScreen) -> int:
    """How many of this run's traces have an outcome (ok, broken, unconfirmed, error or cancelled)."""
    from console.model.enums import FeedOrigin, VerdictKind

    return sum(
        1 for e in screen.book.entries.values() if e.origin is FeedOrigin.OWN and e.kind is not VerdictKind.PENDING
    )


async def send_and_wait(pilot: Pilot[int], app: BatonApp) -> ConsoleScreen:
    """Press ctrl+r and wait until the trace is finished and shown."""
    screen = await ready(pilot, app)
    before = finished(screen)
    await pilot.press("ctrl+r")
    await until(pilot, lambda: finished(screen) > before)
    await pilot.pause()
    await pilot.pause()  # the verdict pane grows to its text on the layout pass after the update
    return screen


def pane_text(app: BatonApp, pane: str) -> str:
    """What a pane shows, flattened to one spaced line (borders and wrapping ignored)."""
    widget = app.screen.query_one(PANES[pane])
    strips = app.screen._compositor.render_strips()
    region = widget.region
    rows = [strip.text[region.x : region.right] for strip in strips[region.y : region.bottom]]
    return " ".join(" ".join(rows).replace("│", " ").replace("╭", " ").replace("╰", " ").split())
