"""The Logs view's help, palette and console keys; its columns (the id's end, the caller by the join's rule)."""

from __future__ import annotations

from pathlib import Path

from console_driver import until
from test_logs_view import FIELDS, log_app, open_logs, screen_text, search

from console.app.modals import HelpModal
from console.app.screen import ConsoleScreen

SPOOF_ID = "ee0bc889-4bfb-4488-8649-6e54abfdd408"


async def test_f1_and_question_mark_show_the_logs_views_own_help(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_logs(pilot, app)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, HelpModal))
            await pilot.pause()
            text = screen_text(app)
            assert ("Logs view" in text and "status:401.2" in text.replace("`", "")) or "status:401" in text
            help_text = "\n".join(app.screen._panes)  # type: ignore[attr-defined]
            for needed in ("status:401", "user:", "path:", "since:", "Tail", "Line detail", "bypassed", "lost"):
                assert needed in help_text, needed
            keys = dict(app.screen._keys)  # type: ignore[attr-defined]
            assert {"/", "t", "r", "esc / q", "enter"} <= set(keys)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, HelpModal))


async def test_the_main_help_lists_the_logs_views_keys(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.ready)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpModal))
        keys = [key for key, _ in app.screen._keys]  # type: ignore[attr-defined]
        assert "Logs view: t" in keys and "Logs view: /" in keys


async def test_the_palette_on_the_logs_view_offers_its_actions_and_main_ones_work(tmp_path: Path) -> None:
    from console.app.palette import BatonCommands

    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, app)
        console = screen.console
        provider = BatonCommands(screen)
        titles = [str(hit.help) async for hit in provider.discover()]
        for title in ("Search", "Tail", "Re-run", "Back", "Open trace", "Help"):
            assert any(t.startswith(title + " (") for t in titles), (title, titles)
        assert not any(t.startswith(("Copy verdict", "Reveal", "Re-send", "Cancel")) for t in titles), titles
        hits = [hit async for hit in provider.search("send the test request")]
        assert hits
        await hits[0].command()  # back to the console screen, and the request is sent
        await until(pilot, lambda: app.screen is console and console.book.trace() is not None)


async def test_ctrl_r_on_the_logs_view_goes_back_and_sends(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, app)
        console = screen.console
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen is console and console.book.trace() is not None)


def spoof_log() -> str:
    header = f"#Software: Microsoft Internet Information Services 10.0\r\n#Fields: {FIELDS} X-User-Sub\r\n"
    line = "2026-01-01 00:00:0{n} 10.0.0.5 GET /whoami - 443 - 10.0.0.9 curl/8.0 - 200 0 0 7 {cid} {sub}\r\n"
    return (
        header
        + line.format(n=1, cid=SPOOF_ID, sub="3cf7ef70-a52b")
        + line.format(n=2, cid=SPOOF_ID + ".spoof-check", sub="baton-spoof-check-e48a9ea0")
    )


async def test_a_traces_line_and_its_spoof_check_line_are_told_apart_and_show_their_caller(tmp_path: Path) -> None:
    for size in ((100, 30), (200, 50)):
        app, _ = log_app(tmp_path, text=spoof_log())
        async with app.run_test(size=size) as pilot:
            shown = await open_logs(pilot, app)
            await until(pilot, lambda: len(shown.model.entries) == 2)  # noqa: B023 (awaited in this iteration)
            await pilot.pause()
            table = "\n".join(screen_text(app).splitlines()[:20])
            if size == (200, 50):
                assert SPOOF_ID + ".spoof-check" in table and "3cf7ef70-a5" in table  # id whole; the X-User-Sub caller
            else:
                assert "spoof-check" in table  # the id's end shows when it must be cut
            assert "baton-spoof-check" in table or size == (100, 30)


async def test_user_search_matches_the_identity_the_join_uses(tmp_path: Path) -> None:
    app, _ = log_app(tmp_path, text=spoof_log())
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_logs(pilot, app)
        await until(pilot, lambda: len(screen.model.entries) == 2)
        await search(pilot, screen, "user:baton-spoof-check-e48a9ea0", 1)
        assert next(iter(screen.model.entries.values()))[0].correlation_id == SPOOF_ID + ".spoof-check"
        await until(pilot, lambda: "X-User-Sub field" in screen_text(app))  # the detail says where the user came from
