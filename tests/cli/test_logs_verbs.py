"""`baton logs` itself: the verb family, one-line usage errors, and a progress bar only on a terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from console.cli import main
from console.commands.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_logs_without_a_verb_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["logs"])
    _, err = capsys.readouterr()
    assert done.value.code == 2
    assert err == "baton logs: error: the following arguments are required: VERB (see 'baton logs --help')\n"


def test_help_lists_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["logs", "--help"])
    out, _ = capsys.readouterr()
    for verb in ("search", "stats", "sql", "tail", "join"):
        assert verb in out


def test_the_bar_draws_on_a_terminal_and_erases_itself() -> None:
    screen = Terminal()
    with Progress([1000, 3000], "counting", out=screen) as bar:
        update = bar.overall()
        assert update is not None
        update(2000)
        drawn = screen.getvalue()
    assert "counting" in drawn and " 50%" in drawn and "2.0 KB / 3.9 KB" in drawn
    assert screen.getvalue().endswith("\r\x1b[2K")


def test_no_bar_at_all_when_stderr_is_not_a_terminal() -> None:
    piped = io.StringIO()
    with Progress([1000], out=piped) as bar:
        assert bar.overall() is None and bar.for_file(0) is None
    assert piped.getvalue() == ""


def test_a_search_on_a_piped_stderr_prints_results_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "u_ex1.log"
    log.write_text("#Fields: date time cs-uri-stem sc-status\n2026-05-17 10:00:00 /a 401\n")
    assert main(["logs", "search", str(log), "--status", "401"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["logs", "stats", str(log)]) == 0
    assert "\r\x1b[2K" in screen.getvalue()  # on a terminal the bar was drawn, then erased before the results


def test_a_shorter_redraw_leaves_nothing_of_the_longer_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # "3.7 MB / 20.3 MBMB": a redraw shorter than the last one must clear the rest of the line.
    screen = Terminal()
    monkeypatch.setattr("console.commands.progress._EVERY", 0.0)  # draw on every update
    with Progress([30_000_000], "counting", out=screen) as bar:
        update = bar.overall()
        assert update is not None
        update(15_000_000)
        update(900)
        frames = screen.getvalue().split("\r")
    last = frames[-1]  # read before the bar is erased
    assert last.endswith("\x1b[K") and "900 B" in last


def test_the_bar_fits_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bar wider than the terminal wraps, and each redraw leaves its first row behind: it is cut to the width."""
    screen = Terminal()
    monkeypatch.setattr("console.commands.redraw.columns", lambda _out: 40)
    with Progress([30_000_000], "joining", out=screen) as bar:
        update = bar.overall()
        assert update is not None
        update(15_000_000)
        drawn = screen.getvalue()
    frame = drawn.split("\r")[-1].removesuffix("\x1b[K")
    assert frame.startswith("joining") and len(frame) <= 39 and frame.endswith("…")
