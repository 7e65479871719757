"""HopTrace: pending rows, finished traces, live observations, keyboard and mouse selection, inert text."""

from __future__ import annotations

from factories import HOSTILE, expired_trace, healthy_trace, observation, unknown_hop_trace
from widget_harness import Harness, click_every, flat, messages_of, screen_text

from console.model.trace import HopName, HopObservation, HopStatus, Identity
from widgets import HopTrace


def selections(app: Harness) -> list[HopName]:
    return [m.hop for m in messages_of(app.seen, HopTrace.HopSelected)]  # type: ignore[attr-defined]


def row(app: Harness, trace: HopTrace, hop: HopName) -> str:
    lines = screen_text(app, trace).splitlines()
    return next(line for line in lines if f" {hop} " in line)


async def test_hops_start_pending_in_order() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)):
        text = screen_text(app, trace)
        assert "Hop trace" in text
        names = [line.split()[3] for line in text.splitlines()[1:6]]
        assert names == ["client", "gateway", "authorizer", "integration", "iis"]
        assert text.count("· pending") == 5


async def test_healthy_trace_rows_show_word_latency_and_identity() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        trace.trace = healthy_trace()
        await pilot.pause()
        assert flat(row(app, trace, HopName.AUTHORIZER)) == "✓ ok authorizer 12 ms sub=alice via authorizer context"
        assert "sub=alice via X-User-Sub header" in row(app, trace, HopName.INTEGRATION)
        assert "user=CORP\\alice via IIS user" in row(app, trace, HopName.IIS)
        assert trace.has_class("-done") and not trace.has_class("-broken")
        assert "t-healthy" in screen_text(app, trace)


async def test_broken_and_unknown_hops_say_so_in_words() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        trace.trace = expired_trace()
        await pilot.pause()
        assert "✗ broken" in row(app, trace, HopName.AUTHORIZER)
        assert "anonymous" in row(app, trace, HopName.AUTHORIZER)
        assert "– not reached" in row(app, trace, HopName.IIS)
        assert "unknown" in row(app, trace, HopName.GATEWAY)  # no identity observed there
        assert trace.has_class("-broken")
        trace.trace = unknown_hop_trace()
        await pilot.pause()
        assert "? unknown" in row(app, trace, HopName.AUTHORIZER)


async def test_live_observations_update_one_hop_at_a_time() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        trace.trace = healthy_trace()
        trace.reset("t-live")
        await pilot.pause()
        assert screen_text(app, trace).count("· pending") == 5
        assert trace.has_class("-live") and "t-live" in screen_text(app, trace)
        trace.observe(observation(HopName.CLIENT, HopStatus.OK))
        await pilot.pause()
        assert "✓ ok" in row(app, trace, HopName.CLIENT)
        assert "· pending" in row(app, trace, HopName.GATEWAY)
        # Two probes at one hop: a known status beats unknown, and broken beats ok.
        trace.observe(observation(HopName.AUTHORIZER, HopStatus.UNKNOWN, sub=None, ms=None))
        trace.observe(observation(HopName.AUTHORIZER, HopStatus.OK, ms=9.0))
        await pilot.pause()
        assert flat(row(app, trace, HopName.AUTHORIZER)).startswith("✓ ok authorizer 9 ms sub=alice")
        trace.observe(observation(HopName.AUTHORIZER, HopStatus.BROKEN, sub=None, ms=None))
        await pilot.pause()
        assert "✗ broken" in row(app, trace, HopName.AUTHORIZER)
        merged = trace.hop(HopName.AUTHORIZER)
        assert merged is not None and merged.status is HopStatus.BROKEN and len(merged.observations) == 3
        trace.trace = expired_trace()
        await pilot.pause()
        assert not trace.has_class("-live") and "– not reached" in row(app, trace, HopName.IIS)


async def test_keyboard_selection_posts_hop_selected() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12), message_hook=app.seen.append) as pilot:
        trace.trace = healthy_trace()
        await pilot.click("#hop-list")
        app.seen.clear()
        await pilot.press("down", "j", "j", "k", "enter")
        await pilot.pause()
        assert selections(app) == [HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION,
                                   HopName.AUTHORIZER, HopName.AUTHORIZER]
        assert trace.selected is HopName.AUTHORIZER
        message = messages_of(app.seen, HopTrace.HopSelected)[0]
        assert message.control is trace  # type: ignore[attr-defined]


async def test_click_and_select_choose_a_hop_and_reset_keeps_it() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12), message_hook=app.seen.append) as pilot:
        trace.trace = expired_trace()
        await pilot.pause()
        await pilot.click("#hop-list", offset=(5, 4))  # the iis row
        await pilot.pause()
        assert selections(app)[-1] is HopName.IIS
        trace.select(HopName.AUTHORIZER)
        await pilot.pause()
        assert selections(app)[-1] is HopName.AUTHORIZER
        trace.reset("t-next")
        await pilot.pause()
        assert trace.selected is HopName.AUTHORIZER


async def test_error_keeps_the_rows() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 14)) as pilot:
        trace.trace = healthy_trace()
        trace.show_error("probe aws failed: AccessDenied")
        await pilot.pause()
        text = screen_text(app, trace)
        assert "✗ error: probe aws failed: AccessDenied" in text
        assert "sub=alice via authorizer context" in text


async def test_hostile_identity_is_shown_literally_and_never_acts() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(200, 12)) as pilot:
        trace.reset("t-evil")
        trace.observe(HopObservation(HopName.CLIENT, "token", HopStatus.OK, Identity(HOSTILE, (), HOSTILE)))
        trace.show_error(HOSTILE)
        await pilot.pause()
        text = screen_text(app, trace)
        assert "sub=[@click=app.quit]x[/] \\x1b]52;c;ZXZpbA==\\x1b\\ \\x1b[2J <U+202E>evil via [@click" in text
        assert "\x1b" not in text
        assert await click_every(pilot, app) == 3
        assert app.is_running
