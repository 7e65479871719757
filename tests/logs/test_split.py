"""`baton logs stats` on two cores: a file cut in two and counted by a forked child gives the reader's document.

Every test forces the split on a small file (``split_min=1``) and checks that a child really counted the upper part,
with the reader's chunk and line limits made small where a test needs lines longer than them. The fork happens in
this process when it runs no other thread, else in a fresh interpreter (the engine refuses to fork a threaded one).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import Block, render
from test_stats import CID_FIELDS, oracle, traffic, write

from console.engine.logs import fastscan, linerules, reader, statscan
from console.engine.logs.linecount import can_fork
from console.engine.logs.sources import LogSource
from console.engine.logs.split import Child
from console.engine.logs.stats import KEEP_QUARANTINED, stats

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
from console.engine.logs import fastscan, linerules, reader, statscan
from console.engine.logs.sources import LogSource
from console.engine.logs.split import Child
from console.engine.logs.stats import stats
from pathlib import Path
path, chunk, limit = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for module in (reader, statscan, linerules):
    module.CHUNK = chunk
for module in (reader, statscan, fastscan, linerules):
    module.MAX_LINE = limit
forks = []
class Spy(statscan.Child):
    def __init__(self, work):
        forks.append(1)
        super().__init__(work)
statscan.Child = Spy
doc = stats([LogSource(path, None, path.name, False)], split_min=1).as_dict()
print(json.dumps({"forks": len(forks), "doc": doc}))
"""


@contextlib.contextmanager
def limits(chunk: int, max_line: int) -> Iterator[None]:
    """The reader's chunk and line limits, and the stats engine's copies of them, set small for a test."""
    with pytest.MonkeyPatch.context() as patch:
        for module in (reader, statscan, linerules):
            patch.setattr(module, "CHUNK", chunk)
        for module in (reader, statscan, fastscan, linerules):
            patch.setattr(module, "MAX_LINE", max_line)
        yield


def split_same(path: Path, chunk: int = reader.CHUNK, max_line: int = reader.MAX_LINE) -> dict[str, object]:
    """Stats of ``path`` cut in two (a child counts the upper part) == the reader's document; returns it."""
    sources = [LogSource(path, None, path.name, False)]
    with limits(chunk, max_line):
        expected = oracle(sources)
        if can_fork():
            forks: list[int] = []

            class Spy(Child[object]):
                def __init__(self, work: Callable[[], object]) -> None:
                    forks.append(1)
                    super().__init__(work)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(statscan, "Child", Spy)
                got = stats(sources, split_min=1).as_dict()
            count = len(forks)
        else:
            argv = [sys.executable, "-c", _CHILD, str(path), str(chunk), str(max_line)]
            out = json.loads(subprocess.run(argv, cwd=ROOT, capture_output=True, check=True).stdout)
            got, count = out["doc"], out["forks"]
            expected = json.loads(json.dumps(expected))
    assert got == expected
    assert count == (1 if path.stat().st_size >= 2 and b"\n" in path.read_bytes()[path.stat().st_size // 2 : -1] else 0)
    return got


def test_a_cut_log_counts_as_the_reader_reads_it() -> None:
    blocks = [Block(CID_FIELDS, traffic(500)), Block(CID_FIELDS, traffic(500, hour=14), date="2026-05-18 00:00:00")]
    got = split_same(write("cut.log", render(blocks)))
    assert got["records"] == 1000 and got["directives"] == 8


@pytest.mark.parametrize("final", [True, False])
def test_quarantined_lines_on_both_sides_keep_their_file_line_numbers_and_order(final: bool) -> None:
    bad = b"only three values\r\n"
    good = render([Block(CID_FIELDS, traffic(200))])
    data = good + bad * (KEEP_QUARANTINED - 3) + good.split(b"\r\n", 4)[4] + bad * 20 + good.split(b"\r\n", 4)[4]
    data += b"the last line, unfinished" if not final else b""
    got = split_same(write("bad_both_sides.log", data))
    assert got["truncated_last_line"] is (not final)
    kept = got["quarantined_lines"]
    assert isinstance(kept, list) and len(kept) == KEEP_QUARANTINED
    assert [q["line"] for q in kept] == sorted(q["line"] for q in kept)


def test_an_empty_fields_directive_in_the_upper_part_names_its_file_line() -> None:
    rows = traffic(300)
    data = render([Block(CID_FIELDS, rows), Block((), rows[:50], header=False)])
    data += b"#Fields:\r\n" + b"\r\n".join(" ".join(r).encode() for r in rows[:50]) + b"\r\n"
    got = split_same(write("empty_fields.log", data))
    reasons = {q["reason"] for q in got["quarantined_lines"]}  # type: ignore[attr-defined]
    assert reasons == {f"the #Fields directive on line {5 + 350} names no fields"}


def test_a_cut_before_any_fields_directive_is_counted_by_the_parent_alone() -> None:
    data = b"no header here\r\n" * 100 + render([Block(CID_FIELDS, traffic(20))])
    got = split_same(write("no_header_at_cut.log", data))
    assert got["quarantined"] == 100


def test_a_failing_child_leaves_the_parent_to_count_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(source: LogSource, cut: int) -> None:
        raise OSError("the child could not read")

    monkeypatch.setattr(statscan, "_upper", broken)
    split_same(write("child_fails.log", render([Block(CID_FIELDS, traffic(400))])))


def test_overlong_lines_at_the_cut_are_judged_where_the_reader_cuts_its_chunks() -> None:
    long = b"x" * 300
    good = render([Block(CID_FIELDS, traffic(30))])
    data = good + (long + b"\r\n") * 3 + good.split(b"\r\n", 4)[4] + long * 2 + b"\r\n" + long
    got = split_same(write("overlong.log", data), chunk=64, max_line=200)
    assert int(str(got["quarantined"])) >= 4 and got["truncated_last_line"] is True


LINE = st.one_of(
    st.binary(max_size=60),
    st.sampled_from(
        [
            b"#Fields: date time sc-status cs-username",
            b"#Fields: sc-status",
            b"#Date: 2026-05-17 09:00:00",
            b"#Fields:",
            b"",
            b"\r",
            b"2026-05-17 10:00:00 401 bob",
            b"2026-05-17 11:00:00 403 -",
            b"\xef\xbb\xbf#Version: 1.0",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, min_size=2, max_size=40), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_arbitrary_bytes_cut_anywhere_give_the_readers_document(lines: list[bytes], end: bytes, final: bool) -> None:
    data = end.join(lines) + (end if final else b"")
    split_same(write("prop_split.log", data), chunk=16, max_line=40)
