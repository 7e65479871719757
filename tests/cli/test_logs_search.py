"""`baton logs search` as a user runs it: decoded lines, JSON lines, grep's exit codes, one-line errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from console.cli import main

FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id"
)
ROWS = (
    "2026-05-17 10:01:00 10.0.0.1 GET /api/orders a=1+2 443 - 203.0.113.8 Mozilla/5.0+(X11) 401 2 5 8 c-1",
    "2026-05-17 10:01:01 10.0.0.1 GET /api/orders - 443 CORP\\alice 203.0.113.8 curl/8 200 0 0 12 c-2",
    "2026-05-17 11:30:00 10.0.0.1 POST /api/pay - 443 \x1b]52;c;aGk=\x07eve 2001:db8::1%eth0 x 403 4 5 3 c-3",
)


def write_log(path: Path, rows: tuple[str, ...] = ROWS) -> Path:
    head = "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2026-05-17 10:00:00\r\n"
    path.write_bytes((head + f"#Fields: {FIELDS}\r\n" + "".join(r + "\r\n" for r in rows)).encode())
    return path


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_log(tmp_path / "u_ex260517.log")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["logs", "search", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_correlation_id_finds_its_request_decoded(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, err = run(capsys, str(log), "--correlation-id", "c-1")
    assert (code, err) == (0, "")
    (line,) = out.splitlines()
    for part in ("2026-05-17 10:01:00", "GET", "/api/orders", "401.2.5", "user=-", "c-ip=203.0.113.8", "id=c-1"):
        assert part in line
    assert "Logon failed due to server configuration" in line  # the catalogue's words for 401.2
    assert line.endswith(f"{log}:5")


def test_json_lines_carry_decoded_and_raw_values(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, _ = run(capsys, str(log), "--status", "401", "--json")
    assert code == 0
    (doc,) = [json.loads(x) for x in out.splitlines()]
    assert (
        doc["fields"]["cs(User-Agent)"] == "Mozilla/5.0 (X11)" and doc["raw"]["cs(User-Agent)"] == "Mozilla/5.0+(X11)"
    )
    assert doc["fields"]["cs-username"] == "" and doc["raw"]["cs-username"] == "-"
    assert (doc["status"], doc["correlation_id"], doc["time"], doc["line"]) == (
        "401.2.5",
        "c-1",
        "2026-05-17T10:01:00Z",
        5,
    )
    assert doc["meaning"]["code"] == "401.2.5"


def test_filters_combine_and_substatus_narrows(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    assert run(capsys, str(log), "--status", "401.2")[0] == 0
    assert run(capsys, str(log), "--status", "401.1")[0] == 1
    code, out, _ = run(
        capsys, str(log), "--user", "*\\alice", "--path", "/API/orders", "--since", "2026-05-17T10:01:01Z"
    )
    assert code == 0 and "id=c-2" in out and out.count("\n") == 1
    code, out, _ = run(capsys, str(log), "--until", "2026-05-17T10:01:01")
    assert code == 0 and out.count("\n") == 1 and "id=c-1" in out


def test_nothing_found_exits_1_like_grep(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    assert run(capsys, str(log), "--correlation-id", "nobody") == (1, "", "")


def test_escape_codes_in_a_log_never_reach_the_terminal(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, _ = run(capsys, str(log), "--correlation-id", "c-3")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "user=\\x1b]52;c;aGk=\\x07eve" in out and "c-ip=2001:db8::1%eth0" in out


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--status", "40x", "argument --status: '40x' is not a status"),
        ("--status", "4011", "argument --status: '4011' is not a status"),
        ("--since", "yesterday", "argument --since: 'yesterday' is not a time"),
        ("--until", "2026-13-01", "argument --until: '2026-13-01' is not a time"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], log: Path, option: str, value: str, says: str
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["logs", "search", str(log), option, value])
    out, err = capsys.readouterr()
    assert done.value.code == 2 and out == ""
    assert err.startswith(f"baton logs search: error: {says}") and err.count("\n") == 1


def test_bad_inputs_name_the_file_in_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "u_ex1.log"
    assert run(capsys, str(missing), "--status", "401") == (2, "", f"baton: {missing}: no such file or folder\n")
    empty = tmp_path / "W3SVC1"
    empty.mkdir()
    code, out, err = run(capsys, str(empty), "--status", "401")
    assert (code, out) == (2, "") and err.startswith(f"baton: {empty}: folder holds no log files")
    binary = tmp_path / "u_ex2.log"
    binary.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 100)
    code, _, err = run(capsys, str(binary), "--status", "401")
    assert code == 2 and err == f"baton: {binary}: binary data, not a text log (NUL bytes in the first 8 KB)\n"
    locked = write_log(tmp_path / "u_ex3.log")
    from console.engine.logs import sources

    # Root reads any file, so the permission check is made to refuse as it does for a normal user.
    monkeypatch.setattr(sources.os, "access", lambda p, mode: Path(p) != locked)
    code, _, err = run(capsys, str(locked), "--status", "401")
    assert code == 2 and err == f"baton: {locked}: permission denied\n"


def test_a_file_that_fails_half_way_says_the_search_stopped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = tuple(ROWS[0].replace("c-1", f"c-{n}") for n in range(30_000))
    whole = gzip.compress(write_log(tmp_path / "plain.log", rows).read_bytes())
    cut = tmp_path / "u_ex260517.log.gz"
    cut.write_bytes(whole[: len(whole) * 3 // 4])  # the archive ends early: IIS's log copied while being zipped
    code, out, err = run(capsys, str(cut), "--status", "401")
    assert code == 2
    printed = out.count("\n")
    assert 0 < printed < 30_000
    assert err.startswith(f"baton: {cut}: ") and f"search stopped: {printed} match(es) printed above" in err
    assert err.count("\n") == 1


def test_the_status_key_stats_prints_is_accepted(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    """qa4 #3: 401.2.5 (status.substatus.win32) is what stats prints; search takes it as written."""
    code, out, _ = run(capsys, str(log), "--status", "401.2.5")
    assert code == 0 and "id=c-1" in out and out.count("\n") == 1
    assert run(capsys, str(log), "--status", "401.2.6")[0] == 1
    with pytest.raises(SystemExit) as done:
        main(["logs", "search", str(log), "--status", "401."])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "status[.substatus[.win32]]" in err and "wildcard" not in err


def test_a_bare_name_is_not_every_realm(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    assert run(capsys, str(log), "--user", "alice")[0] == 1
    assert run(capsys, str(log), "--user", "CORP\\ALICE")[0] == 0


def test_an_id_equal_to_a_method_is_not_an_id(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    """qa5 D2: --correlation-id GET matched every GET; only '*' asks for any field."""
    assert run(capsys, str(log), "--correlation-id", "GET")[0] == 1
    code, out, _ = run(capsys, str(log), "--correlation-id", "GET", "--correlation-field", "*")
    assert code == 0 and out.count("\n") == 2


def test_since_after_until_is_an_error(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, err = run(capsys, str(log), "--since", "2026-05-17T11:00:00Z", "--until", "2026-05-17T10:00:00Z")
    assert code == 2 and out == "" and "--since" in err and "not before --until" in err


def test_a_pipe_is_read_once_not_as_an_empty_log(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    """qa4 #4: <(cat log) read as empty (rc 0) or as corrupt compressed data; it is read like the file."""
    import os
    import threading

    for data in (log.read_bytes(), gzip.compress(log.read_bytes())):
        read_end, write_end = os.pipe()
        feeder = threading.Thread(target=lambda d=data, w=write_end: (os.write(w, d), os.close(w)))
        feeder.start()
        try:
            code, out, err = run(capsys, f"/dev/fd/{read_end}", "--correlation-id", "c-2")
        finally:
            feeder.join()
            os.close(read_end)
        assert (code, err) == (0, "") and "id=c-2" in out and out.count("\n") == 1


def test_a_named_fifo_is_refused_not_waited_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """qa4 #5: a FIFO with no writer hung for ever."""
    import os

    fifo = tmp_path / "fifo.log"
    os.mkfifo(fifo)
    code, out, err = run(capsys, str(fifo), "--correlation-id", "c-1")
    assert code == 2 and out == "" and "fifo.log" in err and "named pipe" in err


def test_a_quarantined_mention_is_said_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = ROWS[1].replace("c-2", "c-9 extra")
    code, out, err = run(capsys, str(write_log(tmp_path / "u_ex1.log", (ROWS[0], bad))), "--correlation-id", "c-9")
    assert code == 1 and out == ""
    assert "1 quarantined line mentions c-9: " in err and "u_ex1.log:6 (16 values but #Fields names 15)" in err
