"""The IIS log search keeps each file's place across traces: later traces read only what was written since, and a
file rewritten in place (or replaced) is read afresh — never a line of the old file, never a missed line of the new."""

from __future__ import annotations

import time
from pathlib import Path

from console.engine.probes import iis_logs
from console.engine.probes.iis_logs import LogQuery, search_logs

HEAD = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Fields: date time cs-method cs-uri-stem sc-status X-Correlation-Id\n"
)


def line(n: int, cid: str) -> str:
    return f"2026-05-17 10:00:{n:02d} GET /orders/{n} 200 {cid}\n"


def found(log: Path, cid: str) -> list[str]:
    now = time.time()
    query = LogQuery(cid, "X-Correlation-Id", sent_at=now, finished_at=now, method="GET", path="/orders")
    result = search_logs(query, str(log), None, wait=0.0)
    return [r.get("X-Correlation-Id") or "" for r in result.by_id]


def test_a_later_trace_finds_a_line_appended_since_the_last_one(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEAD + line(1, "a-1"))
    assert found(log, "a-1") == ["a-1"]
    with log.open("a") as handle:
        handle.write(line(2, "a-2"))
    assert found(log, "a-2") == ["a-2"]
    assert found(log, "a-1") == ["a-1"]  # what was read before is still there


def test_a_file_rewritten_in_place_is_read_afresh(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260518.log"
    log.write_text(HEAD + line(1, "old-1"))
    assert found(log, "old-1") == ["old-1"]
    # same inode, new content, larger: an offset kept from the old file would start mid-line in the new one
    log.write_text(HEAD.replace("10.0", "10.0 ") + line(1, "new-1") + line(2, "new-2") + line(3, "new-3"))
    assert found(log, "new-1") == ["new-1"]
    assert found(log, "old-1") == []


def test_the_kept_places_are_bounded(tmp_path: Path) -> None:
    for n in range(iis_logs._SHARED_MAX + 5):
        log = tmp_path / f"u_ex2605{n:02d}.log"
        log.write_text(HEAD + line(1, f"id-{n}"))
        assert found(log, f"id-{n}") == [f"id-{n}"]
    assert len(iis_logs._SHARED) <= iis_logs._SHARED_MAX
