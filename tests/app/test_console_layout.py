"""Every supported size: the path, Send and the whole verdict in sight, every pane and key reachable."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_driver import pane_text, screen_of, until
from fixed_traces import COMPACT, CORRELATION, NOW, fixed_session
from textual.geometry import Region
from textual.widget import Widget

from console.app.actions import ACTIONS
from console.app.app import BatonApp
from console.app.footer import KeyFooter
from console.app.main import make_app
from console.app.screenshots import stop_blinking, trace_shown
from widgets import AuthorizerPanel, HopTrace, IisPanel, TokenInspector, TraceFeed, VerdictBar

SIZES = [(80, 24), (100, 30), (120, 36)]
"""80x24 is the minimum the README states."""


def fixed_app(scenario: str) -> BatonApp:
    return make_app(None, scenario, session_factory=fixed_session, clock=lambda: NOW)


async def traced(pilot: object, app: BatonApp) -> None:
    stop_blinking(app)
    await pilot.press("ctrl+r")  # type: ignore[attr-defined]
    await until(pilot, lambda: trace_shown(app))  # type: ignore[arg-type]
    await pilot.pause()  # type: ignore[attr-defined]


def on_screen(app: BatonApp, widget: Widget) -> bool:
    """The widget is drawn whole: its region lies inside the screen and inside every container clipping it."""
    region = widget.region
    return bool(region.area) and app.screen.region.contains_region(region) and _unclipped(widget, app)


def screen_text(app: BatonApp, region: Region | None = None) -> str:
    strips = app.screen._compositor.render_strips()
    area = region or app.screen.region
    return "\n".join(strip.text[area.x : area.right] for strip in strips[area.y : area.bottom])


def _unclipped(widget: Widget, app: BatonApp) -> bool:
    clip = app.screen.region
    for node in widget.ancestors:
        if isinstance(node, Widget) and node is not app.screen:
            clip = clip.intersection(node.content_region if node.is_scrollable else node.region)
    return clip.contains_region(widget.region)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_path_send_and_the_verdict_are_always_in_sight(size: tuple[int, int]) -> None:
    app = fixed_app("iis-windows-auth")
    async with app.run_test(size=size) as pilot:
        await traced(pilot, app)
        screen = screen_of(app)
        for selector in ("#path", "#send", "#method"):
            assert on_screen(app, screen.query_one(selector)), (selector, screen.query_one(selector).region)
        assert "/prod/whoami" in screen_text(app, screen.query_one("#path").region)
        assert on_screen(app, screen.query_one(VerdictBar))
        assert "broken at iis" in pane_text(app, "verdict")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scenario", ["healthy", "expired-token", "claims-header-unmapped", "iis-windows-auth"])
async def test_no_fix_is_cut(size: tuple[int, int], scenario: str) -> None:
    app = fixed_app(scenario)
    async with app.run_test(size=size) as pilot:
        await traced(pilot, app)
        verdict = screen_of(app).book.trace().verdict  # type: ignore[union-attr]
        shown = pane_text(app, "verdict")
        for text in (verdict.fix, verdict.missing_evidence):
            if text:
                assert " ".join(text.split()) in shown, (size, shown)


async def test_the_verdict_scrolls_and_takes_focus() -> None:
    app = fixed_app("iis-windows-auth")
    async with app.run_test(size=(80, 24)) as pilot:
        await traced(pilot, app)
        bar = screen_of(app).query_one(VerdictBar)
        for _ in range(20):
            if bar.has_focus_within:
                break
            await pilot.press("tab")
        assert bar.has_focus_within, "tab never reached the verdict"
        scroller = app.focused
        assert scroller is not None and scroller.allow_vertical_scroll is not None
        await pilot.press("down")  # the focused verdict answers the arrow keys (no error, still in focus)
        assert bar.has_focus_within


async def test_every_pane_is_reached_with_tab_at_80x24() -> None:
    app = fixed_app("iis-windows-auth")
    async with app.run_test(size=(80, 24)) as pilot:
        await traced(pilot, app)
        screen = screen_of(app)
        assert screen.has_class("-compact")
        panes: list[type[Widget]] = [HopTrace, TraceFeed, TokenInspector, AuthorizerPanel, IisPanel, VerdictBar]
        seen: set[type[Widget]] = set()
        for _ in range(30):
            await pilot.press("tab")
            await pilot.pause()
            for kind in panes:
                pane = screen.query_one(kind)
                if pane.has_focus_within:
                    title = str(pane.border_title)
                    assert title in screen_text(app), f"{title} has focus but its title is out of sight"
                    seen.add(kind)
        assert seen == set(panes), {kind.__name__ for kind in set(panes) - seen}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_footer_lists_every_key(size: tuple[int, int]) -> None:
    app = fixed_app("healthy")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = screen_of(app).query_one(KeyFooter)
        await until(pilot, lambda: bool(footer.children))
        await pilot.pause()
        text = screen_text(app, footer.region)
        for action in ACTIONS:
            assert f"{action.footer_key} {action.title}" in text, (action.title, text)
        assert "palette" in text


async def test_the_footer_keeps_every_key_when_a_pane_adds_its_own() -> None:
    """With the inspector focused (its ``m`` key added) eleven keys needed three rows; two showed, the first hid."""
    from widgets import TokenInspector

    app = fixed_app("healthy")
    async with app.run_test(size=(80, 24)) as pilot:
        await traced(pilot, app)
        screen_of(app).query_one(TokenInspector).query_one("VerticalScroll").focus()
        await pilot.pause()
        footer = screen_of(app).query_one(KeyFooter)
        await pilot.pause()
        text = screen_text(app, footer.region)
        for action in ACTIONS:
            assert f"{action.footer_key} {action.title}" in text, (action.title, text)
        assert "m Mask/reveal" in text and "palette" in text


async def test_ctrl_y_copies_profile_trace_id_correlation_id_and_utc_time() -> None:
    app = fixed_app("expired-token")
    async with app.run_test(size=(120, 36)) as pilot:
        await traced(pilot, app)
        trace = screen_of(app).book.trace()
        assert trace is not None
        await pilot.press("ctrl+y")
        await pilot.pause()
        copied = app.clipboard
        assert copied.startswith("✗ broken at authorizer")
        assert "profile: sandbox" in copied
        assert f"trace id: {trace.trace_id}" in copied
        assert f"correlation id: {CORRELATION}" in copied
        assert "time: 2026-01-01 00:00:" in copied and "UTC" in copied
        assert "eyJ" not in copied


async def test_the_palette_screenshot_saves_to_the_data_directory_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # platformdirs' user data directory on Linux
    app = fixed_app("claims-header-unmapped")
    async with app.run_test(size=(120, 36)) as pilot:
        await traced(pilot, app)
        screen = screen_of(app)
        screen.query_one(TokenInspector).masked = False  # revealed on screen: the screenshot masks it again
        command = next(c for c in app.get_system_commands(screen) if c.title == "Screenshot")
        command.callback()
        folder = tmp_path / "baton" / "screenshots"
        await until(pilot, lambda: folder.is_dir() and any(folder.glob("*.svg")))
        saved = next(folder.glob("*.svg"))
        notes = [n.message for n in app._notifications]
        assert any(str(saved) in note for note in notes), notes
        svg = saved.read_text(encoding="utf-8")
        assert "eyJ" not in svg and COMPACT not in svg
        assert "Token&#160;inspector" in svg or "Token inspector" in svg
