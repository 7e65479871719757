"""VerdictBar: ok, broken, unconfirmed, errors that keep the verdict, and inert hostile text."""

from __future__ import annotations

from factories import HOSTILE, expired_trace, healthy_trace, unknown_hop_trace, verdict_view, windows_auth_trace
from widget_harness import Harness, click_every, flat, screen_text

from console.model.enums import VerdictKind
from console.model.trace import HopName, Verdict
from console.model.views import VerdictView
from widgets import VerdictBar


async def test_empty_then_ok() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(100, 10)) as pilot:
        assert "No verdict yet" in screen_text(app, bar)
        assert bar.has_class("-empty")
        bar.view = verdict_view(healthy_trace())
        await pilot.pause()
        assert "✓ identity reached IIS intact" in screen_text(app, bar)
        assert bar.has_class("-ok") and not bar.has_class("-empty")


async def test_broken_names_hop_finding_and_fix() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.view = verdict_view(expired_trace())
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "✗ broken at authorizer: token.expired — token expired 2 h ago" in text
        assert "fix: Get a fresh token" in text
        assert bar.has_class("-broken")
        bar.view = verdict_view(windows_auth_trace())
        await pilot.pause()
        assert "broken at iis: iis.windows_auth_challenge" in flat(screen_text(app, bar))


async def test_unconfirmed_shows_missing_evidence() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.view = verdict_view(unknown_hop_trace())
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "? unconfirmed" in text
        assert "missing evidence: configure [iis] echo_path" in text
        assert bar.has_class("-unconfirmed")


async def test_error_keeps_verdict() -> None:
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 10)) as pilot:
        bar.view = verdict_view(expired_trace())
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
        bar.view = VerdictView(
            VerdictKind.BROKEN,
            Verdict(False, HopName.IIS, HOSTILE, HOSTILE, HOSTILE, HOSTILE),
            profile=HOSTILE,
            trace_id="t1",
        )
        bar.show_error(HOSTILE)
        await pilot.pause()
        text = screen_text(app, bar)
        assert "[@click=app.quit]x[/]" in text
        assert "\\x1b]52;c;" in text and "\\x1b[2J" in text and "<U+202E>" in text
        assert "\x1b" not in text
        assert await click_every(pilot, app) >= 4
        assert app.is_running


async def test_pending_cancelled_and_error_each_show_one_state() -> None:
    """A running trace shows pending, a cancelled one cancelled, a failed one its error: never an old verdict."""
    bar = VerdictBar()
    app = Harness(bar)
    async with app.run_test(size=(140, 10)) as pilot:
        bar.view = verdict_view(expired_trace())
        await pilot.pause()
        bar.view = verdict_view(None)
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "tracing" in text and "broken at" not in text and bar.has_class("-pending")
        bar.view = verdict_view(None, VerdictKind.CANCELLED)
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "– cancelled" in text and "No verdict yet" not in text and bar.has_class("-cancelled")
        bar.view = verdict_view(None, VerdictKind.ERROR, "gateway: connection refused")
        await pilot.pause()
        text = flat(screen_text(app, bar))
        assert "✗ the trace could not run — gateway: connection refused" in text
        assert "No verdict yet" not in text and "send a request" not in text


def test_copied_verdict_names_profile_trace_correlation_and_time() -> None:
    from widgets.verdict_bar import verdict_report

    trace = expired_trace()
    report = verdict_report(verdict_view(trace))
    assert "broken at authorizer" in report
    assert f"trace id: {trace.trace_id}" in report
    assert f"correlation id: {trace.correlation_id}" in report
    assert f"profile: {trace.profile}" in report
    assert "UTC" in report
    hostile = verdict_report(VerdictView(VerdictKind.BROKEN, trace.verdict, profile=HOSTILE))
    assert "\x1b" not in hostile
