"""One truth on every screen: new, cancelled, failed and switched traces never leave a pane showing another trace."""

from __future__ import annotations

from pathlib import Path

from console_driver import finished, pane_text, ready, send_and_wait, until

from console.app.main import make_app
from console.app.screen import ConsoleScreen
from console.model.enums import VerdictKind
from widgets import TraceFeed

SIZE = (160, 48)


async def test_a_new_trace_resets_every_pane_to_pending_at_once() -> None:
    app = make_app(scenario="integration-timeout")  # slow: the panes can be read while it runs
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await send_and_wait(pilot, app)
        await until(pilot, lambda: "broken" in pane_text(app, "verdict"), timeout=60)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "tracing" in pane_text(app, "verdict")
        assert "broken at" not in pane_text(app, "verdict")
        assert pane_text(app, "hops").count("pending") + pane_text(app, "hops").count("✓ ok") == 5
        assert "pending" in pane_text(app, "authorizer") and "pending" in pane_text(app, "iis")
        assert screen.book.kind is VerdictKind.PENDING


async def test_esc_mid_trace_shows_cancelled_on_every_hop_the_feed_and_the_verdict() -> None:
    app = make_app(scenario="integration-timeout")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.book.current_id is not None)
        await pilot.press("escape")
        await pilot.pause()
        hops = pane_text(app, "hops")
        assert hops.count("– cancelled") == 5 and "pending" not in hops
        verdict = pane_text(app, "verdict")
        assert "cancelled" in verdict and "No verdict yet" not in verdict and "broken at" not in verdict
        await until(pilot, lambda: "cancelled" in pane_text(app, "feed"))
        assert "…" not in pane_text(app, "feed").split("baton", 1)[1][:20]
        assert "cancelled" in pane_text(app, "authorizer") and "cancelled" in pane_text(app, "iis")


async def test_an_error_is_shown_alone(tmp_path: Path) -> None:
    from loopback_port import free_port

    profile = tmp_path / "down.toml"
    profile.write_text(f'environment = "dev"\n[gateway]\nurl = "http://127.0.0.1:{free_port()}"\n')
    app = make_app(str(profile))
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        verdict = pane_text(app, "verdict")
        assert "could not run" in verdict and "connection refused" in verdict
        assert "No verdict yet" not in verdict and "send a request" not in verdict
        assert finished(screen) == 1


async def test_switching_profile_with_ctrl_o_keeps_the_console_running() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press(*"http-jwt", "enter")
        await until(pilot, lambda: app.screen is screen and screen.session.profile.name == "http-jwt")
        assert app.is_running
        assert "http-jwt" in pane_text(app, "request") and "PRODUCTION" in pane_text(app, "request")
        assert "No verdict yet" in pane_text(app, "verdict")  # nothing of the sandbox trace is shown as current
        assert "baton" in pane_text(app, "feed")  # but it stays listed


async def test_switching_profile_from_the_palette() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await app.run_action("screen.switch_profile")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press(*"rest-lambda", "enter")
        await until(pilot, lambda: screen.session.profile.name == "rest-lambda")
        assert app.is_running and isinstance(app.screen, ConsoleScreen)


async def test_switching_scenario_from_the_palette_traces_the_new_breakage() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await app.run_action("screen.switch_scenario")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press(*"expired", "enter")
        await until(pilot, lambda: "token.expired" in pane_text(app, "verdict"), timeout=30)
        assert "expired-token" in pane_text(app, "request")


async def test_f5_after_a_profile_switch_sends_on_the_new_profile(tmp_path: Path) -> None:
    second = tmp_path / "second.toml"
    second.write_text(
        'name = "second-sandbox"\ndescription = "d"\nenvironment = "sandbox"\n[sandbox]\nscenario = "expired-token"\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        assert "identity reached IIS intact" in pane_text(app, "verdict")
        app.switch_profile(str(second))
        await until(pilot, lambda: screen.session.profile.name == "second-sandbox" and screen.ready, timeout=30)
        await pilot.press("f5")
        await until(pilot, lambda: finished(screen) >= 2, timeout=30)
        trace = screen.book.trace()
        assert trace is not None and trace.profile == "second-sandbox"
        assert "token.expired" in pane_text(app, "verdict") and "intact" not in pane_text(app, "verdict")
        view = screen.book.verdict_view()
        assert view is not None and view.profile == "second-sandbox"


async def test_switching_scenario_while_a_trace_runs_ends_it_cancelled() -> None:
    app = make_app(scenario="integration-timeout")  # slow: still running when the scenario changes
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.book.current_id is not None)
        running = screen.book.current_id
        screen.switch_scenario("expired-token")
        await until(pilot, lambda: "token.expired" in pane_text(app, "verdict"), timeout=60)
        assert screen.book.current_id != running
        assert screen.book.entries[running].kind is VerdictKind.CANCELLED  # never left running, never a result
        assert screen.book.trace(running) is None
        feed = screen.query_one(TraceFeed)
        await until(pilot, lambda: feed.settled and "cancelled" in pane_text(app, "feed"))
        assert "tracing" not in pane_text(app, "feed")
