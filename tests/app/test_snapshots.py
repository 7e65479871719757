"""SVG snapshots of the console for fixed traces: four scenarios at 120x36, and the compact 80x24 and 100x30."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fixed_traces import NOW, fixed_session
from textual.pilot import Pilot

from console.app.app import BatonApp
from console.app.main import make_app
from console.app.screenshots import stop_blinking, trace_shown

SIZE = (120, 36)
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem


def fixed_app(scenario: str) -> BatonApp:
    """The real app on the sandbox profile, with a frozen clock and the fixed session."""
    return make_app(None, scenario, session_factory=fixed_session, clock=lambda: NOW)


def traced(app: BatonApp) -> Callable[[Pilot[int]], object]:
    """``run_before``: no blinking cursors, send once (ctrl+r), wait until the verdict is shown."""

    async def run_before(pilot: Pilot[int]) -> None:
        stop_blinking(app)
        await pilot.press("ctrl+r")
        for _ in range(400):
            if trace_shown(app):  # the screenshot job's own test for "the trace is on screen"
                break
            await pilot.pause(0.01)
        else:
            raise AssertionError("the fixed trace was never shown")
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("scenario", ["healthy", "expired-token", "claims-header-unmapped", "iis-windows-auth"])
def test_console_snapshot(snap_compare: Callable[..., bool], scenario: str) -> None:
    """The whole console after one trace: hop trace, inspector at the broken hop, authorizer, IIS, verdict."""
    app = fixed_app(scenario)
    assert snap_compare(app, terminal_size=SIZE, run_before=traced(app))


@pytest.mark.parametrize(
    ("scenario", "size"),
    [
        ("healthy", (80, 24)),
        ("iis-windows-auth", (80, 24)),
        ("expired-token", (100, 30)),
        ("iis-windows-auth", (100, 30)),
    ],
    ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v,
)
def test_small_terminal_snapshot(snap_compare: Callable[..., bool], scenario: str, size: tuple[int, int]) -> None:
    """The minimum size and the one above: request bar with path and Send, the whole verdict, every key."""
    app = fixed_app(scenario)
    assert snap_compare(app, terminal_size=size, run_before=traced(app))


def test_snapshots_hold_no_token(request: pytest.FixtureRequest) -> None:
    """The fixed token looks like a JWT; no accepted snapshot may show it."""
    if request.config.getoption("--snapshot-update"):
        pytest.skip("the snapshots are written when the session ends")
    svgs = sorted(SNAPSHOTS.glob("*.svg"))
    assert svgs, "no snapshots yet: run pytest --snapshot-update"
    for svg in svgs:
        assert "eyJ" not in svg.read_text(encoding="utf-8"), svg.name
