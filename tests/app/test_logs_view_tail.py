"""The Logs view's live tail: nothing lost while away, newest lines first, a held line stays, a log not there yet."""

from __future__ import annotations

from pathlib import Path

from console_driver import until
from test_logs_view import HEADER, LINES, log_app, open_logs, screen_text, w3c
from textual.pilot import Pilot
from textual.widgets import Input

from console.app.app import BatonApp
from console.app.screen import ConsoleScreen
from console.engine.logs.view_model import LogsModel


async def tail_placed(pilot: Pilot[int], app: BatonApp) -> None:
    """The tail is on and has found the end of the log (placing it is a worker's job)."""
    await until(pilot, lambda: "tail on" in screen_text(app))
    await pilot.pause(0.5)


def append(log: Path, ids: range) -> None:
    with log.open("ab") as handle:
        handle.write("".join(w3c("00:01:00", "/prod/tail", "-", "200", f"tail-{n}") for n in ids).encode())


async def test_lines_written_while_on_the_main_screen_are_shown_on_return(tmp_path: Path) -> None:
    app, log = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.press("t")
        await tail_placed(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        append(log, range(30))  # written while the user is on the main screen
        await pilot.pause(0.6)
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 34)
        ids = [row.correlation_id for row, _ in screen.model.entries.values()]
        assert ids[4:] == [f"tail-{n}" for n in range(30)]
        assert "tail on" in screen_text(app)


async def test_a_flood_while_away_shows_the_newest_and_counts_every_other_line(tmp_path: Path) -> None:
    app, log = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        console.logs_model = LogsModel(max_rows=50)
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.press("t")
        await tail_placed(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        append(log, range(5000))
        screen = await open_logs(pilot, app)
        model = screen.model
        await until(pilot, lambda: model.entries and list(model.entries.values())[-1][0].correlation_id == "tail-4999")
        await pilot.pause(0.5)
        assert model.dropped + len(model.entries) == 4 + 5000  # every line shown or counted, none twice
        assert "older not shown" in screen_text(app)


async def test_a_new_search_with_the_tail_on_reads_the_newest_lines_from_the_end(tmp_path: Path) -> None:
    import console.app.logs_work as work

    app, log = log_app(tmp_path)
    append(log, range(3000))
    made: list[str] = []
    real = work.row_of

    def counting(item, field="X-Correlation-Id"):  # type: ignore[no-untyped-def]
        made.append("row")
        return real(item, field)

    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        console.logs_model = LogsModel(max_rows=100)
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: "lines read" in screen_text(app))
        await pilot.press("t")
        await tail_placed(pilot, app)
        work.row_of = counting  # type: ignore[assignment]
        try:
            box = screen.query_one("#logs-query", Input)
            box.focus()
            await pilot.press("enter")  # Enter on the empty box: the whole log again, with the tail on
            await until(pilot, lambda: "lines read" in screen_text(app) and len(screen.model.entries) == 100)
            await pilot.pause(0.3)
        finally:
            work.row_of = real  # type: ignore[assignment]
        ids = [row.correlation_id for row, _ in screen.model.entries.values()]
        assert ids == [f"tail-{n}" for n in range(2900, 3000)]  # the newest, at once
        assert screen.model.dropped + len(ids) == 4 + 3000  # the counts add up to the file's data lines
        assert "3008 lines read" in screen_text(app)
        assert len(made) <= 100  # only the lines shown were made into rows: no replay of the whole file


async def test_selecting_a_line_pins_it_while_the_tail_streams(tmp_path: Path) -> None:
    app, log = log_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        console.logs_model = LogsModel(max_rows=50)
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await pilot.press("t")
        await tail_placed(pilot, app)
        append(log, range(40))
        await until(pilot, lambda: len(screen.model.entries) == 44)
        screen._table.focus()
        await pilot.press("down", "down", "down")
        held = screen._table.highlighted
        assert held is not None
        record = screen.model.item(held)
        append(log, range(100, 400))  # more than the view keeps
        await pilot.pause(1.2)
        assert screen._table.highlighted == held and screen.model.item(held) is record
        assert "tail paused" in screen_text(app)
        await pilot.press("home")  # back on the newest line: the tail resumes and catches up
        model = screen.model
        await until(pilot, lambda: list(model.entries.values())[-1][0].correlation_id == "tail-399")
        await pilot.pause(0.3)
        assert model.dropped + len(model.entries) == 4 + 40 + 300
        assert "tail on" in screen_text(app)


async def test_a_tail_on_a_log_not_there_yet_says_waiting_and_picks_it_up(tmp_path: Path) -> None:
    app, log = log_app(tmp_path)
    log.unlink()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_logs(pilot, app)
        screen._table.focus()
        await pilot.press("t")
        await until(pilot, lambda: "tail waiting" in screen_text(app))
        assert "tail on" not in screen_text(app) and "no such file" in screen_text(app)
        log.write_bytes((HEADER + LINES).encode())  # IIS creates the log at its first request
        await until(pilot, lambda: len(screen.model.entries) == 4)
        await until(pilot, lambda: "tail on" in screen_text(app))
