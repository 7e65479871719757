"""`baton logs tail FILE` on a file truncated and written again past where it was read (copytruncate, an editor):
every new record is printed, none cut into a quarantined fragment, with a note that the file is read afresh."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: {day} 00:00:00\r\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip sc-status X-Correlation-Id\r\n"
)


def record(day: str, cid: str) -> str:
    return f"{day} 10:00:00 10.0.0.5 GET /orders/{cid} - 443 CORP\\amy 10.0.0.9 200 {cid}\r\n"


def test_a_rewrite_that_grows_is_read_afresh_with_a_note(tmp_path: Path) -> None:
    log = tmp_path / "t2.log"
    log.write_bytes(
        (HEADER.format(day="2026-05-17") + "".join(record("2026-05-17", f"o{n}") for n in range(3))).encode()
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "logs", "tail", str(log), "--poll", "0.05"],
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
        with open(log, "r+b") as handle:  # same inode, truncated and written again, larger than before
            handle.truncate(0)
            handle.write(
                (HEADER.format(day="2026-05-18") + "".join(record("2026-05-18", f"r{n}") for n in range(5))).encode()
            )
        deadline = time.monotonic() + 20
        while len(lines) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert proc.returncode == 130
    assert [next(w for w in ("r0", "r1", "r2", "r3", "r4") if f"/orders/{w}" in text) for text in lines] == [
        "r0",
        "r1",
        "r2",
        "r3",
        "r4",
    ], (lines, err)
    assert "quarantined" not in err
    assert f"now following {log}: rewritten in place; reading it again from its start" in err
