"""The compiled --json renderer (console/engine/logs/_rows.c) writes, byte for byte, what orjson writes of row_dict
for each row, and gives up (None) on what it does not vouch for — a lone surrogate, an integer beyond orjson's 64
bits, a bool where row_dict declares an int — so json_rows renders those batches the reference way. A machine
without a C compiler writes orjson of row_dict a row: json_rows gives the same bytes either way."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_join_json_render import HOSTILE, both, gateway, iis, reference, row
from test_join_writers import join_rows, reference_json

from console.engine.logs import join_output
from console.engine.logs.join_output import json_rows, row_dict
from console.engine.logs.join_report import JoinRow


def compiled(rows: list[JoinRow]) -> bytes | None:
    if join_output._rows is None:
        pytest.skip("console/engine/logs/_rows.c is not built here")
    return join_output._compiled(rows)  # render(), and None when orjson refuses a one-sided row


def test_built_where_a_compiler_is() -> None:
    import shutil
    import sysconfig

    if shutil.which(sysconfig.get_config_var("CC").split()[0] or "cc") is None:
        pytest.skip("no C compiler on this machine: json_rows writes orjson of row_dict a row")
    assert join_output._rows is not None, "console/engine/logs/_rows.c was not built: run `make` (pip install -e .)"


def test_ordinary_rows_and_one_sided_ones_among_them() -> None:
    rows = [*both(3), row(gateway(), None, iis_user=None), *both(2), row(None, iis(), gateway_caller=None)]
    assert compiled(rows) == reference(rows)
    assert compiled([]) == b""


@pytest.mark.parametrize("value", [*HOSTILE, "\b\t\n\f\r", "\x01\x0b\x0e\x1e", "\u0085", "\ufeff"])
@pytest.mark.parametrize(
    "where",
    [
        "key",
        "note",
        "gateway_caller",
        "iis_user",
        "iis_status",
        "g.source",
        "g.method",
        "g.path",
        "g.request_id",
        "g.callers",
        "i.source",
        "g.time",
    ],
)
def test_a_hostile_text_anywhere_is_escaped_as_orjson_escapes_it(where: str, value: str) -> None:
    g, i = gateway(), iis()
    fields: dict[str, Any] = {}
    if where == "g.callers":
        g = g._replace(callers=(value, "alice", value))
    elif where.startswith("g."):
        g = g._replace(**{where[2:]: value})
    elif where.startswith("i."):
        i = i._replace(**{where[2:]: value})
    else:
        fields[where] = value
    rows = [row(g, i, **fields), *both(2)]
    assert compiled(rows) == reference(rows)


@pytest.mark.parametrize("number", [0, -1, 1 << 62, (1 << 63) - 1, 1 << 63, (1 << 64) - 1, -(1 << 63), None])
def test_integers_within_orjsons_range(number: int | None) -> None:
    rows = [
        row(
            gateway(integration_status=number, line=abs(number or 0)),
            iis(line=abs(number or 0) + 1),
            gateway_status=number,
        )
    ]
    if number is not None:
        rows.append(row(gateway(duplicates=abs(number)), iis(duplicates=abs(number))))
    assert compiled(rows) == reference(rows)


@pytest.mark.parametrize(
    "odd",
    [
        {"gateway_status": 1 << 64},  # beyond orjson's 64 bits
        {"gateway_status": -(1 << 63) - 1},
        {"gateway_status": True},  # a bool: orjson writes true
        {"note": "\ud800"},  # a lone surrogate: no UTF-8 of it
        {"g": gateway(callers=("a", None))},  # type: ignore[arg-type]
        {"g": gateway(line="7")},  # a line that is not an int
        {"iis_status": 401},
    ],
)
def test_what_it_does_not_vouch_for_is_none_and_json_rows_writes_the_reference(odd: dict[str, Any]) -> None:
    g = odd.pop("g", gateway())
    rows = [*both(2), row(g, iis(), **odd)]
    assert compiled(rows) is None
    out = io.BytesIO()
    json_rows(rows, out)
    assert out.getvalue() == reference_json(rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(join_rows(), max_size=12))
def test_any_rows_are_orjsons_or_given_up(rows: list[JoinRow]) -> None:
    made = compiled(rows)
    if made is not None:
        assert made == b"".join(b",\n  " + orjson.dumps(row_dict(r), default=str) for r in rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(join_rows(), max_size=12), st.booleans())
def test_json_rows_is_the_same_with_and_without_the_compiled_renderer(rows: list[JoinRow], first: bool) -> None:
    outputs = []
    for built in (True, False):
        out = io.BytesIO()
        with pytest.MonkeyPatch.context() as patch:
            if not built:
                patch.setattr(join_output, "_rows", None)
            patch.setattr(join_output, "_BATCH", 4)
            json_rows(rows, out, first=first)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == reference_json(rows, first)


@settings(max_examples=100, deadline=None)
@given(st.lists(join_rows(), max_size=12), st.integers(-2, 14), st.integers(-2, 14), st.booleans())
def test_a_range_of_the_rows_is_the_slice_written(rows: list[JoinRow], lo: int, hi: int, first: bool) -> None:
    """json_rows_range (what each of the two writers renders) writes rows[lo:hi] as json_rows writes that slice."""
    from console.engine.logs.join_output import json_rows_range

    lo, hi = max(lo, 0), max(hi, 0)
    ranged, sliced = io.BytesIO(), io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(join_output, "_BATCH", 4)
        json_rows_range(rows, lo, min(hi, len(rows)), ranged, first)
        json_rows(list(rows[lo:hi]), sliced, first)
    assert ranged.getvalue() == sliced.getvalue() == reference_json(rows[lo:hi], first)
