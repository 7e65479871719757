"""The gateway side read in runs (one pattern per shape, join_gateway.BULK_LINES) gives exactly what the line-by-line
read gives: same tallies, quarantined lines, keys, tuples, duplicates and retries, whatever the bytes."""

from __future__ import annotations

import json
import marshal
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.logs import join_gateway
from console.engine.logs.gateway_fields import CORRELATION_KEYS
from console.engine.logs.gateway_rows import line_pattern
from console.engine.logs.join_gateway import _Range, ranges, scan_range
from console.engine.logs.sources import expand


def line(rid: str, **more: object) -> str:
    values: dict[str, object] = {
        "requestId": rid,
        "requestTime": "17/May/2026:10:00:00 +0000",
        "httpMethod": "GET",
        "path": "/prod/orders",
        "status": "200",
        "integrationStatus": "200",
        "sub": "alice",
        "principalId": "alice",
        "correlationId": rid,
    }
    return json.dumps(values | more, separators=(",", ":"), ensure_ascii=False)


def loaded(blob: bytes) -> tuple[list[object], list[object]]:
    """A range's records (key, tuple) in file order (dict equality would ignore the order), and its retries."""
    records, repeats = marshal.loads(blob)  # noqa: S302
    return list(records.items()), repeats


def read(path: Path, bulk: bool, monkeypatch: pytest.MonkeyPatch, parts: int = 1) -> list[object]:
    """scan_range over ``parts`` ranges, results loaded, with runs on or off; and how many runs were taken."""
    monkeypatch.setattr(join_gateway, "BULK_LINES", bulk)
    taken: list[int] = []
    real = _Range.run

    def spy(self: _Range, block: bytes, number: int) -> int:
        read = real(self, block, number)
        taken.append(read > 0)
        return read

    monkeypatch.setattr(_Range, "run", spy)
    (source,) = expand([str(path)])
    out: list[object] = []
    for begin, end in ranges(source, parts):
        tally, kept, unkeyed, dups, blob = scan_range(source, begin, end, None, CORRELATION_KEYS)
        out.append((tally.as_dict(), tally.truncated_last_line, kept, unkeyed, dups, loaded(blob)))
    out.append(sum(taken))
    return out


ODD_LINES = [
    "\ufeff" + line("bom"),  # a BOM before the first line: read line by line
    line("a"),
    line("b", sub="bob"),
    "",  # blank
    line("c", path='/prod/with\\"quote'),  # an escape in a value
    line("d").replace('"GET"', '"G\\u0045T"'),  # an escape that decodes to a plain value
    line("e").replace('"requestId"', '"request\\u0049d"'),  # an escaped key
    line("f", status=200),  # a number
    line("g").replace(",", ", ", 1),  # a space between tokens
    line("a"),  # a key again: the last wins, the earlier is a retry
    line("-", correlationId="-", extendedRequestId="-"),  # no key at all
    line("UUID_REPLACED_INVALID_REQUEST_ID", correlationId="-", extendedRequestId="X1="),
    line("h", sub="-", principalId=""),  # empty callers
    line("i", sub="carol", principalId="dave"),  # two callers
    '{"requestId":"x"} trailing',
    "[1, 2]",
    line("j", sub="\u00e9l\u00e8ve \u4e2d"),  # not ASCII
    line("k", sub="x" * 5000),  # longer than the block in the test
    line("l", nested={"sub": "n"}),
]


READERS = ["compiled", "pattern"]
"""How runs are read: by _runs.c (where built) or by the per-shape pattern (a machine without a C compiler)."""


def use_reader(patch: pytest.MonkeyPatch, reader: str) -> None:
    if reader == "pattern":
        patch.setattr(join_gateway, "_runs", None)
    elif join_gateway._runs is None:
        pytest.skip("console/engine/logs/_runs.c is not built here")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("crlf", [False, True])
def test_runs_and_lines_agree_on_odd_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crlf: bool, reader: str
) -> None:
    use_reader(monkeypatch, reader)
    monkeypatch.setattr(join_gateway, "BLOCK", 1024)  # many blocks: every odd line ends up beside plain ones
    lines: list[str] = []
    for n, odd in enumerate(ODD_LINES * 3):  # runs of plain lines, an odd one between them
        lines += [line(f"p{n}-{m}", sub=f"user{m % 7}") for m in range(12)] + [odd]
    lines += [line("p3-5", sub="again")]  # a key of an earlier block again
    end = "\r\n" if crlf else "\n"
    path = tmp_path / "access.log"
    path.write_bytes((end.join(lines) + end).encode() + b"\xff\xfe not utf-8\n" + line("tail").encode())
    for parts in (1, 2, 3):
        runs, by_line = read(path, True, monkeypatch, parts), read(path, False, monkeypatch, parts)
        assert runs[:-1] == by_line[:-1]
        assert runs[-1] > 0 and by_line[-1] == 0  # the runs were really taken (and never with them off)


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "-", ""]),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
            st.sampled_from(["\n", "\r\n", "\r\r\n"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_runs_and_lines_agree_on_any_values(reader: str, rows: list[tuple[str, str, str]]) -> None:
    """Any text in a value (quotes, backslashes, control characters, U+2028, surrogates written as escapes)."""
    text = "".join(line(key or "-", correlationId=key or "-", sub=value) + end for key, value, end in rows)
    blobs = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.log"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        (source,) = expand([str(path)])
        for bulk in (True, False):
            with pytest.MonkeyPatch.context() as patch:
                use_reader(patch, reader)
                patch.setattr(join_gateway, "BULK_LINES", bulk)
                patch.setattr(join_gateway, "BLOCK", 256)
                tally, kept, unkeyed, dups, blob = scan_range(source, 0, None, None, CORRELATION_KEYS)
                blobs.append((tally.as_dict(), kept, unkeyed, dups, loaded(blob)))
    assert blobs[0] == blobs[1]


def test_line_pattern_only_for_plain_shapes() -> None:
    assert line_pattern(json.loads(line("a")), CORRELATION_KEYS) is not None
    assert line_pattern(json.loads(line("a", status=200)), CORRELATION_KEYS) is None  # a number: not a plain string
    assert line_pattern({'re"questId': "a", "sub": "b"}, CORRELATION_KEYS) is None  # a key needing an escape
    assert line_pattern(json.loads(line("a", authorizer={"sub": "x"})), CORRELATION_KEYS) is None  # a nested value


def test_records_share_repeated_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A million records hold a few thousand distinct callers, times, paths: each is kept once (memory)."""
    path = tmp_path / "access.log"
    path.write_text("".join(line(f"r{n}") + "\n" for n in range(50)))
    (source,) = expand([str(path)])
    *_, blob = scan_range(source, 0, None, None, CORRELATION_KEYS)
    records, _ = loaded(blob)
    values = [value for _, value in records]
    assert len({id(v[4]) for v in values}) == 1 and len({id(v[9]) for v in values}) == 1
    assert all(v[2] is v[3] for v in values)  # the request id that is the key is the key
