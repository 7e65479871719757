"""`baton logs stats` as a user runs it: the counts add up (per file too), breakdowns, quarantined lines named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main

FIELDS = "date time cs-method cs-uri-stem cs-username c-ip sc-status sc-substatus sc-win32-status"
HEAD = f"#Software: Microsoft Internet Information Services 10.0\r\n#Date: 2026-05-17 10:00:00\r\n#Fields: {FIELDS}\r\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "u_ex260517.log").write_bytes(
        (
            HEAD
            + "2026-05-17 10:00:01 GET /api/orders - 10.0.0.1 401 2 5\r\n"
            + "2026-05-17 10:00:02 GET /api/orders CORP\\bob 10.0.0.1 401 1 2148074254\r\n"
            + "\r\n"
            + "2026-05-17 11:00:03 GET /api/orders CORP\\bob 10.0.0.1 200 0 0\r\n"
            + "2026-05-17 11:00:04 GET \x1b[2J 10.0.0.1\r\n"
        ).encode()
    )
    (tmp_path / "u_ex260518.log").write_bytes(
        (HEAD + "2026-05-18 00:00:01 POST /api/pay CORP\\eve 10.0.0.2 403 4 5\r\n2026-05-18 00:00:02 GET /").encode()
    )
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["logs", "stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_counts_add_up_in_total_and_per_file(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, str(folder), "--json")
    assert code == 0
    doc = json.loads(out)
    assert {k: doc[k] for k in ("lines", "records", "directives", "blank", "quarantined")} == {
        "lines": 13,
        "records": 4,
        "directives": 6,
        "blank": 1,
        "quarantined": 2,
    }
    for counts in [doc, *doc["files"]]:
        assert counts["records"] + counts["directives"] + counts["blank"] + counts["quarantined"] == counts["lines"]
    assert [f["lines"] for f in doc["files"]] == [8, 5]
    assert doc["files"][1]["truncated_last_line"] is True
    assert doc["by_status"]["401.2.5"] == 1


def test_text_shows_statuses_refusals_hours_and_each_odd_line(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, str(folder))
    assert code == 0
    assert out.startswith("Lines  13  (records 4 · directives 6 · blank 1 · quarantined 2)")
    assert "401.2.5" in out and "Logon failed due to server configuration" in out
    assert "/api/orders          2" in out
    assert "2026-05-17T10" in out and "2026-05-18T00" in out
    assert f"{folder / 'u_ex260517.log'}:8: " in out  # quarantined, by file:line
    assert "last line unfinished: IIS may still be writing it" in out
    assert "\x1b" not in out and "\\x1b[2J" in out


def test_a_missing_file_is_one_line_and_nothing_is_reported(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, err = run(capsys, str(folder), str(folder / "u_ex260519.log"))
    assert (code, out) == (2, "")
    assert err == f"baton: {folder / 'u_ex260519.log'}: no such file or folder\n"


def test_stdin_as_dash_is_counted_like_the_file(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """qa4 #4: a pipe read as an empty log with exit 0; `-` was "no such file"."""
    import os
    import threading

    log = folder / "u_ex260517.log"
    expected = json.loads(run(capsys, "--json", str(log))[1])
    read_end, write_end = os.pipe()
    feeder = threading.Thread(target=lambda: (os.write(write_end, log.read_bytes()), os.close(write_end)))
    feeder.start()
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        code, out, err = run(capsys, "--json", "-")
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)
        feeder.join()
    got = json.loads(out)
    assert (code, err) == (0, "") and got["lines"] == expected["lines"] == 8
    named = str(log)
    assert json.loads(out.replace('"-"', json.dumps(named))) == expected  # the same document but for the name
    assert got["files"][0]["source"] == "-"


def test_a_zip_s_other_members_are_named_as_skipped(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    import zipfile

    archive = folder / "logs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(folder / "u_ex260517.log", "u_ex260517.log")
        z.writestr("readme.txt", "hi")
    code, _, err = run(capsys, "--json", str(archive))
    assert code == 0 and err == f"baton: warning: {archive}: 1 member skipped (not logs): readme.txt\n"
