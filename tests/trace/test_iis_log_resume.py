"""A trace finds its IIS line by id however long the log has grown, with the line number and offset the full reader
gives, and across rotation: a file renamed away and created again, a folder gaining a new day, a file rewritten in
place that starts with the same bytes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pytest import MonkeyPatch

from console.engine.logs.model import LogRecord
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource
from console.engine.probes import w3c
from console.engine.probes.iis_logs import LogQuery, LogSearch, search_logs
from console.engine.probes.w3c import Tail

HEAD = (
    "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2026-05-17 00:00:00\r\n"
    "#Fields: date time s-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status X-Correlation-Id\r\n"
)
OTHER_FIELDS = "#Fields: date time X-Correlation-Id cs-method cs-uri-stem sc-status sc-substatus sc-win32-status\r\n"
"""A mid-file schema change after a config change: the id moves to the third column."""


def line(n: int, cid: str, status: str = "200 0 0") -> str:
    return f"2026-05-17 10:{n // 60 % 60:02d}:{n % 60:02d} 10.0.0.1 GET /orders/{n} {status} {cid}\r\n"


def other(n: int, cid: str) -> str:
    return f"2026-05-17 11:00:{n % 60:02d} {cid} POST /orders/{n} 201 0 0\r\n"


def look(location: Path, cid: str) -> LogSearch:
    now = time.time()
    query = LogQuery(cid, "X-Correlation-Id", sent_at=now, finished_at=now, method="GET", path="/orders")
    return search_logs(query, str(location), None, wait=0.0)


def truth(log: Path, cid: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """(line, offset, raw) of every record holding ``cid``, as the shared reader reads the whole file."""
    source = LogSource(log, None, str(log), False)
    return [
        (r.line, r.offset, r.raw) for r in read(source) if isinstance(r, LogRecord) and r.get("X-Correlation-Id") == cid
    ]


def seen(found: LogSearch) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(r.line, r.offset, r.raw) for r in found.by_id]


def append(log: Path, text: str) -> None:
    with log.open("ab") as handle:
        handle.write(text.encode())


def test_the_line_is_found_among_thousands_with_the_readers_line_number(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"bulk-{n}") for n in range(5000))).encode())
    assert seen(look(log, "bulk-4321")) == truth(log, "bulk-4321") != []
    n = 5000
    for step in range(6):  # every later trace reads only what was written since; numbers must stay true
        append(log, "".join(line(n + k, f"bulk-{n + k}") for k in range(700)) + line(n + 700, f"step-{step}"))
        n += 701
        if step == 2:
            append(log, OTHER_FIELDS + other(n, "moved-1") + HEAD.splitlines(keepends=True)[-1])
            n += 3
        found = look(log, f"step-{step}")
        assert seen(found) == truth(log, f"step-{step}") != [], step
        assert found.chosen is not None and found.chosen.line == truth(log, f"step-{step}")[0][0]
    moved = look(log, "moved-1")
    assert seen(moved) == truth(log, "moved-1") != []
    assert moved.by_id[0].get("cs-method") == "POST"  # read by the new #Fields, not the old one


def test_a_half_written_line_is_read_again_once_complete(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"a-{n}") for n in range(2000))).encode())
    assert look(log, "a-1999")
    whole = line(2000, "late-id-complete")
    append(log, whole[:-12])  # IIS is still writing it: the id is cut short
    assert seen(look(log, "late-id-complete")) == []
    append(log, whole[-12:] + line(2001, "after"))
    assert seen(look(log, "late-id-complete")) == truth(log, "late-id-complete") != []
    assert seen(look(log, "after")) == truth(log, "after") != []


def test_every_record_held_is_the_one_the_reader_gives(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"h-{n}") for n in range(3000))).encode())
    tail = Tail(LogSource(log, None, str(log), False))
    tail.poll()
    for step in range(4):
        append(log, "".join(line(3000 + step * 100 + k, f"s{step}-{k}") for k in range(100)))
        if step == 1:
            append(log, "\r\n" + OTHER_FIELDS + other(1, "o-1"))
        tail.poll()
    full = [r for r in read(LogSource(log, None, str(log), False)) if isinstance(r, LogRecord)]
    assert [(r.line, r.offset, r.raw, r.schema.fields) for r in tail.poll()] == [
        (r.line, r.offset, r.raw, r.schema.fields) for r in full
    ]


def test_a_file_rotated_by_rename_between_traces(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"old-{n}") for n in range(3000))).encode())
    assert look(log, "old-2999").by_id
    log.rename(tmp_path / "u_ex260517.log.1")
    log.write_bytes((HEAD + line(0, "new-0") + line(1, "new-1")).encode())
    expected = truth(log, "new-1")
    assert seen(look(log, "new-1")) == expected and expected[0][0] == 6  # the new file's own line numbers
    assert look(log, "old-2999").by_id == ()


def test_a_folder_gaining_a_new_day_between_traces(tmp_path: Path) -> None:
    folder = tmp_path / "W3SVC1"
    folder.mkdir()
    day1 = folder / "u_ex260517.log"
    day1.write_bytes((HEAD + "".join(line(n, f"d1-{n}") for n in range(2000))).encode())
    past = time.time() - 3600
    os.utime(day1, (past, past))
    os.utime(folder, (past, past))  # an old folder: what it holds is kept between traces
    assert look(folder, "d1-1999").by_id
    assert look(folder, "d1-5").by_id
    day2 = folder / "u_ex260518.log"
    day2.write_bytes((HEAD.replace("05-17", "05-18") + line(0, "d2-0")).encode())
    found = look(folder, "d2-0")
    assert seen(found) == truth(day2, "d2-0") != []
    assert found.chosen is not None and found.chosen.source.endswith("u_ex260518.log")
    append(day1, line(2000, "d1-late"))  # http.sys flushes yesterday's last lines late: still found
    assert seen(look(folder, "d1-late")) == truth(day1, "d1-late") != []


def test_a_file_rewritten_in_place_with_the_same_first_bytes(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    first = HEAD + "".join(line(n, f"same-{n}") for n in range(50))
    log.write_bytes((first + "".join(line(n, f"old-{n}") for n in range(50, 400))).encode())
    assert look(log, "old-399").by_id
    # Same inode, same first lines (IIS's header block and the morning), then other lines: longer than before, so
    # an offset kept from the old content would land inside a line of the new one.
    with log.open("r+b") as handle:
        handle.write((first + "".join(line(n, f"new-{n}", "401 2 5") for n in range(50, 900))).encode())
    assert look(log, "old-399").by_id == ()
    assert seen(look(log, "new-899")) == truth(log, "new-899") != []
    assert seen(look(log, "new-398")) == truth(log, "new-398") != []


def test_a_burst_longer_than_the_window_starts_the_window_again(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(w3c, "TAIL_BYTES", 16 << 10)
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"w-{n}") for n in range(300))).encode())
    assert look(log, "w-299").by_id
    append(log, "".join(line(n, f"w-{n}") for n in range(300, 3000)))  # far more than the window since
    assert seen(look(log, "w-2999")) == truth(log, "w-2999") != []
    assert look(log, "w-299").by_id == ()  # out of the window now: a trace looks among the last lines only


def test_lines_the_reader_quarantines_are_named_as_the_reader_names_them(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_bytes((HEAD + "".join(line(n, f"q-{n}") for n in range(1000))).encode())
    tail = Tail(LogSource(log, None, str(log), False))
    tail.poll()
    append(log, line(1000, "q-1000") + "2026-05-17 10:00:00 only four values q-bad\r\n" + line(1001, "q-1001"))
    append(log, "2026-05-17 10:00:01 10.0.0.1 GET")  # IIS is still writing its last line
    tail.poll()
    full = [q for q in read(LogSource(log, None, str(log), False)) if not isinstance(q, LogRecord)]
    assert (
        [(q.line, q.offset, q.reason) for q in tail.quarantined.values()]
        == [(q.line, q.offset, q.reason) for q in full]
        != []
    )
    assert [r.line for r in tail.find("X-Correlation-Id", "q-1001")] == [truth(log, "q-1001")[0][0]] == [1007]
