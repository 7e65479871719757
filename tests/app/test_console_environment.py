"""The environment cue, and failures shown where they happen with the console still running."""

from __future__ import annotations

from pathlib import Path

from console_driver import pane_text, screen_of, until

from console.app.main import make_app


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(text)
    return str(path)


async def test_production_profile_is_unmistakable(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "prod-orders"\ndescription = "d"\nenvironment = "production"\n'
                           '[gateway]\nurl = "http://127.0.0.1:9"\n')
    app = make_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert screen.has_class("-production")
        assert "PRODUCTION" in screen.sub_title
        text = " ".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "⚠ PRODUCTION" in text


async def test_missing_secret_is_shown_in_the_verdict_pane(tmp_path: Path) -> None:
    import os

    os.environ.pop("BATON_TEST_NOT_SET", None)
    path = write(tmp_path, 'name = "needs-secret"\ndescription = "d"\nenvironment = "dev"\n'
                           '[gateway]\nurl = "http://127.0.0.1:9"\n[identity]\nflow = "static"\n'
                           'token = "env:BATON_TEST_NOT_SET"\n')
    app = make_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = screen_of(app)
        await until(pilot, lambda: screen.ready)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "BATON_TEST_NOT_SET" in pane_text(app, "verdict"))
        assert app.is_running
        assert "env:BATON_TEST_NOT_SET" in pane_text(app, "verdict")  # the reference, never a value
