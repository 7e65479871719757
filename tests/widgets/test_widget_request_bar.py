"""RequestBar: environment badge in words, scenario picker in sandbox mode only, send and scenario messages."""

from __future__ import annotations

from factories import HOSTILE
from widget_harness import Harness, click_every, messages_of, screen_text

from console.model.profile import Environment, Profile, SandboxSettings
from widgets import RequestBar

SCENARIOS = ("healthy", "token-expired", "iis-windows-auth")


def profile(env: Environment, name: str = "orders", sandbox: bool = False) -> Profile:
    return Profile(name=name, description="", environment=env, sandbox=SandboxSettings() if sandbox else None)


def sent(app: Harness) -> list[tuple[str, str]]:
    return [(m.method, m.path) for m in messages_of(app.seen, RequestBar.SendRequested)]  # type: ignore[attr-defined]


async def test_production_is_unmistakable() -> None:
    bar = RequestBar()
    app = Harness(bar)
    async with app.run_test(size=(100, 5)) as pilot:
        bar.profile = profile(Environment.PRODUCTION, "orders-prod")
        await pilot.pause()
        text = screen_text(app, bar)
        assert "⚠ PRODUCTION" in text and "orders-prod" in text
        assert bar.has_class("-production", "-env-production")
        assert bar.query_one(".request--badge").styles.background.rgb == (255, 0, 0)
        bar.profile = profile(Environment.STAGING)
        await pilot.pause()
        assert "STAGING" in screen_text(app, bar) and "PRODUCTION" not in screen_text(app, bar)
        assert not bar.has_class("-production") and bar.has_class("-env-staging")


async def test_scenario_picker_only_in_sandbox_mode() -> None:
    bar = RequestBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 5)) as pilot:
        bar.profile = profile(Environment.DEV)
        bar.scenarios = SCENARIOS
        bar.scenario = "healthy"
        await pilot.pause()
        assert not bar.query_one("#scenario").display
        assert "healthy" not in screen_text(app, bar)
        bar.profile = profile(Environment.SANDBOX, "sandbox", sandbox=True)
        await pilot.pause()
        assert bar.query_one("#scenario").display
        assert "SANDBOX" in screen_text(app, bar) and "healthy" in screen_text(app, bar)


async def test_enter_in_path_and_send_button_post_send_requested() -> None:
    bar = RequestBar(path="/orders")
    app = Harness(bar)
    async with app.run_test(size=(100, 5), message_hook=app.seen.append) as pilot:
        await pilot.click("#path")
        await pilot.press("end", "/", "4", "2", "enter")
        await pilot.click("#send")
        await pilot.pause()
        assert sent(app) == [("GET", "/orders/42"), ("GET", "/orders/42")]
        assert messages_of(app.seen, RequestBar.SendRequested)[0].control is bar  # type: ignore[attr-defined]
        bar.set_request("DELETE", "/orders/7")
        bar.send()
        await pilot.pause()
        assert sent(app)[-1] == ("DELETE", "/orders/7")


async def test_method_picked_with_the_keyboard() -> None:
    bar = RequestBar(path="/orders")
    app = Harness(bar)
    async with app.run_test(size=(100, 20), message_hook=app.seen.append) as pilot:
        bar.query_one("#method").focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert bar.method == "POST"
        await pilot.click("#send")
        await pilot.pause()
        assert sent(app) == [("POST", "/orders")]


async def test_user_scenario_change_posts_and_app_change_does_not() -> None:
    bar = RequestBar()
    app = Harness(bar)
    async with app.run_test(size=(120, 20), message_hook=app.seen.append) as pilot:
        bar.profile = profile(Environment.SANDBOX, "sandbox", sandbox=True)
        bar.scenarios = SCENARIOS
        bar.scenario = "healthy"
        await pilot.pause()
        assert messages_of(app.seen, RequestBar.ScenarioChanged) == []
        bar.query_one("#scenario").focus()
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        changes = [m.name for m in messages_of(app.seen, RequestBar.ScenarioChanged)]  # type: ignore[attr-defined]
        assert changes == ["iis-windows-auth"]
        assert bar.scenario == "iis-windows-auth"
        assert "iis-windows-auth" in screen_text(app, bar)


async def test_error_keeps_the_bar() -> None:
    bar = RequestBar(path="/orders")
    app = Harness(bar)
    async with app.run_test(size=(100, 6)) as pilot:
        bar.profile = profile(Environment.DEV, "orders-dev")
        bar.show_error("sandbox failed to start: port 8080 in use")
        await pilot.pause()
        text = screen_text(app, bar)
        assert "✗ error: sandbox failed to start: port 8080 in use" in text
        assert "orders-dev" in text and "/orders" in text


async def test_hostile_profile_and_scenario_names_are_inert() -> None:
    bar = RequestBar()
    app = Harness(bar)
    async with app.run_test(size=(200, 20)) as pilot:
        bar.profile = profile(Environment.SANDBOX, HOSTILE, sandbox=True)
        bar.scenarios = (HOSTILE,)
        bar.scenario = HOSTILE
        await pilot.pause()
        text = screen_text(app, bar)
        assert "\x1b" not in text and "[@click=app.quit]x[/]" in text
        assert await click_every(pilot, app) >= 1
        assert app.is_running


async def test_the_scenario_list_says_what_each_scenario_breaks() -> None:
    bar = RequestBar(profile(Environment.SANDBOX, "sandbox", sandbox=True))
    app = Harness(bar)
    async with app.run_test(size=(120, 20)) as pilot:
        bar.describe_scenarios({"healthy": "the identity reaches IIS", "iis-windows-auth": "401.2 Negotiate/NTLM"})
        bar.scenarios = SCENARIOS
        bar.scenario = "healthy"
        bar.query_one("#scenario").focus()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "● healthy — the identity reaches IIS" in text and "iis-windows-auth — 401.2 Negotiate/NTLM" in text
        assert "token-expired" in text  # no note: the name alone


async def test_the_scenario_shows_before_the_list_to_pick_from_arrives() -> None:
    bar = RequestBar(profile(Environment.SANDBOX, "sandbox", sandbox=True), scenario="iis-windows-auth")
    app = Harness(bar)
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        assert "iis-windows-auth" in screen_text(app, bar) and bar.scenario == "iis-windows-auth"
        bar.query_one("#scenario").focus()
        await pilot.press("enter")  # no list yet: nothing opens, nothing changes
        assert bar.scenario == "iis-windows-auth" and app.screen is app.screen_stack[0]
        bar.scenarios = SCENARIOS
        await pilot.pause()
        assert "iis-windows-auth" in screen_text(app, bar)


async def test_an_assumed_production_environment_says_so() -> None:
    """A profile without ``environment`` is treated as production, and the bar says it was not set."""
    from dataclasses import replace

    bar = RequestBar()
    app = Harness(bar)
    async with app.run_test(size=(100, 5)) as pilot:
        bar.profile = replace(profile(Environment.PRODUCTION, "legacy"), environment_assumed=True)
        await pilot.pause()
        text = screen_text(app, bar)
        assert "⚠ PRODUCTION (environment not set)" in text and "legacy" in text
        assert bar.has_class("-production")
        bar.profile = profile(Environment.PRODUCTION, "orders-prod")
        await pilot.pause()
        assert "⚠ PRODUCTION" in screen_text(app, bar) and "not set" not in screen_text(app, bar)
