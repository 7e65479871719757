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


def test_a_glob_is_followed_to_its_newest_match_and_across_rotation(tmp_path: Path, watches: list[Watch]) -> None:
    first = tmp_path / "u_ex260517.log"
    first.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 0), newline="")
    (tmp_path / "notes.txt").write_text("not a log")
    w = Watch(tmp_path / "u_ex*.log")
    watches.append(w)
    time.sleep(0.2)
    append(first, line("2026-05-17", 1))
    w.wait_for(lambda items: "id-1" in w.ids())
    second = tmp_path / "u_ex260518.log"
    second.write_text(HEADER.format(day="2026-05-18") + line("2026-05-18", 2), newline="")
    w.wait_for(lambda items: "id-2" in w.ids())
    assert w.ids() == ["id-1", "id-2"]
    assert any(isinstance(i, Rotation) and i.new == str(second) and i.reason == "new file" for i in w.items)


def test_a_glob_matching_nothing_is_one_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(LogInputError, match="no file matches this glob") as err:
        next(follow(str(tmp_path / "u_ex*.log"), stop=lambda: True))
    assert str(tmp_path / "u_ex*.log") in str(err.value)


def test_a_tail_waits_for_a_log_that_does_not_exist_yet_and_reads_it_whole_when_it_appears(tmp_path: Path) -> None:
    from console.engine.logs.tail import Tail

    log = tmp_path / "u_ex260517.log"
    tail = Tail(str(log))
    assert tail.waiting == "no such file or folder" and tail.poll() == []
    log.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 7), newline="")
    got = tail.poll()
    assert tail.waiting is None
    assert isinstance(got[0], Rotation) and got[0].reason == "appeared"
    assert [i.get("X-Correlation-Id") for i in got if isinstance(i, LogRecord)] == ["id-7"]
    tail.close()


def test_a_tail_polled_again_later_catches_up_and_counts_what_it_skips(tmp_path: Path) -> None:
    from console.engine.logs.tail import Skipped, Tail

    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17") + line("2026-05-17", 0), newline="")
    tail = Tail(str(log))
    append(log, "".join(line("2026-05-17", n) for n in range(1, 6)))
    assert [i.get("X-Correlation-Id") for i in tail.poll() if isinstance(i, LogRecord)] == [
        f"id-{n}" for n in (1, 2, 3, 4, 5)
    ]
    # Nobody polls for a while: 5,000 lines, a new header block among them, and a blank line.
    append(log, "".join(line("2026-05-17", n) for n in range(6, 2006)) + "\r\n")
    append(log, HEADER.format(day="2026-05-17") + "".join(line("2026-05-17", n) for n in range(2006, 5006)))
    got = tail.poll(keep_last=100)
    records = [i for i in got if isinstance(i, LogRecord)]
    skipped = sum(i.lines for i in got if isinstance(i, Skipped))
    assert [r.get("X-Correlation-Id") for r in records] == [f"id-{n}" for n in range(4906, 5006)]
    assert skipped + len(records) == 5000  # every appended data line shown or counted
    assert records[-1].line == 1 + 4 + 5 + 2000 + 1 + 4 + 3000  # true line numbers after the skip
    tail.close()


def test_a_backlog_of_many_megabytes_is_skipped_with_an_exact_count(tmp_path: Path) -> None:
    from console.engine.logs.tail import Skipped, Tail

    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.format(day="2026-05-17"), newline="")
    tail = Tail(str(log))
    append(log, "".join(line("2026-05-17", n) for n in range(60_000)))  # several read chunks
    got = tail.poll(keep_last=10)
    records = [i for i in got if isinstance(i, LogRecord)]
    assert sum(i.lines for i in got if isinstance(i, Skipped)) + len(records) == 60_000
    assert records[-1].get("X-Correlation-Id") == "id-59999"
    tail.close()
