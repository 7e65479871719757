"""`baton logs tail` as a user runs it: records as they come, a note on stderr at rotation, Ctrl-C ends quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\r\n"
    "#Fields: date time cs-method cs-uri-stem cs-username sc-status sc-substatus sc-win32-status\r\n"
)


def test_tail_follows_a_folder_across_rotation_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    first = tmp_path / "u_ex260517.log"
    first.write_text(HEADER + "2026-05-17 23:59:58 GET /old - 200 0 0\r\n", newline="")
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "logs", "tail", str(tmp_path), "--poll", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        time.sleep(1.5)  # start-up: the interpreter, then tail reaches the end of what is there
        with open(first, "a", newline="") as handle:
            handle.write("2026-05-17 23:59:59 GET /last-of-day \x1b[31mCORP\\eve 401 2 5\r\n")
        second = tmp_path / "u_ex260518.log"
        second.write_text(HEADER + "2026-05-18 00:00:01 GET /first-of-day CORP\\amy 200 0 0\r\n", newline="")
        deadline = time.monotonic() + 20
        while len(lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert proc.returncode == 130
    assert len(lines) == 2, (lines, err)
    assert "/last-of-day" in lines[0] and "401.2.5" in lines[0] and "u_ex260517.log:4" in lines[0]
    assert "\x1b" not in lines[0] and "\\x1b[31mCORP\\eve" in lines[0]
    assert "/first-of-day" in lines[1] and "u_ex260518.log:3" in lines[1]
    assert "/old" not in "".join(lines)  # tail starts at the end
    assert f"now following {os.path.join(str(tmp_path), 'u_ex260518.log')}: new file" in err
    assert "Traceback" not in err and "interrupted" not in err


def test_tail_of_a_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    from console.cli import main

    missing = tmp_path / "W3SVC1"
    assert main(["logs", "tail", str(missing)]) == 2
