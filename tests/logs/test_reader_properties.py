"""Properties: what logkit writes the reader reads back; arbitrary bytes never raise and every line is accounted."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import ADVANCED_SOFTWARE, HTTPERR_SOFTWARE, IIS_SOFTWARE, Block, advanced_value, render, w3c_value

from console.engine.logs import reader
from console.engine.logs.model import LogKind, LogRecord, Quarantined, Tally
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource

_DIR = tempfile.TemporaryDirectory(prefix="baton-logs-")
_URL_FIELDS = {"cs-uri-query", "cs-uri", "cs(referer)"}
FIELD = st.sampled_from(
    [
        "date",
        "time",
        "c-ip",
        "cs-username",
        "cs-uri-stem",
        "cs-uri-query",
        "sc-status",
        "sc-win32-status",
        "cs(User-Agent)",
        "X-Correlation-Id",
        "cs(X-Forwarded-For)",
        "s-reason",
        "TimeTakenMS",
        "x-custom",
    ]
)
# Plain text as an application sees it; no "+" (IIS's space), no CR/LF/NUL (never inside a value).
TEXT = st.text(st.characters(exclude_characters="+\r\n\0", exclude_categories=("Cs",)), max_size=12)


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


@contextmanager
def small_chunks(chunk: int, fast: bool) -> Iterator[None]:
    saved = reader.CHUNK, reader.FAST
    reader.CHUNK, reader.FAST = chunk, fast
    try:
        yield
    finally:
        reader.CHUNK, reader.FAST = saved


def read_bytes(data: bytes, chunk: int = 1 << 20, fast: bool = True) -> tuple[list[LogRecord | Quarantined], Tally]:
    path = Path(_DIR.name) / "u_ex_prop.log"
    path.write_bytes(data)
    tally = Tally()
    with small_chunks(chunk, fast):
        items = list(read(LogSource(path, None, "u_ex_prop.log", False), tally))
    return items, tally


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[Block], list[list[str]], LogKind]:
    """Blocks of random schemas (a block without a header continues the one before) and every value's plain text."""
    kind = draw(st.sampled_from([LogKind.W3C, LogKind.ADVANCED, LogKind.HTTPERR]))
    software = {LogKind.W3C: IIS_SOFTWARE, LogKind.ADVANCED: ADVANCED_SOFTWARE, LogKind.HTTPERR: HTTPERR_SOFTWARE}
    encode = advanced_value if kind is LogKind.ADVANCED else w3c_value
    blocks: list[Block] = []
    texts: list[list[str]] = []
    for _ in range(draw(st.integers(1, 3))):
        header = not blocks or draw(st.booleans())
        if header:
            names = draw(st.lists(FIELD, min_size=1, max_size=6, unique_by=str.lower))
            fields = ["date", *(f for f in names if f != "date" and (f != "s-reason" or kind is LogKind.HTTPERR))]
        else:
            fields = list(blocks[-1].fields)
        rows = []
        for _ in range(draw(st.integers(0, 4))):
            values = ["2026-05-17", *(draw(TEXT) for _ in fields[1:])]
            if kind is not LogKind.ADVANCED:
                values = [v.replace('"', "'") for v in values]  # W3C and HTTPERR values are never quoted
            texts.append(values)
            rows.append([encode(v) for v in values])
        blocks.append(Block(fields, rows, software=software[kind], header=header))
    return blocks, texts, kind


@settings(max_examples=200, deadline=None)
@given(logs(), st.sampled_from(["\r\n", "\n"]), st.booleans(), st.sampled_from([16, 1 << 20]))
def test_round_trip(
    generated: tuple[list[Block], list[list[str]], LogKind], line_end: str, final_end: bool, chunk: int
) -> None:
    blocks, texts, kind = generated
    data = render(blocks, line_end, final_end)
    items, tally = read_bytes(data, chunk)
    records = [i for i in items if isinstance(i, LogRecord)]
    assert tally.balanced() and tally.lines == physical_lines(data) and tally.quarantined == 0
    assert tally.truncated_last_line == (not final_end and bool(data))
    assert len(records) == len(texts)
    written = [list(r) for b in blocks for r in b.rows]
    for record, raw, plain in zip(records, written, texts, strict=True):
        assert list(record.raw) == raw
        assert record.schema.kind is kind
        for name, value in zip(record.schema.fields, plain, strict=True):
            want = w3c_value(value) if name.lower() in _URL_FIELDS and kind is not LogKind.ADVANCED else value
            if value == "-" and kind is not LogKind.ADVANCED:
                continue  # "-" reads back as empty: IIS cannot tell them apart either
            assert record.get(name) == (want if value else "")


LINE_PARTS = st.sampled_from(
    [
        b"#Fields: date time cs-uri-stem",
        b"#Fields: a",
        b"#Software: Microsoft HTTP API 2.0",
        b"#Date: 2026-05-17",
        b"2026-05-17 10:00:00 /a",
        b"x y",
        b'"q r" s',
        b" ",
        b"  ",
        b"\t",
        b"\r",
        b"\0",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"#",
        b"",
        b"\xe9",
        b'"',
        b"a+b -",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400), st.lists(st.lists(LINE_PARTS, max_size=4).map(b"".join), max_size=12).map(b"\n".join)
    ),
    st.sampled_from([7, 64, 1 << 20]),
)
def test_arbitrary_bytes_never_raise_and_every_line_is_accounted(data: bytes, chunk: int) -> None:
    items, tally = read_bytes(data, chunk)
    assert tally.balanced() and tally.lines == physical_lines(data)
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    lines = [i.line for i in items]
    assert lines == sorted(set(lines))
    assert all(i.offset == starts[i.line - 1] for i in items)
    assert all(i.reason for i in items if isinstance(i, Quarantined))
    slow, slow_tally = read_bytes(data, chunk, fast=False)
    assert slow == items and slow_tally == tally  # the decode-once path and the line-by-line path agree


@settings(max_examples=100, deadline=None)
@given(st.lists(LINE_PARTS, max_size=30).map(b"\r\n".join), st.data())
def test_resume_at_any_line_start_reads_what_a_full_read_does(data: bytes, pick: st.DataObject) -> None:
    full, _ = read_bytes(data)
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    start = pick.draw(st.sampled_from(starts))
    path = Path(_DIR.name) / "u_ex_prop.log"
    tally = Tally()
    rest = list(read(LogSource(path, None, "u_ex_prop.log", False), tally, start=start))
    assert rest == [i for i in full if i.offset >= start]
    assert tally.balanced() and tally.lines == physical_lines(data[start:])
