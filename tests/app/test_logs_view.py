"""The Logs view on the real console: search, tail, join, a line's trace, hostile text, small terminals, profiles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from console_driver import until
from fixed_traces import CORRELATION, NOW, FixedSession
from textual.pilot import Pilot
from textual.widgets import Input

from console.app.app import BatonApp
from console.app.logs_screen import LogsScreen
from console.app.main import make_app
from console.app.screen import ConsoleScreen
from console.engine.target import Target
from console.model.profile import Profile
from console.session import Session

FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id"
)
HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
    f"#Date: 2026-01-01 00:00:00\r\n#Fields: {FIELDS}\r\n"
)
OSC = "\x1b]0;pwned\x07"
MARKUP = "[bold]x[/]"


def w3c(time: str, path: str, user: str, status: str, cid: str, agent: str = "curl/8.0") -> str:
    sc, sub, win32 = [*status.split("."), "0", "0"][:3]
    return f"2026-01-01 {time} 10.0.0.5 GET {path} - 443 {user} 10.0.0.9 {agent} - {sc} {sub} {win32} 7 {cid}\r\n"


LINES = (
    w3c("00:00:01", "/prod/whoami", "alice", "200", CORRELATION)
    + w3c("00:00:02", "/prod/orders", "-", "401.2.5", "cid-denied")
    + w3c("00:00:03", "/prod/admin", MARKUP, "403", "cid-hostile", agent=OSC)
    + "this line is no record\r\n"
)


class LogSession(FixedSession):
    """The fixed sandbox session, its IIS log (and access log) being files the test writes."""

    log_path: str | None = None
    access_log: str | None = None

    def start(self) -> Target:
        if self.target is None:
            self.target = replace(super().start(), log_path=self.log_path, access_log=self.access_log)
        return self.target


def gateway(cid: str, caller: str, status: int, path: str) -> str:
    """One API Gateway access-log line (JSON of $context variables)."""
    import json

    return (
        json.dumps(
            {
                "requestId": f"req-{cid}",
                "correlationId": cid,
                "principalId": caller,
                "status": status,
                "httpMethod": "GET",
                "path": path,
                "requestTime": "01/Jan/2026:00:00:01 +0000",
            }
        )
        + "\n"
    )


ACCESS = (
    gateway(CORRELATION, "alice", 200, "/prod/whoami")
    + gateway("cid-denied", "bob", 401, "/prod/orders")
    + gateway("cid-lost-in-transit", "carol", 502, "/prod/slow")
)
"""alice reached IIS as alice (intact); bob was refused by IIS (401.2); carol's request has no IIS line (missing);
the hostile line at IIS has no gateway record (bypassed)."""


def log_app(tmp_path: Path, text: str | None = HEADER + LINES, access: str | None = None) -> tuple[BatonApp, Path]:
    log = tmp_path / "u_ex260101_x.log"
    if text is not None:
        log.write_bytes(text.encode())
    gateway = tmp_path / "access.log"
    if access is not None:
        gateway.write_text(access)

    def factory(profile: Profile, scenario: str | None) -> Session:
        session = LogSession(profile, scenario)
        session.log_path = str(log) if text is not None else None
        session.access_log = str(gateway) if access is not None else None
        return session

    return make_app(None, "healthy", session_factory=factory, clock=lambda: NOW), log


def screen_text(app: BatonApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_logs(pilot: Pilot[int], app: BatonApp) -> LogsScreen:
    await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
    await pilot.press("ctrl+l")
    await until(pilot, lambda: isinstance(app.screen, LogsScreen))
    screen = app.screen
    assert isinstance(screen, LogsScreen)
    await until(pilot, lambda: bool(screen.query("HeaderTitle")))  # a real user's Esc comes after the first paint
    await pilot.pause()
    return screen


async def search(pilot: Pilot[int], screen: LogsScreen, text: str, rows: int) -> None:
    box = screen.query_one("#logs-query", Input)
    box.value = text
    box.focus()
    await pilot.press("enter")
    done = ("lines read", "id search")
    await until(
        pilot, lambda: any(d in str(screen._status.render()) for d in done) and len(screen.model.entries) == rows
    )
    await pilot.pause()


async def test_opens_by_key_and_palette_and_esc_returns(tmp_path: Path) -> None:
    from console.app.palette import BatonCommands

    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_logs(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        hits = [hit async for hit in BatonCommands(app.screen).search("Logs view")]
        assert hits, "the palette offers the Logs view"
        await hits[0].command()
        await until(pilot, lambda: isinstance(app.screen, LogsScreen) and bool(app.screen.query("HeaderTitle")))
        await pilot.pause()


async def test_search_finds_decoded_lines_and_counts_quarantined(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)  # every line of an empty search
        assert screen.model.quarantined == 1
        await search(pilot, screen, "status:401.2", 1)
        text = screen_text(app)
        assert "401.2.5" in text and "cid-denied" in text and "alice" not in text
        assert "1 line" in text and "quarantined" in text
        await until(pilot, lambda: "Fields" in str(screen._detail._body.render()))
        detail = screen_text(app)
        assert "sc-substatus" in detail and "/prod/orders" in detail
        assert "401.2" in detail and "status" in detail  # the status in words from the catalogue


async def test_tail_shows_a_line_appended_after_opening(tmp_path: Path) -> None:
    app, log = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.press("t")
        await until(pilot, lambda: "tail on" in screen_text(app))
        await pilot.pause(0.5)  # the tail starts at the end of what is there
        with log.open("ab") as handle:
            handle.write(w3c("00:00:30", "/prod/appended", "dave", "200", "cid-appended").encode())
        await until(pilot, lambda: "cid-appended" in screen_text(app))
        assert len(screen.model.entries) == 5
        await pilot.press("t")
        assert not screen.model.tailing and "tail off" in screen_text(app)


async def test_join_summary_counts_each_verdict_and_flags_the_bypass(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path, access=ACCESS)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: screen.model.join_counts is not None)
        assert screen.model.join_counts == {"intact": 1, "refused_at_iis": 1, "missing_at_iis": 1, "bypassed": 1}
        await pilot.pause()
        text = screen_text(app)
        assert "intact 1" in text and "lost 0" in text and "refused at IIS 1" in text and "missing at IIS 1" in text
        assert "⚠ bypassed 1" in text and "security finding" in text and "cid-hostile" in text


async def test_hostile_log_text_is_inert(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_logs(pilot, app)
        await search(pilot, screen, "cid-hostile", 1)
        text = screen_text(app)
        assert MARKUP in text  # shown literally, not as bold x
        assert "\\x1b]0;pwned\\x07" in text  # the escape shown as text in the detail's user agent
        assert "\x1b" not in text and "\x07" not in text
        assert app.title != "pwned"


async def test_enter_on_a_line_opens_the_trace_with_its_correlation_id(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: console.book.trace() is not None)
        traced = console.book.current_id
        console.book.forget_current()  # the trace is no longer shown: the Logs view must bring it back
        screen = await open_logs(pilot, app)
        await search(pilot, screen, CORRELATION, 1)
        assert "enter: open the trace" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert console.book.current_id == traced


async def test_a_line_no_trace_carries_says_so(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_logs(pilot, app)
        await search(pilot, screen, "cid-denied", 1)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "No trace of this session carries" in screen_text(app)


async def test_leaving_and_coming_back_keeps_the_search(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_logs(pilot, app)
        await search(pilot, screen, "user:alice", 1)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        again = await open_logs(pilot, app)
        await pilot.pause()
        assert again.query_one("#logs-query", Input).value == "user:alice"
        assert again._table.row_count == 1 and "alice" in screen_text(app)


async def test_no_log_path_names_the_key_to_set(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path, text=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_logs(pilot, app)
        await until(pilot, lambda: "[iis] log_path" in screen_text(app))
        await pilot.press("t")  # tail with nothing to tail: said, not a crash
        await pilot.pause()
        assert "[iis] log_path" in screen_text(app)
        assert "[gateway] access_log" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_essentials_in_sight(tmp_path: Path, size: tuple[int, int]) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.pause()
        text = screen_text(app)
        for essential in ("status", "correlation", "4 lines", "1 quarantined", "Line detail", "Gateway ⨝ IIS"):
            assert essential in text, (essential, text)
        for key in ("esc Back", "/ Search", "t Tail", "r Re-run"):
            assert key in text, (key, text)
        for widget in (screen._table, screen._detail, screen._join, screen.query_one("#logs-query")):
            assert app.screen.region.contains_region(widget.region) and widget.region.area, widget


async def test_switching_profile_with_the_view_open(tmp_path: Path) -> None:
    other_log = tmp_path / "other" / "u_ex260102.log"
    other_log.parent.mkdir()
    other_log.write_text(HEADER + w3c("00:00:09", "/other", "bob", "200", "cid-other"))
    profile = tmp_path / "other.toml"
    profile.write_text(
        'name = "other"\nenvironment = "staging"\n[gateway]\nurl = "http://127.0.0.1:9"\n'
        f'[iis]\nlog_path = "{other_log}"\n'
    )
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.press("tab", "t")  # out of the search box, then the tail on
        assert screen.model.tailing
        app.switch_profile(str(profile))
        await until(pilot, lambda: screen.paths is not None and screen.paths.profile == "other")
        await until(pilot, lambda: len(screen.model.entries) == 1)
        assert app.screen is screen and "bob" in screen_text(app)


def test_the_row_store_is_bounded() -> None:
    from console.engine.logs.model import Quarantined
    from console.engine.logs.view_model import LogsModel, row_of

    model = LogsModel(max_rows=100)
    items = [Quarantined("f.log", n, n * 10, "no schema", "x") for n in range(250)]
    model.add((row_of(item), item) for item in items)
    assert len(model.entries) == 100 and model.dropped == 150
    kept = [item.line for _, item in model.entries.values()]
    assert kept == list(range(150, 250))  # the newest stay


def test_query_words() -> None:
    from console.engine.logs.view_model import Criteria, QueryError, parse_query

    assert parse_query("status:401.2 user:alice") == Criteria(user="alice", status=401, substatus=2)
    assert parse_query("abc-123") == Criteria(correlation_id="abc-123")
    assert parse_query("path:/orders status:500").path == "/orders"
    with pytest.raises(QueryError, match="unknown field 'colour'"):
        parse_query("colour:red")
    with pytest.raises(QueryError, match=r"401 or 401\.2"):
        parse_query("status:abc")


async def test_the_table_draws_only_visible_lines_and_holds_a_line_still_while_new_ones_arrive() -> None:
    from textual.app import App, ComposeResult

    from console.engine.logs.view_model import LogRow
    from widgets import log_table

    drawn: list[str] = []
    real = log_table.cell_texts

    def counting(row: LogRow) -> tuple[tuple[str, str], ...]:
        drawn.append(row.key)
        return real(row)

    def rows(start: int, count: int) -> list[LogRow]:
        return [LogRow(f"k{n}", "10:00:00", "200", "GET", "u", f"id{n}", "/p", "f:1") for n in range(start, count)]

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            yield log_table.LogTable(max_rows=1000, id="t")

    log_table.cell_texts = counting  # type: ignore[assignment]
    try:
        app = Harness()
        async with app.run_test(size=(100, 12)) as pilot:
            table = app.query_one(log_table.LogTable)
            table.append(rows(0, 5000))
            await pilot.pause()
            assert table.row_count == 1000  # bounded: the newest 1000 kept
            assert len(set(drawn)) <= 12, len(set(drawn))  # only what is on screen was drawn
            assert table.highlighted == "k4999"  # newest first, the cursor on it
            table.focus()
            await pilot.press("down", "down")
            assert table.highlighted == "k4997"
            table.append(rows(5000, 5003))
            await pilot.pause()
            assert table.highlighted == "k4997"  # held still while three lines arrived above
    finally:
        log_table.cell_texts = real
