"""The environment cue, and failures shown where they happen with the console still running."""

from __future__ import annotations

from pathlib import Path

from console_driver import pane_text, screen_of, until

from console.app.main import make_app


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(text)
    return str(path)


def production_profile(tmp_path: Path) -> str:
    return write(
        tmp_path,
        'name = "prod-orders"\ndescription = "d"\nenvironment = "production"\n[gateway]\nurl = "http://127.0.0.1:9"\n',
    )


async def test_production_profile_is_unmistakable(tmp_path: Path) -> None:
    app = make_app(production_profile(tmp_path))
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
    path = write(
        tmp_path,
        'name = "needs-secret"\ndescription = "d"\nenvironment = "dev"\n'
        '[gateway]\nurl = "http://127.0.0.1:9"\n[identity]\nflow = "static"\n'
        'token = "env:BATON_TEST_NOT_SET"\n',
    )
    app = make_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = screen_of(app)
        await until(pilot, lambda: screen.ready)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "BATON_TEST_NOT_SET" in pane_text(app, "verdict"))
        assert app.is_running
        assert "env:BATON_TEST_NOT_SET" in pane_text(app, "verdict")  # the reference, never a value


async def test_the_first_screen_is_styled_completely_in_one_pass(tmp_path: Path) -> None:
    """The console skips Textual's restyle of every node on its first resume (a start-up cost): nothing may be stale.

    Production is the profile whose look depends most on classes set as the screen is built (red header, badge).
    """
    app = make_app(production_profile(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        first = {node: node.styles.css for node in screen.walk_children(with_self=True)}
        screen.update_node_styles(animate=False)
        await pilot.pause()
        again = {node: node.styles.css for node in screen.walk_children(with_self=True)}
        assert [node for node in first if first[node] != again.get(node)] == []
        assert len(first) > 20 and "background: #" in first[screen.query_one("Header")]
