"""The join's row writers (``--json``'s json_rows, ``--csv``'s fast_csv_rows) give byte for byte what the reference
ways give (orjson of row_dict a row, json where orjson refuses; csv_rows of csv_row), on generated rows of every shape
and verdict with hostile values: quotes, backslashes, commas, control characters, U+2028, lone surrogates, formula
starts, huge integers; and across batch boundaries."""

from __future__ import annotations

import io
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.commands import logs_join
from console.commands.logs_join import fast_csv_rows
from console.commands.logs_output import csv_rows
from console.engine.logs import join_output
from console.engine.logs.join_output import CSV_HEADER, csv_row, json_rows, row_dict
from console.engine.logs.join_report import GatewaySide, IisSide, JoinRow
from console.engine.logs.join_verdict import JoinVerdict

_HOSTILE = ['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "\ud800", ",", "=1+2", "-5", "-x", "+", "@", "\t", "\r\n", "é"]
text = st.one_of(
    st.sampled_from(["alice", r"CONTOSO\alice", "/prod/orders", "GET", "", "-", *_HOSTILE]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=12),
)
maybe_text = st.none() | text
number = st.none() | st.sampled_from([200, 401, 0]) | st.integers()  # beyond 64 bits: orjson refuses, json writes
gateway_time = st.none() | st.sampled_from(["17/May/2026:10:00:00 +0000", "1779000000000"]) | text
iis_time = st.none() | st.sampled_from(["2026-05-17 10:00:00"]) | text
line = st.integers(min_value=0, max_value=1 << 70)

gateway_side = st.builds(
    GatewaySide,
    source=text,
    line=line,
    key=text,
    request_id=maybe_text,
    callers=st.lists(text, max_size=3).map(tuple),
    status=number,
    integration_status=number,
    error_type=maybe_text,
    method=text,
    path=text,
    time=gateway_time,
    duplicates=st.integers(min_value=0, max_value=3),
)
iis_side = st.builds(
    IisSide,
    source=text,
    line=line,
    key=maybe_text,
    user=maybe_text,
    status=text,
    code=number,
    method=text,
    path=text,
    time=iis_time,
    duplicates=st.integers(min_value=0, max_value=3),
)


@st.composite
def join_rows(draw: st.DrawFn) -> JoinRow:
    gateway = draw(st.none() | gateway_side)
    iis = draw(st.none() | iis_side)
    key = draw(st.sampled_from([gateway.key if gateway else None, iis.key if iis else None]) | maybe_text)
    return JoinRow(
        key,
        draw(st.sampled_from(JoinVerdict)),
        gateway,
        iis,
        draw(maybe_text),
        draw(maybe_text),
        draw(number),
        draw(maybe_text),
        draw(text),
    )


def reference_json(rows: list[JoinRow], first: bool = True) -> bytes:
    """Each row's orjson text (json's when orjson refuses the row), as array items."""
    texts = []
    for row in rows:
        try:
            texts.append(orjson.dumps(row_dict(row), default=str))
        except TypeError:
            texts.append(json.dumps(row_dict(row), default=str).encode())
    return (b"\n  " if first else b",\n  ") + b",\n  ".join(texts) if rows else b""


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(join_rows(), max_size=9), first=st.booleans())
def test_json_rows_writes_orjson_of_row_dict_for_every_row(rows: list[JoinRow], first: bool) -> None:
    out = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(join_output, "_BATCH", 4)  # a batch orjson refuses beside ones it takes
        json_rows(rows, out, first=first)
    assert out.getvalue() == reference_json(rows, first)


def test_json_rows_across_batches_with_a_row_orjson_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone surrogate in one row of a batch: that row is json's, every other row orjson's, order kept."""
    monkeypatch.setattr(join_output, "_BATCH", 3)
    base = GatewaySide("g.log", 1, "k", "k", ("alice",), 200, 200, None, "GET", "/p", "17/May/2026:10:00:00 +0000")
    rows = [JoinRow(f"k{n}", JoinVerdict.MISSING_AT_IIS, base, None, "alice", None, 200, None, "") for n in range(8)]
    rows[4] = rows[4]._replace(note="bad \ud800 value", gateway_caller="é")
    out = io.BytesIO()
    json_rows(rows, out)
    assert out.getvalue() == reference_json(rows)
    assert b"\\ud800" in out.getvalue() and b'"k7"' in out.getvalue()


def reference_csv(rows: list[JoinRow]) -> str:
    out = io.StringIO()
    csv_rows(CSV_HEADER, map(csv_row, rows), out)
    header = io.StringIO()
    csv_rows(CSV_HEADER, (), header)
    return out.getvalue()[len(header.getvalue()) :]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(join_rows(), max_size=9))
def test_fast_csv_rows_writes_what_csv_rows_writes(rows: list[JoinRow]) -> None:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logs_join, "_CSV_BATCH", 4)  # batches where the unique columns are plain and where not
        fast_csv_rows(rows, out)
    assert out.getvalue() == reference_csv(rows)


def test_fast_csv_rows_takes_plain_unique_cells_as_they_are_and_guards_the_others() -> None:
    side = GatewaySide("g.log", 7, "k", "k", ("alice",), 200, 200, None, "GET", "/p", "17/May/2026:10:00:00 +0000")
    rows = [
        JoinRow("plain-key", JoinVerdict.MISSING_AT_IIS, side, None, "alice", None, 200, None, "a, b"),
        JoinRow("=cmd()", JoinVerdict.MISSING_AT_IIS, side, None, "alice", None, 200, None, ""),
        JoinRow('say "hi"', JoinVerdict.MISSING_AT_IIS, side, None, "alice", None, 200, None, ""),
    ]
    out = io.StringIO()
    fast_csv_rows(rows, out)
    lines = out.getvalue().splitlines()
    assert out.getvalue() == reference_csv(rows)
    assert lines[0].startswith("plain-key,missing_at_iis,") and lines[0].endswith(',"a, b"')
    assert lines[1].startswith("'=cmd(),") and lines[2].startswith('"say ""hi""",')
