"""Following a log across rotation loses and repeats nothing: the previous file's late lines are still read (http.sys
flushes lazily), a half-written line is never cut at the switch, and a file rewritten in place is read afresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

from console.engine.logs.model import LogRecord, Quarantined
from console.engine.logs.tail import Rotation, Skipped, Tail

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: {day} 00:00:00\r\n"
    "#Fields: date time cs-method cs-uri-stem sc-status X-Correlation-Id\r\n"
)
Item = LogRecord | Quarantined | Rotation | Skipped


def line(day: str, cid: str) -> str:
    return f"{day} 23:59:59 GET /orders 200 {cid}\r\n"


def append(path: Path, text: str) -> None:
    with open(path, "ab") as handle:
        handle.write(text.encode())


def ids(items: list[Item]) -> list[str]:
    return [i.get("X-Correlation-Id") or "" for i in items if isinstance(i, LogRecord)]


def records(items: list[Item]) -> list[LogRecord]:
    return [i for i in items if isinstance(i, LogRecord)]


def test_a_folder_keeps_reading_yesterdays_late_lines_after_switching(tmp_path: Path) -> None:
    old = tmp_path / "u_ex260517.log"
    old.write_bytes((HEADER.format(day="2026-05-17") + line("2026-05-17", "a-1")).encode())
    tail = Tail(str(tmp_path))
    append(old, line("2026-05-17", "a-2"))
    assert ids(tail.poll()) == ["a-2"]
    new = tmp_path / "u_ex260518.log"
    new.write_bytes(HEADER.format(day="2026-05-18").encode())
    switched = tail.poll()
    assert [i.reason for i in switched if isinstance(i, Rotation)] == ["new file"]
    append(old, line("2026-05-17", "late-old"))  # http.sys flushes the old day's last lines after the new file exists
    append(new, line("2026-05-18", "b-1"))
    got = tail.poll()
    assert sorted(ids(got)) == ["b-1", "late-old"]
    late = next(r for r in records(got) if r.get("X-Correlation-Id") == "late-old")
    assert late.source == os.path.join(str(tmp_path), "u_ex260517.log")
    assert late.line == 7 and late.get("date") == "2026-05-17"  # its own file's line number and day
    assert tail.poll() == []  # nothing read twice
    tail.close()


def test_a_line_half_written_at_the_switch_is_read_once_whole(tmp_path: Path) -> None:
    old = tmp_path / "u_ex260517.log"
    old.write_bytes((HEADER.format(day="2026-05-17") + line("2026-05-17", "a-1")).encode())
    tail = Tail(str(tmp_path))
    whole = line("2026-05-17", "cut-in-two")
    append(old, whole[:-8])  # IIS is mid-line as midnight passes
    (tmp_path / "u_ex260518.log").write_bytes(HEADER.format(day="2026-05-18").encode())
    switched = tail.poll()
    assert ids(switched) == [] and not [i for i in switched if isinstance(i, Quarantined)]
    append(old, whole[-8:])
    got = tail.poll()
    assert ids(got) == ["cut-in-two"] and not [i for i in got if isinstance(i, Quarantined)]
    assert tail.poll() == []
    tail.close()


def test_the_previous_file_is_let_go_once_quiet_with_its_last_line(tmp_path: Path) -> None:
    old = tmp_path / "u_ex260517.log"
    old.write_bytes(HEADER.format(day="2026-05-17").encode())
    tail = Tail(str(tmp_path), drain=0.05)
    append(old, "2026-05-17 23:59:59 GET /orders 200 never-ended")  # no line end ever comes
    (tmp_path / "u_ex260518.log").write_bytes(HEADER.format(day="2026-05-18").encode())
    assert ids(tail.poll()) == []
    time.sleep(0.1)
    assert ids(tail.poll()) == ["never-ended"]  # quiet past the drain time: its last line is read as it stands
    append(old, line("2026-05-17", "too-late"))
    assert ids(tail.poll()) == []  # let go: yesterday's file is no longer read
    tail.close()


def test_a_file_rotated_by_rename_still_gives_what_the_writer_adds_to_it(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes((HEADER.format(day="2026-05-17") + line("2026-05-17", "a-1")).encode())
    tail = Tail(str(log))
    with open(log, "ab") as writer:  # the writer keeps its handle across the rename (logrotate without copytruncate)
        log.rename(tmp_path / "access.log.1")
        log.write_bytes(HEADER.format(day="2026-05-18").encode())
        switched = tail.poll()
        assert [i.reason for i in switched if isinstance(i, Rotation)] == ["replaced"]
        writer.write(line("2026-05-17", "to-the-old-inode").encode())
    append(log, line("2026-05-18", "b-1"))
    assert sorted(ids(tail.poll())) == ["b-1", "to-the-old-inode"]
    tail.close()


def test_a_file_rewritten_in_place_and_grown_within_one_poll_is_read_afresh(tmp_path: Path) -> None:
    log = tmp_path / "t2.log"
    log.write_bytes((HEADER.format(day="2026-05-17") + "".join(line("2026-05-17", f"o{n}") for n in range(3))).encode())
    tail = Tail(str(log))
    assert tail.poll() == []
    with open(log, "r+b") as handle:  # truncate and write again before the next poll: the same inode, larger
        handle.truncate(0)
        handle.write(
            (HEADER.format(day="2026-05-18") + "".join(line("2026-05-18", f"r{n}") for n in range(5))).encode()
        )
    got = tail.poll()
    assert [i.reason for i in got if isinstance(i, Rotation)] == ["rewritten in place"]
    assert not [i for i in got if isinstance(i, Quarantined)]
    assert ids(got) == ["r0", "r1", "r2", "r3", "r4"]
    assert [r.line for r in records(got)] == [5, 6, 7, 8, 9]
    append(log, line("2026-05-18", "r5"))
    assert ids(tail.poll()) == ["r5"]  # and followed on from there
    tail.close()


def test_a_file_that_only_grows_is_never_taken_for_a_rewrite(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes(HEADER.format(day="2026-05-17").encode())
    tail = Tail(str(log))
    seen: list[str] = []
    for n in range(50):
        append(log, line("2026-05-17", f"g{n}")[: 20 if n % 7 == 3 else None])
        if n % 7 == 3:
            append(log, line("2026-05-17", f"g{n}")[20:])
        got = tail.poll()
        assert not [i for i in got if isinstance(i, Rotation | Quarantined)]
        seen += ids(got)
    assert seen == [f"g{n}" for n in range(50)]
    tail.close()
