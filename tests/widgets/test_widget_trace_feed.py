"""TraceFeed: newest first, updates in place, reselection, a 200-item burst in one batch, inert text."""

from __future__ import annotations

from factories import HOSTILE, expired_trace, feed_item, healthy_trace
from textual.pilot import Pilot
from widget_harness import Harness, click_every, flat, messages_of, screen_text

from console.model.enums import FeedOrigin
from widgets import TraceFeed
from widgets.feed_list import FeedList


def chosen(app: Harness) -> list[str]:
    return [m.key for m in messages_of(app.seen, TraceFeed.ItemSelected)]  # type: ignore[attr-defined]


def body_rows(app: Harness, feed: TraceFeed) -> list[str]:
    """The table rows on screen, without the border, title and header."""
    return [flat(r) for r in screen_text(app, feed).splitlines()[2:-1]]


async def drawn(pilot: Pilot[None], feed: TraceFeed) -> None:
    """Wait until every added item is drawn (the feed batches its updates), then one more refresh."""
    for _ in range(200):
        if feed.settled:
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def test_items_are_listed_newest_first_with_origin_status_and_verdict() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        feed.add(feed_item(1, verdict=healthy_trace().verdict))
        feed.add(feed_item(3, origin="external", status=401))
        feed.add(feed_item(2, status=None))
        await drawn(pilot, feed)
        rows = body_rows(app, feed)
        assert rows[0] == "08:53:23 ext GET 401 /orders/3"
        assert rows[1] == "08:53:22 baton GET … … tracing /orders/2"
        assert rows[2] == "08:53:21 baton GET 200 ✓ ok /orders/1"
        assert "3 requests" in screen_text(app, feed)
        assert "time from method status verdict path" in flat(screen_text(app, feed))


async def test_update_changes_the_row_in_place() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        feed.add(feed_item(1, status=None))
        await drawn(pilot, feed)
        assert "1 request ─" in screen_text(app, feed)
        feed.add(feed_item(2))
        await drawn(pilot, feed)
        feed.update(feed_item(1, status=401, verdict=expired_trace().verdict))
        await drawn(pilot, feed)
        rows = body_rows(app, feed)
        assert rows[1] == "08:53:21 baton GET 401 ✗ authorizer /orders/1"
        assert rows[0].startswith("08:53:22 baton GET 200")


async def test_enter_and_click_reselect_an_item() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12), message_hook=app.seen.append) as pilot:
        for n in range(5):
            feed.add(feed_item(n))
        await drawn(pilot, feed)
        await pilot.click("#feed-table", offset=(3, 1))  # the newest row, already highlighted: chosen
        await pilot.click("#feed-table", offset=(3, 3))  # another row: highlighted only
        await pilot.press("k", "j", "enter")
        await drawn(pilot, feed)
        assert chosen(app) == ["k4", "k2"]
        assert feed.highlighted == "k2"
        assert messages_of(app.seen, TraceFeed.ItemSelected)[0].control is feed  # type: ignore[attr-defined]


async def test_new_items_keep_the_cursor_on_the_same_request() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        for n in range(3):
            feed.add(feed_item(n))
        await drawn(pilot, feed)
        feed.select("k1")
        feed.add(feed_item(10))
        feed.add(feed_item(11))
        await drawn(pilot, feed)
        assert feed.highlighted == "k1"


async def test_a_burst_of_200_is_drawn_in_one_batch_and_keys_still_work() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = feed.query_one(FeedList)
        updates = 0
        original = rows.set_rows

        def counting_update(*args: object, **kwargs: object) -> None:
            nonlocal updates
            updates += 1
            original(*args, **kwargs)  # type: ignore[arg-type]

        rows.set_rows = counting_update  # type: ignore[method-assign]
        for n in range(200):
            feed.add(feed_item(n, origin="external" if n % 2 else "baton"))
        await drawn(pilot, feed)
        assert updates == 1
        assert rows.row_count == 200
        assert body_rows(app, feed)[0] == "08:56:39 ext GET 200 /orders/199"
        await pilot.click("#feed-table", offset=(3, 1))
        await pilot.press("down", "down")
        await drawn(pilot, feed)
        assert feed.highlighted == "k197"


async def test_the_feed_is_capped() -> None:
    feed = TraceFeed(max_items=50)
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        for n in range(80):
            feed.add(feed_item(n))
        await drawn(pilot, feed)
        assert len(feed.items) == 50 and "k29" not in feed.items and "k30" in feed.items
        assert feed.query_one(FeedList).row_count == 50


async def test_error_keeps_the_list() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        feed.add(feed_item(1))
        feed.show_error("sandbox request log unavailable")
        await drawn(pilot, feed)
        text = screen_text(app, feed)
        assert "✗ error: sandbox request log unavailable" in text and "/orders/1" in text
        feed.clear()
        await drawn(pilot, feed)
        assert "/orders/1" not in screen_text(app, feed)


async def test_hostile_paths_are_inert() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(200, 12)) as pilot:
        feed.add(feed_item(1, origin="external", path="/" + HOSTILE))
        feed.add(
            feed_item(2, origin="external").__class__(
                key="sandbox:2", method=HOSTILE, path="/x", status=200, received_at=2.0, origin=FeedOrigin.EXTERNAL
            )
        )
        await drawn(pilot, feed)
        text = screen_text(app, feed)
        assert "\x1b" not in text and "\\x1b[2J" in text
        assert text.count("[@click=app.quit]x[/]") == 1  # in full in the path; the method column cuts it short
        assert text.count("[@cli") == 2 and "[@clic…" in text
        assert await click_every(pilot, app, "[@cli") == 2
        assert app.is_running


async def test_a_narrow_feed_leaves_out_method_and_from_before_it_cuts_the_verdict() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(40, 8)) as pilot:  # the left column of a 100x30 terminal
        feed.add(feed_item(1, status=401, verdict=expired_trace().verdict))
        await drawn(pilot, feed)
        text = flat(screen_text(app, feed))
        assert "time status verdict path" in text and "method" not in text
        assert "08:53:21 401 ✗ authorizer /orde…" in text  # the verdict whole; the path, last, is what gives way


async def test_a_medium_feed_keeps_who_sent_each_request() -> None:
    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(48, 8)) as pilot:  # the left column of a 120-column terminal
        feed.add(feed_item(1, origin="external", status=401))
        await drawn(pilot, feed)
        text = flat(screen_text(app, feed))
        assert "time from status verdict path" in text and "08:53:21 ext 401" in text


async def test_cancelled_and_failed_traces_say_so_in_their_row() -> None:
    from console.model.enums import VerdictKind

    feed = TraceFeed()
    app = Harness(feed)
    async with app.run_test(size=(100, 12)) as pilot:
        feed.add(feed_item(1, status=None, kind=VerdictKind.CANCELLED))
        feed.add(feed_item(2, status=None, kind=VerdictKind.ERROR))
        await drawn(pilot, feed)
        rows = body_rows(app, feed)
        assert rows[0] == "08:53:22 baton GET – ✗ error /orders/2"
        assert rows[1] == "08:53:21 baton GET – – cancelled /orders/1"
