"""The compiled run reader (console/engine/logs/_runs.c) takes exactly the blocks the per-shape pattern takes, with
the same values: a machine without a C compiler reads the same runs (join_gateway._columns), only slower."""

from __future__ import annotations

import json
import shutil
import sysconfig
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.logs import join_gateway
from console.engine.logs.gateway_fields import CORRELATION_KEYS
from console.engine.logs.gateway_rows import LinePattern, line_pattern

SHAPE = {
    "requestId": "r",
    "httpMethod": "GET",
    "ip": "203.0.113.9",  # a value the row does not read
    "status": "200",
    "sub": "alice",
    "correlationId": "c",
}
PLAN = line_pattern(SHAPE, CORRELATION_KEYS)


def test_built_where_a_compiler_is() -> None:
    """`make` builds the run reader on a machine with a C compiler; without it a join reads runs far slower."""
    if shutil.which(sysconfig.get_config_var("CC").split()[0] or "cc") is None:
        pytest.skip("no C compiler on this machine: the per-shape pattern reads the runs")
    assert join_gateway._runs is not None, "console/engine/logs/_runs.c was not built: run `make` (pip install -e .)"


def compiled() -> object:
    if join_gateway._runs is None:
        pytest.skip("console/engine/logs/_runs.c is not built here")
    return join_gateway._runs


def by_pattern(block: bytes, plan: LinePattern) -> list[list[str]] | None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(join_gateway, "_runs", None)
        found = join_gateway._columns(block, plan)
    return None if found is None else [list(c) for c in found]


def by_c(block: bytes, plan: LinePattern) -> list[list[str]] | None:
    runs = compiled()
    found: Sequence[Sequence[str]] | None = runs.columns(block, plan.keys, plan.wanted)  # type: ignore[attr-defined]
    return None if found is None else [list(c) for c in found]


def plain_line(values: dict[str, str]) -> bytes:
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def test_a_plain_run_is_read_by_both_alike() -> None:
    assert PLAN is not None
    block = plain_line(SHAPE) + b"\r\n" + plain_line(SHAPE | {"sub": "\u00e9l\u00e8ve \u4e2d", "requestId": ""}) + b"\n"
    expected = [["r", "r"], ["GET", "GET"], ["200", "200"], ["alice", "\u00e9l\u00e8ve \u4e2d"], ["c", "c"]]
    expected[0][1] = ""
    assert by_c(block, PLAN) == by_pattern(block, PLAN) == expected


@pytest.mark.parametrize(
    "block",
    [
        b"",
        b'{"requestId":"r"}\n',  # another shape
        plain_line(SHAPE),  # no LF at the end
        plain_line(SHAPE) + b"\r\r\n",
        plain_line(SHAPE).replace(b'"GET"', b'"G\\u0045T"') + b"\n",  # an escape
        plain_line(SHAPE).replace(b'"GET"', b'"G\tT"') + b"\n",  # a control character
        plain_line(SHAPE).replace(b'"GET"', b'"G\xffT"') + b"\n",  # not UTF-8
        plain_line(SHAPE).replace(b'"GET"', b'"G\xed\xa0\x80T"') + b"\n",  # a surrogate written in UTF-8
        plain_line(SHAPE).replace(b",", b", ", 1) + b"\n",  # a space
        plain_line(SHAPE) + b" \n",
        plain_line(SHAPE) + b"\n\n",  # a blank line
        plain_line(SHAPE)[:-1] + b',"x":"y"}\n',  # a key more
    ],
)
def test_both_refuse_what_is_not_a_plain_run(block: bytes) -> None:
    assert PLAN is not None
    assert by_pattern(block, PLAN) is None
    assert by_c(plain_line(SHAPE) + b"\n" + block, PLAN) is None or block == b""
    assert by_c(block, PLAN) is None


pieces = st.sampled_from(
    [b'"', b"\\", b",", b":", b"{", b"}", b"\r", b"\n", b" ", b"\x00", b"\x1f", b"\x7f", b"\xc3\xa9", b"\xff", b"a"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(SHAPE)), st.lists(pieces, max_size=4).map(b"".join), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=0, max_value=3),
)
def test_c_and_pattern_agree_on_any_bytes(edits: list[tuple[str, bytes, bool]], cut: int) -> None:
    """Lines of the shape with bytes spliced into values (or around them): both accept or refuse, same values."""
    assert PLAN is not None
    lines = []
    for key, junk, around in edits:
        line = plain_line(SHAPE)
        at = line.index(b'"' + key.encode() + b'":"') + len(key) + 5
        line = line[: at - (2 if around else 0)] + junk + line[at - (2 if around else 0) :]
        lines.append(line + (b"\r\n" if around else b"\n"))
    block = b"".join(lines)
    block = block[: len(block) - cut] if cut else block
    assert by_c(block, PLAN) == by_pattern(block, PLAN)


FIELD_VALUES = {
    "requestId": ["r1", "r2", "-", "", "UUID_REPLACED_INVALID_REQUEST_ID", "c1"],
    "extendedRequestId": ["X1=", "-", ""],
    "correlationId": ["c1", "c2", "-", ""],
    "principalId": ["alice", "bob", "-", ""],
    "sub": ["alice", "carol", "-", ""],
    "status": ["200", "401", "-", "2000", "abc"],
    "integrationStatus": ["200", "-", ""],
    "errorResponseType": ["-", "UNAUTHORIZED", ""],
    "routeKey": ["GET /orders", "$default", "-"],
    "path": ["/prod/orders", "-", ""],
    "requestTime": ["17/May/2026:10:00:00 +0000", "-"],
}


@settings(max_examples=150, deadline=None)
@given(
    st.sets(st.sampled_from(sorted(FIELD_VALUES)), min_size=1).map(sorted),
    st.data(),
)
def test_columns_and_rows_agree_on_any_values(shape: list[str], data: st.DataObject) -> None:
    """Every rule of the row maker (empty values, the key's fallbacks, NOT_AN_ID, the method from the route, one or
    two callers) gives per column what it gives per line: the same records, keys, retries and keyless counts."""
    import marshal
    import tempfile
    from pathlib import Path

    from console.engine.logs.join_gateway import scan_range
    from console.engine.logs.sources import expand

    rows = data.draw(st.lists(st.fixed_dictionaries({k: st.sampled_from(FIELD_VALUES[k]) for k in shape}), max_size=30))
    block = b"".join(plain_line(row) + b"\n" for row in rows)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.log"
        path.write_bytes(block)
        (source,) = expand([str(path)])
        for bulk, reader in ((False, "pattern"), (True, "pattern"), (True, "compiled")):
            if reader == "compiled" and join_gateway._runs is None:
                continue
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(join_gateway, "BULK_LINES", bulk)
                if reader == "pattern":
                    patch.setattr(join_gateway, "_runs", None)
                tally, kept, unkeyed, dups, blob = scan_range(source, 0, None, None, CORRELATION_KEYS)
                records, repeats = marshal.loads(blob)  # noqa: S302
                results.append((tally.as_dict(), kept, unkeyed, dups, list(records.items()), repeats))
    assert all(r == results[0] for r in results[1:])
