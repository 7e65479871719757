"""Small and tall terminals: the Logs view's verdict counts and messages are read whole; the IIS log line shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from console_driver import pane_text, send_and_wait, until
from fixed_traces import CORRELATION
from test_logs_view import ACCESS, HEADER, LINES, log_app, open_logs, search, w3c
from textual.widget import Widget

from console.app.app import BatonApp
from console.engine.logs.view_model import QueryError, parse_query

SMALL = [(80, 24), (100, 30)]
"""The minimum size and the first non-compact one (ConsoleScreen.COMPACT_BELOW)."""


def ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def seen_rows(app: BatonApp, widget: Widget) -> list[str]:
    """Each row ``widget`` shows on screen now, borders and the scrollbar's blocks blanked, spaces folded."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    rows = [strip.text[region.x : region.right] for strip in strips[region.y : region.bottom]]
    return [" ".join(row.translate({ord(c): " " for c in "│╭╮╰╯─▁▂▃▄▅▆▇█"}).split()) for row in rows]


def seen(app: BatonApp, widget: Widget) -> str:
    """What ``widget`` shows on screen now, its wrapped rows read as one text."""
    return " ".join(row for row in seen_rows(app, widget) if row)


def whole(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("size", SMALL, ids=ids)
async def test_a_search_error_is_read_whole(tmp_path: Path, size: tuple[int, int]) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("foo:bar")
    message = str(raised.value)
    app, _ = log_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        box = screen.query_one("#logs-query")
        box.value = "foo:bar"  # type: ignore[attr-defined]
        box.focus()
        await pilot.press("enter")
        await until(pilot, lambda: "unknown field" in seen(app, screen._status))
        await pilot.pause()
        assert whole(message) in seen(app, screen._status), seen(app, screen._status)
        assert app.screen.region.contains_region(screen._table.region)  # the lines still have their place


async def test_the_older_lines_count_is_read_whole_at_80x24(tmp_path: Path) -> None:
    many = "".join(w3c("00:00:01", f"/prod/n{n}", "alice", "200", f"cid-{n}") for n in range(10_050))
    app, _ = log_app(tmp_path, HEADER + many)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: "lines read" in screen._status.said, timeout=30)
        await pilot.pause()
        said = screen._status.said
        assert "50 older not shown (the newest 10000 kept)" in said
        assert whole(said) == seen(app, screen._status)
        await search(pilot, screen, "path:/prod/n7777", 1)  # a short status again: one row, the lines get it back
        assert not screen.model.dropped
        await pilot.pause()
        assert screen._status.region.height == 1


COUNTS = (
    r"intact 1",
    r"lost 0",
    r"altered 0",
    r"refused (at )?IIS 1",
    r"missing (at )?IIS 1",
    r"refused (at )?(gateway|gw) 0",
    r"probe 1",
    r"bypassed 1",
)
"""Every verdict and its count, as the join pane may word it when it is narrow (its help spells each one out)."""


@pytest.mark.parametrize("size", [*SMALL, (200, 50)], ids=ids)
async def test_the_join_counts_are_in_sight_without_scrolling(tmp_path: Path, size: tuple[int, int]) -> None:
    probe = w3c("00:00:04", "/prod/whoami", "-", "200", f"{CORRELATION}.spoof-check")
    app, _ = log_app(tmp_path, HEADER + LINES + probe, access=ACCESS)
    async with app.run_test(size=size) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: screen.model.join_counts is not None)
        assert screen.model.join_counts == {
            "intact": 1,
            "refused_at_iis": 1,
            "missing_at_iis": 1,
            "bypassed": 1,
            "baton_probe": 1,
        }
        await pilot.pause()
        rows = seen_rows(app, screen._join)
        missing = [count for count in COUNTS if not any(re.search(count, row) for row in rows)]  # never split
        assert missing == [], rows
        text = seen(app, screen._join)
        assert "⚠ security" in text  # the finding's headline, in sight too


async def test_the_iis_pane_shows_the_decoded_log_line_at_200x50() -> None:
    from console.app.main import make_app
    from widgets import IisPanel

    app = make_app(None, "gateway-bypass")
    async with app.run_test(size=(200, 50)) as pilot:
        await send_and_wait(pilot, app)
        iis = app.screen.query_one(IisPanel)
        await until(pilot, lambda: "certain" in str(iis._body.render()))
        await pilot.pause()
        text = pane_text(app, "iis")
        # What IIS answered and as whom, from its own log, come first; time, method, path and the rest scroll.
        for row in ("IIS log line", "certain", "status 200.0.0", "user -"):
            assert row in text, (row, text)
