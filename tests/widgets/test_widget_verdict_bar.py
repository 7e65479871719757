"""VerdictBar: ok, broken, unconfirmed, errors that keep the verdict, and inert hostile text."""

from __future__ import annotations

from factories import HOSTILE, expired_trace, healthy_trace, unknown_hop_trace, windows_auth_trace
from widget_harness import Harness, click_every, flat, screen_text

from console.model.trace import HopName, Verdict
from widgets import VerdictBar


async def test_empty_then_ok() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(100, 10)) as pilot:
        assert "No verdict yet" in screen_text(app, bar)
        assert bar.has_class("-empty")
        bar.verdict = healthy_trace().verdict
        await pilot.pause()
        assert "✓ identity reached IIS intact" in screen_text(app, bar)
        assert bar.has_class("-ok") and not bar.has_class("-empty")


async def test_broken_names_hop_finding_and_fix() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.verdict = expired_trace().verdict
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "✗ broken at authorizer: token.expired — token expired 2 h ago" in text
        assert "fix: Get a fresh token" in text
        assert bar.has_class("-broken")
        bar.verdict = windows_auth_trace().verdict
        await pilot.pause()
        assert "broken at iis: iis.windows_auth_challenge" in flat(screen_text(app, bar))


async def test_unconfirmed_shows_missing_evidence() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.verdict = unknown_hop_trace().verdict
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "? unconfirmed" in text
        assert "missing evidence: configure [iis] echo_path" in text
        assert bar.has_class("-unconfirmed")


async def test_error_keeps_verdict() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.verdict = expired_trace().verdict
        bar.show_error("diagnosis failed: boom")
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "✗ error: diagnosis failed: boom" in text
        assert "broken at authorizer" in text
        assert bar.has_class("-error")
        bar.clear_error()
        await pilot.pause()
        assert "diagnosis failed" not in screen_text(app, bar)
        assert not bar.has_class("-error")


async def test_hostile_text_is_inert() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(160, 10)) as pilot:
        bar.verdict = Verdict(False, HopName.IIS, HOSTILE, HOSTILE, HOSTILE, HOSTILE)
        bar.show_error(HOSTILE)
        await pilot.pause()
        text = screen_text(app, bar)
        assert "[@click=app.quit]x[/]" in text
        assert "\\x1b]52;c;" in text and "\\x1b[2J" in text and "<U+202E>" in text
        assert "\x1b" not in text
        assert await click_every(pilot, app) >= 4
        assert app.is_running
