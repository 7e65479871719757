"""The two-core id search: the hits and line numbers of a file cut in two are the obvious ones, whatever fails.

The cut is forced on small files with small blocks. The fork happens in this process when it runs no other thread,
else each check runs in a fresh interpreter (the engine never forks a threaded process by itself).
"""

from __future__ import annotations

import json
import mmap
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import DEFAULT_FIELDS, Block, render, row
from test_search import streamed

from console.engine.logs import linecount
from console.engine.logs.linecount import LineCounter, can_fork
from console.engine.logs.search import Query, search
from console.engine.logs.sources import LogSource

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
NEEDLE = b"id-7"
_DIR = tempfile.TemporaryDirectory(prefix="baton-linecount-")


def naive(data: bytes, needle: bytes) -> list[tuple[int, int]]:
    """(hit, LFs before its line) for each line holding the needle: the first occurrence, then on after the line."""
    out, pos = [], 0
    while (hit := data.find(needle, pos)) >= 0:
        start = data.rfind(b"\n", 0, hit) + 1
        out.append((hit, data.count(b"\n", 0, start)))
        end = data.find(b"\n", hit)
        if end < 0:
            break
        pos = end + 1
    return out


def walk(counter: LineCounter, data: bytes, needle: bytes) -> list[tuple[int, int]]:
    """The same through the counter, checking its directive searches against the obvious ones on the way."""
    out, pos, last = [], 0, 0
    while (hit := counter.next_hit(pos)) >= 0:
        start = data.rfind(b"\n", 0, hit) + 1
        out.append((hit, counter.before(start)))
        assert counter.rfind_directive(start) == data.rfind(b"\n#", 0, start)
        assert counter.directive_between(last, start) == (data.find(b"\n#", last, start) >= 0)
        last = start
        end = data.find(b"\n", hit)
        if end < 0:
            break
        pos = end + 1
    return out


def check(data: bytes, block: int, needle: bytes = NEEDLE, child: str = "") -> None:
    """The counter's walk, cut in two (``child`` names a broken child to install), is the naive one."""
    path = Path(_DIR.name) / "data.bin"
    path.write_bytes(data)
    if not can_fork():
        argv = [sys.executable, "-c", _ISOLATED, str(HERE), str(path), str(block), needle.hex(), child]
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, timeout=60)
        return
    _check_file(path, block, needle, child)


def _check_file(path: Path, block: int, needle: bytes, child: str) -> None:
    data = path.read_bytes()
    if not data:
        return
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        original = LineCounter._child
        if child:
            LineCounter._child = BROKEN[child]  # type: ignore[method-assign,assignment]
        try:
            with LineCounter(mapped, needle, parallel=True, block=block) as counter:
                assert counter.half == (len(data) if len(data) <= block else -(-len(data) // block) // 2 * block)
                assert walk(counter, data, needle) == naive(data, needle)
        finally:
            LineCounter._child = original  # type: ignore[method-assign]


def _dies_at_once(self: LineCounter, out: int) -> None:
    raise OSError("the child could not start")


def _dies_after_one_hit(self: LineCounter, out: int) -> None:
    hit = self._data.find(self._needle, self.half)
    if hit >= 0:
        os.write(out, (linecount._HIT | hit).to_bytes(8, "little"))
    raise OSError("the child died mid-way")


BROKEN: dict[str, Callable[[LineCounter, int], None]] = {
    "at_once": _dies_at_once,
    "after_one_hit": _dies_after_one_hit,
}

_ISOLATED = """
import sys
sys.path.insert(0, sys.argv[1])
import test_linecount
from pathlib import Path
test_linecount._check_file(Path(sys.argv[2]), int(sys.argv[3]), bytes.fromhex(sys.argv[4]), sys.argv[5])
"""

PIECE = st.sampled_from(
    [b"id-7", b"id-", b"7", b"x", b" ", b"\n", b"\r\n", b"\n#F", b"#", b"id-7id-7", b"\xef\xbb\xbf"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECE, max_size=60), st.sampled_from([4, 7, 16, 64]))
def test_hits_and_line_numbers_of_a_cut_file_are_the_obvious_ones(pieces: list[bytes], block: int) -> None:
    check(b"".join(pieces), block)


@pytest.mark.parametrize("child", ["", "at_once", "after_one_hit"])
@pytest.mark.parametrize("where", range(0, 40, 3))
def test_a_needle_across_the_cut_and_a_failing_child_change_nothing(child: str, where: int) -> None:
    lines = b"".join(b"line %d id-7 and id-7\n" % i if i % 3 == 0 else b"plain line %d\n" % i for i in range(12))
    data = lines[:where] + b"id-7" + lines[where:]  # somewhere around the cut at the middle
    check(data, block=len(data) // 2 + 1, child=child)
    check(data, block=16, child=child)


def search_cut(name: str) -> list[tuple[int, int, list[str]]]:
    """``search`` of an id in the file, forced to cut it in two with small blocks; checks that it forked once."""
    path = Path(name)
    forks: list[int] = []
    fork = LineCounter._fork

    def counted(self: LineCounter) -> None:
        forks.append(1)
        fork(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linecount, "BLOCK", 512)
        patch.setattr(LineCounter, "_fork", counted)
        got = [
            (r.line, r.offset, list(r.raw)) for r in search([source(path)], Query(correlation_id="id-7"), split_min=1)
        ]
    assert forks == [1]
    return got


def source(path: Path) -> LogSource:
    return LogSource(path, None, path.name, False)


def test_search_cut_in_two_finds_what_the_reader_finds() -> None:
    fields = (*DEFAULT_FIELDS, "X-Correlation-Id")
    moved = ("X-Correlation-Id", "date", "time", "sc-status", "cs-username")
    rows = [row(fields, {"X-Correlation-Id": "id-7" if i % 40 == 0 else f"other-{i}"}) for i in range(200)]
    later = [row(moved, {"X-Correlation-Id": "id-7" if i % 25 == 0 else "-"}) for i in range(100)]
    data = render([Block(fields, rows), Block(moved, later, date="2026-05-18 00:00:00"), Block(fields, rows)])
    path = Path(_DIR.name) / "cut.log"
    path.write_bytes(data)
    expected = [
        (line, offset, list(raw)) for line, offset, raw in streamed([source(path)], Query(correlation_id="id-7"))
    ]
    assert len(expected) == 5 + 4 + 5
    if can_fork():
        got = search_cut(str(path))
    else:
        code = f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import test_linecount as t; "
        code += f"print(json.dumps(t.search_cut({str(path)!r})))"
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, timeout=60)
        got = [tuple(item) for item in json.loads(out.stdout)]
    assert got == expected
