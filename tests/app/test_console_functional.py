"""The real console on the real sandbox: send a request, read what each pane shows, scenario by scenario."""

from __future__ import annotations

import pytest
from console_driver import finished, pane_text, ready, screen_of, send_and_wait, until

from console.app.main import make_app
from widgets import TraceFeed

SIZE = (160, 48)


async def test_first_screen_then_healthy_trace() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "No verdict yet" in pane_text(app, "verdict")  # painted before the sandbox is up
        screen = await send_and_wait(pilot, app)
        trace = screen.book.trace()
        sub = trace.hop(trace.hops[0].name).identity.subject  # type: ignore[union-attr]
        assert "identity reached IIS intact" in pane_text(app, "verdict")
        hops = pane_text(app, "hops")
        assert hops.count("✓ ok") == 5
        assert "IIS resolved" in pane_text(app, "verdict") and sub and sub[:8] in pane_text(app, "verdict")
        assert "200" in pane_text(app, "iis") and "TrustedHeader" in pane_text(app, "iis")
        assert "ALLOW" in pane_text(app, "authorizer")
        await until(pilot, lambda: "baton" in pane_text(app, "feed"))


@pytest.mark.parametrize(
    ("scenario", "hop", "code", "panes"),
    [
        ("expired-token", "authorizer", "token.expired", {"inspector": "expired", "iis": "not reached"}),
        ("authorizer-deny", "authorizer", "authorizer.explicit_deny", {"authorizer": "DENY"}),
        ("authorizer-cache-cross-route", "authorizer", "authorizer.cached_policy_mismatch", {"authorizer": "cache"}),
        ("claims-header-unmapped", "integration", "integration.claim_header_missing", {"inspector": "X-User-Sub"}),
        ("iis-windows-auth", "iis", "iis.windows_auth_challenge", {"iis": "Negotiate"}),
        ("iis-header-too-large", "iis", "iis.request_header_too_large", {"iis": "HTTPAPI"}),
        ("spoofable-backend", "iis", "iis.spoofable_identity_header", {"iis": "admin"}),
    ],
)
async def test_broken_scenario_panes(scenario: str, hop: str, code: str, panes: dict[str, str]) -> None:
    app = make_app(scenario=scenario)
    async with app.run_test(size=SIZE) as pilot:
        await send_and_wait(pilot, app)
        verdict = pane_text(app, "verdict")
        assert f"broken at {hop}" in verdict and code in verdict
        assert "fix:" in verdict
        assert "✗ broken" in pane_text(app, "hops")
        for pane, expected in panes.items():
            assert expected in pane_text(app, pane), (pane, pane_text(app, pane))


async def test_switching_scenario_traces_the_new_breakage() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.screen is not screen)
        names = [name for name, _ in screen.session.scenario_choices()]
        for _ in range(names.index("iis-windows-auth")):
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: finished(screen) >= 2 and screen.ready, timeout=30)
        await until(pilot, lambda: "iis.windows_auth_challenge" in pane_text(app, "verdict"))
        await until(pilot, lambda: pane_text(app, "feed").count("baton") >= 2)  # the first trace stays listed


async def test_reselecting_an_earlier_trace_from_the_feed() -> None:
    app = make_app(scenario="expired-token")
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        first = screen.book.current_id
        await send_and_wait(pilot, app)
        assert screen.book.current_id != first
        feed = screen.query_one(TraceFeed)
        await until(pilot, lambda: feed.settled and len(feed.items) == 2)  # both rows drawn before moving
        screen.query_one("#feed-table").focus()
        await pilot.press("down", "enter")  # newest first: the second row is the first trace
        await until(pilot, lambda: screen.book.current_id == first)
        assert "token.expired" in pane_text(app, "verdict")


async def test_external_requests_appear_in_the_live_feed() -> None:
    import httpx

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        target = screen.session.target
        assert target is not None
        with httpx.Client() as client:  # somebody's curl, with no token at all
            client.get(f"{target.gateway_url}/prod/whoami", headers={"X-Correlation-Id": "curl-from-elsewhere"})
        await until(pilot, lambda: "ext" in pane_text(app, "feed"), timeout=20)
        screen.query_one("#feed-table").focus()
        await pilot.press("enter")
        await until(pilot, lambda: "broken at authorizer" in pane_text(app, "verdict"))


async def test_selecting_hops_changes_the_inspector() -> None:
    app = make_app(scenario="claims-header-unmapped")
    async with app.run_test(size=SIZE) as pilot:
        screen = await send_and_wait(pilot, app)
        screen.query_one("#hop-list").focus()
        await pilot.press("home")
        await pilot.pause()
        assert "at client" in pane_text(app, "inspector")
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert "at integration" in pane_text(app, "inspector")


async def test_unreachable_gateway_shows_the_error_in_place(tmp_path: object) -> None:
    from pathlib import Path

    from loopback_port import free_port

    profile = Path(str(tmp_path)) / "down.toml"
    profile.write_text(f"""name = "down"
description = "a gateway that is not there"
environment = "dev"
[gateway]
url = "http://127.0.0.1:{free_port()}"
""")
    app = make_app(str(profile))
    async with app.run_test(size=SIZE) as pilot:
        await send_and_wait(pilot, app)
        assert "connection refused" in pane_text(app, "verdict")
        assert app.is_running
        screen = screen_of(app)
        await pilot.press("ctrl+r")  # and again: nothing breaks, the error is replaced in place
        await until(pilot, lambda: finished(screen) >= 2)
        assert "connection refused" in pane_text(app, "verdict")


async def test_a_newcomer_reaches_the_windows_auth_breakage_by_typing_its_name() -> None:
    """The issue's "done when": send, switch to iis-windows-auth (from the request bar, typing to filter), read it."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await send_and_wait(pilot, app)
        assert "identity reached IIS intact" in pane_text(app, "verdict")
        await pilot.click("#scenario")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press(*"windows", "enter")
        await until(pilot, lambda: finished(screen) >= 2 and screen.ready, timeout=30)
        # The verdict pane grows to fit its text on the next layout pass: wait for the whole of it.
        await until(pilot, lambda: "iis.windows_auth_challenge" in pane_text(app, "verdict"))
        await until(pilot, lambda: "fix:" in pane_text(app, "verdict"))
        assert "iis-windows-auth" in pane_text(app, "request")
