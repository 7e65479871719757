"""FeedList: the header stays while rows scroll, the cursor stays visible and on its row, clicks and keys."""

from __future__ import annotations

from textual.content import Content
from widget_harness import Harness, flat, messages_of, screen_text

from widgets.feed_list import FeedList

COLUMNS = (("n", 4), ("name", None), ("state", 6))


def rows(count: int, start: int = 0) -> tuple[list[str], dict[str, tuple[Content, ...]]]:
    keys = [f"r{n}" for n in range(start, start + count)]
    return keys, {k: (Content(k), Content(f"row {k}"), Content("ok")) for k in keys}


def lines(app: Harness, widget: FeedList) -> list[str]:
    """The lines on screen, without the scrollbar's column."""
    return [flat(line[: widget.scrollable_content_region.width]) for line in screen_text(app, widget).splitlines()]


async def test_header_stays_and_the_cursor_is_kept_in_view() -> None:
    feed = FeedList(COLUMNS, id="list")
    app = Harness(feed)
    async with app.run_test(size=(40, 6), message_hook=app.seen.append) as pilot:
        feed.set_rows(*rows(30))
        feed.focus()
        await pilot.pause()
        assert lines(app, feed)[0] == "n name state" and lines(app, feed)[1] == "r0 row r0 ok"
        await pilot.press("pagedown", "down")
        await pilot.pause()
        shown = lines(app, feed)
        assert shown[0] == "n name state"  # still the header
        assert feed.cursor_key == "r6" and "r6 row r6 ok" in shown
        await pilot.press("end")
        await pilot.pause()
        assert lines(app, feed)[-1] == "r29 row r29 ok"
        await pilot.press("home")
        await pilot.pause()
        assert lines(app, feed)[1] == "r0 row r0 ok"
        moved = [m.key for m in messages_of(app.seen, FeedList.Highlighted)]  # type: ignore[attr-defined]
        assert moved == ["r5", "r6", "r29", "r0"]


async def test_new_rows_keep_the_cursor_on_its_row_and_changed_rows_redraw() -> None:
    feed = FeedList(COLUMNS, id="list")
    app = Harness(feed)
    async with app.run_test(size=(40, 8)) as pilot:
        keys, cells = rows(3)
        feed.set_rows(keys, cells)
        assert feed.move_to("r1") and not feed.move_to("nope")
        await pilot.pause()
        feed.set_rows(
            ["r9", *keys],
            {
                "r9": (Content("r9"), Content("new"), Content("…")),
                "r1": (Content("r1"), Content("changed"), Content("401")),
            },
        )
        await pilot.pause()
        assert feed.cursor_key == "r1"
        assert lines(app, feed)[1:5] == ["r9 new …", "r0 row r0 ok", "r1 changed 401", "r2 row r2 ok"]


async def test_a_click_moves_the_cursor_a_second_click_chooses_and_the_header_is_inert() -> None:
    feed = FeedList(COLUMNS, id="list")
    app = Harness(feed)
    async with app.run_test(size=(40, 8), message_hook=app.seen.append) as pilot:
        feed.set_rows(*rows(4))
        await pilot.pause()
        await pilot.click("#list", offset=(2, 0))  # the header
        await pilot.click("#list", offset=(2, 3))  # r2: highlighted
        await pilot.click("#list", offset=(2, 3))  # r2 again: chosen
        await pilot.click("#list", offset=(2, 6))  # below the last row
        await pilot.pause()
        assert [m.key for m in messages_of(app.seen, FeedList.Chosen)] == ["r2"]  # type: ignore[attr-defined]
        assert feed.cursor_key == "r2"


async def test_empty_list_and_narrow_width() -> None:
    feed = FeedList(COLUMNS, id="list")
    app = Harness(feed)
    async with app.run_test(size=(16, 5)) as pilot:
        await pilot.press("down", "enter")
        assert feed.cursor_key is None and feed.row_count == 0
        feed.set_rows(["a"], {"a": (Content("1"), Content("a-very-long-name"), Content("ok"))})
        await pilot.pause()
        assert "1    a-v… ok" in screen_text(app, feed)  # the flexible column gives way; the others stay whole
        feed.clear()
        await pilot.pause()
        assert feed.row_count == 0 and "a-very" not in screen_text(app, feed)


async def test_on_the_top_row_the_cursor_follows_the_newest_row() -> None:
    feed = FeedList(COLUMNS, id="list")
    app = Harness(feed)
    async with app.run_test(size=(40, 8)) as pilot:
        keys, cells = rows(3)
        feed.set_rows(keys, cells)
        assert feed.cursor_key == "r0"
        feed.set_rows(["new", *keys], {"new": (Content("n"), Content("newest"), Content("ok"))})
        await pilot.pause()
        assert feed.cursor_key == "new" and lines(app, feed)[1].startswith("n newest")
