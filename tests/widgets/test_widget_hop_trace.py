"""HopTrace: pending rows, finished traces, live observations, keyboard and mouse selection, inert text."""

from __future__ import annotations

from factories import HOSTILE, expired_trace, healthy_trace, hops_view, unknown_hop_trace
from widget_harness import Harness, click_every, flat, messages_of, screen_text

from console.model.enums import VerdictKind
from console.model.trace import Hop, HopName, HopStatus, Identity
from console.model.views import HopsView
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
        trace.view = hops_view(healthy_trace())
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
        trace.view = hops_view(expired_trace())
        await pilot.pause()
        assert "✗ broken" in row(app, trace, HopName.AUTHORIZER)
        assert "anonymous" in row(app, trace, HopName.AUTHORIZER)
        assert "– not reached" in row(app, trace, HopName.IIS)
        assert "unknown" in row(app, trace, HopName.GATEWAY)  # no identity observed there
        assert trace.has_class("-broken")
        trace.view = hops_view(unknown_hop_trace())
        await pilot.pause()
        assert "? unknown" in row(app, trace, HopName.AUTHORIZER)


async def test_live_view_shows_each_hop_as_it_is_known() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        trace.view = hops_view(healthy_trace())
        await pilot.pause()
        trace.view = HopsView(VerdictKind.PENDING, "t-live")
        await pilot.pause()
        assert screen_text(app, trace).count("· pending") == 5  # nothing of the previous trace stays
        assert trace.has_class("-live") and "t-live" in screen_text(app, trace)
        client = Hop(HopName.CLIENT, HopStatus.OK, Identity("alice", (), "token"), elapsed_ms=5.0)
        trace.view = HopsView(VerdictKind.PENDING, "t-live", (client, None, None, None, None))
        await pilot.pause()
        assert "✓ ok" in row(app, trace, HopName.CLIENT)
        assert "· pending" in row(app, trace, HopName.GATEWAY)
        trace.view = hops_view(expired_trace())
        await pilot.pause()
        assert not trace.has_class("-live") and "– not reached" in row(app, trace, HopName.IIS)


async def test_cancelled_trace_shows_cancelled_on_every_hop() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        client = Hop(HopName.CLIENT, HopStatus.OK, Identity("alice", (), "token"), elapsed_ms=5.0)
        trace.view = HopsView(VerdictKind.CANCELLED, "t-stop", (client, None, None, None, None))
        await pilot.pause()
        text = screen_text(app, trace)
        assert text.count("– cancelled") == 5 and "pending" not in text and "✓" not in text


async def test_keyboard_selection_posts_hop_selected() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12), message_hook=app.seen.append) as pilot:
        trace.view = hops_view(healthy_trace())
        await pilot.click("#hop-list")
        app.seen.clear()
        await pilot.press("down", "j", "j", "k", "enter")
        await pilot.pause()
        assert selections(app) == [
            HopName.GATEWAY,
            HopName.AUTHORIZER,
            HopName.INTEGRATION,
            HopName.AUTHORIZER,
            HopName.AUTHORIZER,
        ]
        assert trace.selected is HopName.AUTHORIZER
        message = messages_of(app.seen, HopTrace.HopSelected)[0]
        assert message.control is trace  # type: ignore[attr-defined]


async def test_click_and_select_choose_a_hop_and_reset_keeps_it() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12), message_hook=app.seen.append) as pilot:
        trace.view = hops_view(expired_trace())
        await pilot.pause()
        await pilot.click("#hop-list", offset=(5, 4))  # the iis row
        await pilot.pause()
        assert selections(app)[-1] is HopName.IIS
        trace.select(HopName.AUTHORIZER)
        await pilot.pause()
        assert selections(app)[-1] is HopName.AUTHORIZER
        trace.view = HopsView(VerdictKind.PENDING, "t-next")
        await pilot.pause()
        assert trace.selected is HopName.AUTHORIZER


async def test_error_keeps_the_rows() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 14)) as pilot:
        trace.view = hops_view(healthy_trace())
        trace.show_error("probe aws failed: AccessDenied")
        await pilot.pause()
        text = screen_text(app, trace)
        assert "✗ error: probe aws failed: AccessDenied" in text
        assert "sub=alice via authorizer context" in text


async def test_hostile_identity_is_shown_literally_and_never_acts() -> None:
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(200, 12)) as pilot:
        hostile = Hop(HopName.CLIENT, HopStatus.OK, Identity(HOSTILE, (), HOSTILE))
        trace.view = HopsView(VerdictKind.PENDING, "t-evil", (hostile, None, None, None, None))
        trace.show_error(HOSTILE)
        await pilot.pause()
        text = screen_text(app, trace)
        assert "sub=[@click=app.quit]x[/] \\x1b]52;c;ZXZpbA==\\x1b\\ \\x1b[2J <U+202E>evil via [@click" in text
        assert "\x1b" not in text
        assert await click_every(pilot, app) == 3
        assert app.is_running


async def test_a_trace_that_could_not_run_shows_no_hop_pending() -> None:
    """A secret reference that could not be resolved ended the trace before any hop: they stayed "· pending"."""
    trace = HopTrace()
    app = Harness(trace)
    async with app.run_test(size=(100, 12)) as pilot:
        trace.view = HopsView(VerdictKind.ERROR, "t-err")
        await pilot.pause()
        text = screen_text(app, trace)
        assert "pending" not in text and "waiting" not in text
        assert text.count("– not reached") == 5
