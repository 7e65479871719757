"""Following a live IIS log (console.engine.logs.tail): growth, daily rotation, truncation, replacement."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.engine.logs.model import LogInputError, LogRecord, Quarantined
from console.engine.logs.tail import Rotation, follow

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: {day} 00:00:00\r\n"
    "#Fields: date time cs-method cs-uri-stem cs-username sc-status X-Correlation-Id\r\n"
)


def line(day: str, n: int) -> str:
    return f"{day} 10:00:{n % 60:02d} GET /api/{n} CORP\\u{n} 200 id-{n}\r\n"


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


class Watch:
    """Runs follow() in a thread, collecting what it yields, until told to stop."""

    def __init__(self, path: Path, **kw: object) -> None:
        self.items: list[LogRecord | Quarantined | Rotation] = []
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(str(path),), kwargs=kw, daemon=True)
        self.thread.start()

    def _run(self, path: str, **kw: object) -> None:
        try:
            for item in follow(path, stop=self.done.is_set, poll=0.02, **kw):  # type: ignore[arg-type]
                self.items.append(item)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def wait_for(self, check: Callable[[list[LogRecord | Quarantined | Rotation]], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not check(self.items):
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"gave up waiting; got {self.items!r}"
            time.sleep(0.02)

    def ids(self) -> list[str]:
        return [i.get("X-Correlation-Id") or "" for i in self.items if isinstance(i, LogRecord)]

    def stop(self) -> None:
        self.done.set()
        self.thread.join(5)
        assert not self.thread.is_alive()


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    made: list[Watch] = []
    yield made
    for w in made:
        w.stop()


def test_a_growing_file_yields_new_records_only_once_their_line_end_is_written(
    tmp_path: Path, watches: list[Watch]
) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 1), newline="")
    w = Watch(log)
    watches.append(w)
    time.sleep(0.2)
    append(log, line("2026-05-17", 2))
    append(log, "2026-05-17 10:00:03 GET /api/3 - 200 id-")  # IIS mid-write: no line end yet
    w.wait_for(lambda items: len(items) >= 1)
    time.sleep(0.15)
    assert w.ids() == ["id-2"]  # what was there before is not repeated; the half line is not read
    append(log, "3\r\n")
    w.wait_for(lambda items: len(items) >= 2)
    assert w.ids() == ["id-2", "id-3"]
    records = [i for i in w.items if isinstance(i, LogRecord)]
    assert [r.line for r in records] == [6, 7]  # true line numbers, though reading started at the end


def test_a_folder_is_followed_across_daily_rotation(tmp_path: Path, watches: list[Watch]) -> None:
    old = tmp_path / "u_ex260517.log"
    old.write_text(HEADER.format(day="2026-05-17"), newline="")
    (tmp_path / "notes.txt").write_text("not a log")
    w = Watch(tmp_path)
    watches.append(w)
    time.sleep(0.2)  # follow() starts at the end of what is there: let it get there before writing

    def writer() -> None:
        for n in range(3):
            append(old, line("2026-05-17", n))
            time.sleep(0.03)
        new = tmp_path / "u_ex260518.log"
        new.write_text(HEADER.format(day="2026-05-18"), newline="")
        append(old, line("2026-05-17", 99))  # a last line to the old file as the new one appears
        for n in range(3, 6):
            append(new, line("2026-05-18", n))
            time.sleep(0.03)

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    w.wait_for(lambda items: len([i for i in items if isinstance(i, LogRecord)]) >= 7)
    assert sorted(w.ids()[:4]) == ["id-0", "id-1", "id-2", "id-99"]  # the old file is read to its end first
    assert w.ids()[4:] == ["id-3", "id-4", "id-5"]
    rotations = [i for i in w.items if isinstance(i, Rotation)]
    assert rotations == [
        Rotation(
            os.path.join(str(tmp_path), "u_ex260517.log"), os.path.join(str(tmp_path), "u_ex260518.log"), "new file"
        )
    ]
    days = {i.get("date") for i in w.items if isinstance(i, LogRecord) and i.source.endswith("260518.log")}
    assert days == {"2026-05-18"}


def test_a_file_truncated_in_place_is_read_again_from_its_start(tmp_path: Path, watches: list[Watch]) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 1) + line("2026-05-17", 2), newline="")
    w = Watch(log)
    watches.append(w)
    time.sleep(0.2)
    with open(log, "w", encoding="utf-8", newline="") as handle:  # truncate, then IIS starts over
        handle.write(HEADER.format(day="2026-05-18") + line("2026-05-18", 7))
    w.wait_for(lambda items: any(isinstance(i, LogRecord) for i in items))
    assert [i.reason for i in w.items if isinstance(i, Rotation)] == ["truncated"]
    assert w.ids() == ["id-7"]
    first = next(i for i in w.items if isinstance(i, LogRecord))
    assert first.line == 5 and first.get("date") == "2026-05-18"


def test_a_file_replaced_under_its_name_is_followed_into_the_new_one(tmp_path: Path, watches: list[Watch]) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17"), newline="")
    w = Watch(log)
    watches.append(w)
    time.sleep(0.2)
    append(log, line("2026-05-17", 1))
    fresh = tmp_path / "incoming.tmp"
    fresh.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 2) + line("2026-05-17", 3), newline="")
    os.replace(fresh, log)  # a new file (another inode), bigger than the old one: no truncation to see
    w.wait_for(lambda items: len([i for i in items if isinstance(i, LogRecord)]) >= 3)
    assert w.ids() == ["id-1", "id-2", "id-3"]
    assert [i.reason for i in w.items if isinstance(i, Rotation)] == ["replaced"]


def test_from_start_reads_what_is_there_and_quarantines_odd_lines(tmp_path: Path, watches: list[Watch]) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 1) + "junk\r\n", newline="")
    w = Watch(log, from_start=True)
    watches.append(w)
    w.wait_for(lambda items: len(items) >= 2)
    assert w.ids() == ["id-1"]
    odd = [i for i in w.items if isinstance(i, Quarantined)]
    assert [(q.line, q.reason) for q in odd] == [(6, "1 value but #Fields names 7")]


def test_what_cannot_be_followed_is_one_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(LogInputError, match="no such file") as missing:
        next(follow(str(tmp_path / "nope.log"), stop=lambda: True))
    assert missing.value.where == str(tmp_path / "nope.log")
    with pytest.raises(LogInputError, match="no log files"):
        next(follow(str(tmp_path), stop=lambda: True))
