"""The compiled LF counter (console/engine/logs/_lf.c) gives bytes.count's answers, and the search gives the same line
numbers with it and without it (a machine without a C compiler counts with bytes.count)."""

from __future__ import annotations

import mmap
import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_linecount import naive, walk

from console.engine.logs import linecount
from console.engine.logs.linecount import LineCounter

ROOT = Path(__file__).resolve().parents[2]


def _compiled() -> object:
    try:
        from console.engine.logs import _lf
    except ImportError:
        return None
    return _lf


def marks(data: bytes, start: int, end: int) -> int:
    """'#' bytes in data[start:end] right after a LF (the byte before ``start`` included)."""
    return sum(1 for i in range(max(start, 1), end) if data[i] == 0x23 and data[i - 1] == 0x0A)


def test_built_where_a_compiler_is() -> None:
    """`make` builds the counter on a machine with a C compiler; without it search is a quarter as fast."""
    if shutil.which(sysconfig.get_config_var("CC").split()[0] or "cc") is None:
        pytest.skip("no C compiler on this machine: the bytes.count fallback is in use")
    assert _compiled() is not None, "console/engine/logs/_lf.c was not built: run `make` (pip install -e .)"


texts = st.binary(max_size=3000) | st.lists(st.sampled_from([b"\n", b"#", b"a", b"\r", b"\n#"]), max_size=1200).map(
    b"".join
)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(-5, 3100), st.integers(-5, 3100))
def test_count_and_tally_are_bytes_counts(data: bytes, start: int, end: int) -> None:
    lf = _compiled()
    if lf is None:
        pytest.skip("the counter is not built")
    lo, hi = max(start, 0), min(end, len(data))
    expected = data[lo:hi].count(b"\n") if lo < hi else 0
    assert lf.count(data, start, end) == expected  # type: ignore[attr-defined]
    assert lf.tally(data, start, end) == (expected, marks(data, lo, hi) if lo < hi else 0)  # type: ignore[attr-defined]


def test_long_runs_do_not_overflow_the_byte_lanes() -> None:
    """Every byte a LF for far more than 255 rounds of 64 lanes: the partial sums must be added before they wrap."""
    lf = _compiled()
    if lf is None:
        pytest.skip("the counter is not built")
    data = b"\n#" * 300_000 + b"\n"
    assert lf.count(data) == 300_001  # type: ignore[attr-defined]
    assert lf.tally(data, 0, len(data)) == (300_001, 300_000)  # type: ignore[attr-defined]
    assert lf.tally(data, 1, len(data)) == (300_000, 300_000)  # type: ignore[attr-defined]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "bytes.count"])
def test_line_numbers_the_same_with_and_without_the_counter(
    compiled: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if compiled and _compiled() is None:
        pytest.skip("the counter is not built")
    if not compiled:
        monkeypatch.setattr(linecount, "_compiled", None)
        monkeypatch.setattr(linecount, "_compiled_tally", None)
    lines = [b"#Fields: date time c-ip", *(b"2026-01-01 00:00:%02d id-%d" % (i % 60, i % 13) for i in range(4000))]
    lines[2000] = b"#Fields: date time x"
    data = b"\n".join(lines) + b"\n"
    path = tmp_path / "u_ex.log"
    path.write_bytes(data)
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        counter = LineCounter(mapped, b"id-7", parallel=False, block=4096)
        with counter:
            assert walk(counter, data, b"id-7") == naive(data, b"id-7")
