"""--json's fast renderer (the compiled _rows.render, through join_output._compiled) writes, byte for byte, what orjson
writes of row_dict for each row: every column with hostile values (quotes, backslashes, control characters, DEL,
U+2028, non-ASCII, commas, ``},{``), None in every nullable field, rows with one side in any place of a batch, several
sources in a batch, huge line numbers, values equal to others of another type. It gives up (None) wherever orjson
refuses a row (a lone surrogate, an integer beyond 64 bits), and json_rows then writes the reference. Where _rows.c is
not built, json_rows writes the reference for every batch (test_join_writers covers that)."""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_join_writers import join_rows, reference_json

from console.engine.logs import join_output
from console.engine.logs.join_output import json_rows, row_dict
from console.engine.logs.join_report import GatewaySide, IisSide, JoinRow
from console.engine.logs.join_verdict import JoinVerdict

HOSTILE = ['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀", ",", "},{", '"key":', 'a,b"c\\d\n', "", "-"]


def reference(rows: list[JoinRow]) -> bytes | None:
    """Each row as orjson writes row_dict's, after ``,\\n  ``; None when orjson refuses a row."""
    try:
        return b"".join(b",\n  " + orjson.dumps(row_dict(row), default=str) for row in rows)
    except TypeError:
        return None


def gateway(**fields: Any) -> GatewaySide:
    base = GatewaySide("gw.log", 7, "k1", "k1", ("alice",), 200, 200, None, "GET", "/p", "17/May/2026:10:00:00 +0000")
    return base._replace(**fields)


def iis(**fields: Any) -> IisSide:
    return IisSide("u_ex.log", 9, "k1", "alice", "200.0.0", 200, "GET", "/p", "2026-05-17 10:00:00")._replace(**fields)


def row(g: GatewaySide | None = None, i: IisSide | None = None, **fields: Any) -> JoinRow:
    base = JoinRow("k1", JoinVerdict.INTACT, g, i, "alice", "alice", 200, "200.0.0", "")
    return base._replace(**fields)


def both(n: int = 3, **fields: Any) -> list[JoinRow]:
    """n ordinary rows both hops logged (lines and keys differ)."""
    return [
        row(gateway(line=10 + k, key=f"k{k}", request_id=f"k{k}"), iis(line=20 + k, key=f"k{k}"), key=f"k{k}")._replace(
            **fields
        )
        for k in range(n)
    ]


def fast(rows: list[JoinRow]) -> bytes | None:
    """The rows as the compiled renderer writes them (None: it gives up)."""
    if join_output._rows is None:
        pytest.skip("console/engine/logs/_rows.c is not built here")
    return join_output._compiled(rows)


def assert_fast_and_same(rows: list[JoinRow]) -> None:
    expected = reference(rows)
    assert expected is not None, "the reference refuses these rows: not a case for the fast path"
    assert fast(rows) == expected


SIDE_FIELDS = {
    "gateway": ["source", "key", "request_id", "method", "path", "time"],
    "iis": ["source", "key", "user", "status", "method", "path", "time"],
}


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "where", [*(f"{side}.{name}" for side, names in SIDE_FIELDS.items() for name in names), "callers", "row"]
)
def test_a_hostile_text_in_any_column_is_escaped_as_orjson_escapes_it(where: str, value: str) -> None:
    rows = both()
    for field in ["key", "gateway_caller", "iis_user", "iis_status", "note"] if where == "row" else [None]:
        changed = []
        for k, r in enumerate(rows):
            if k != 1:  # one row of the batch differs from its neighbours
                changed.append(r)
            elif where == "row":
                changed.append(r._replace(**{field: value}))  # type: ignore[arg-type]
            elif where == "callers":
                changed.append(r._replace(gateway=r.gateway._replace(callers=(value, "bob", value))))  # type: ignore[union-attr]
            else:
                side, name = where.split(".")
                changed.append(r._replace(**{side: getattr(r, side)._replace(**{name: value})}))
        assert_fast_and_same(changed)
        assert_fast_and_same([changed[1]] * 3)  # the whole batch that value


@pytest.mark.parametrize("number", [0, -1, 401, 2**63 - 1, -(2**63), 2**64 - 1, None])
def test_integers_and_none_in_every_number_field(number: int | None) -> None:
    rows = both()
    rows[1] = rows[1]._replace(
        gateway_status=number,
        gateway=rows[1].gateway._replace(integration_status=number, duplicates=number or 0),  # type: ignore[union-attr]
        iis=rows[1].iis._replace(duplicates=abs(number or 0)),  # type: ignore[union-attr]
    )
    assert_fast_and_same(rows)


def test_none_in_every_nullable_field() -> None:
    g = gateway(request_id=None, time=None, integration_status=None, status=None)
    rows = [
        row(
            g,
            iis(key=None, user=None, time=None),
            key=None,
            gateway_caller=None,
            iis_user=None,
            gateway_status=None,
            iis_status=None,
        ),
        *both(),
    ]
    assert_fast_and_same(rows)
    assert b'"confidence":"possible"' in (fast(rows[:1]) or b"")  # IIS logged no key: not joined by it


def test_rows_with_one_side_in_any_place_of_a_batch_and_a_batch_of_them_only() -> None:
    lone_g, lone_i = row(gateway(line=3), None, iis_user=None), row(None, iis(line=4), gateway_caller=None)
    nothing = row(None, None)
    lost = row(None, iis(), verdict=JoinVerdict.ID_NOT_PROPAGATED)  # confidence "possible" with one side
    for rows in ([lone_g, *both()], [*both(), lone_i], [*both(2), nothing, lost, *both(2)], [lone_g, lone_i, lost]):
        assert_fast_and_same(rows)


def test_sources_that_differ_within_a_batch_and_lines_beyond_64_bits() -> None:
    rows = both(4)
    rows[2] = rows[2]._replace(gateway=gateway(source='other "gw", log', line=2**70))
    rows[3] = rows[3]._replace(iis=iis(source="c:\\logs\\u_ex,1.log", line=-5))
    assert_fast_and_same(rows)


@pytest.mark.parametrize("bad", ["\ud800", 2**64, -(2**63) - 1])
def test_a_value_orjson_refuses_gives_up_and_json_rows_writes_the_reference(
    bad: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = both(5)
    rows[3] = rows[3]._replace(note=bad) if isinstance(bad, str) else rows[3]._replace(gateway_status=bad)
    assert fast(rows) is None
    monkeypatch.setattr(join_output, "_BATCH", 2)  # the refused batch among batches rendered fast
    out = io.BytesIO()
    json_rows(rows, out)
    assert out.getvalue() == reference_json(rows)
    if isinstance(bad, str):
        assert json.loads(b"[" + out.getvalue() + b"]")[3]["note"] == bad


def test_values_equal_to_remembered_ones_but_of_another_type_are_not_taken_for_them() -> None:
    """True == 1 and hash alike: a remembered 1's text must not stand for True (orjson writes true)."""
    rows = both(2, gateway_status=1)
    assert_fast_and_same(rows)  # 1 is remembered now
    odd = both(2, gateway_status=True)
    out = io.BytesIO()
    json_rows(odd, out)
    assert out.getvalue() == reference_json(odd) and b'"gateway_status":true' in out.getvalue()


def test_a_gateway_side_without_a_key_is_not_certain() -> None:
    rows = [row(gateway(key=None), iis(key=None))]
    out = io.BytesIO()
    json_rows(rows, out)
    assert out.getvalue() == reference_json(rows) and b'"confidence":"possible"' in out.getvalue()


clean_text = st.text(st.characters(codec="utf-8"), max_size=8) | st.sampled_from(HOSTILE)
number = st.none() | st.integers(min_value=-(2**63), max_value=2**64 - 1)


@st.composite
def clean_rows(draw: st.DrawFn) -> JoinRow:
    """Rows of every shape whose values orjson takes (no surrogate, integers within 64 bits): the fast path's."""
    source = st.sampled_from(["gw.log", "gw2.log"]) | clean_text
    g = draw(
        st.none()
        | st.builds(
            GatewaySide,
            source=source,
            line=st.integers(min_value=0, max_value=2**70),
            key=clean_text,
            request_id=st.none() | clean_text,
            callers=st.lists(clean_text, max_size=3).map(tuple),
            status=number,
            integration_status=number,
            error_type=st.none(),
            method=clean_text,
            path=clean_text,
            time=st.none() | st.sampled_from(["17/May/2026:10:00:00 +0000", "1779000000000"]) | clean_text,
            duplicates=st.integers(min_value=0, max_value=3),
        )
    )
    i = draw(
        st.none()
        | st.builds(
            IisSide,
            source=st.sampled_from(["u_ex.log"]) | clean_text,
            line=st.integers(min_value=0, max_value=2**70),
            key=st.none() | clean_text | st.just(g.key if g else "k"),
            user=st.none() | clean_text,
            status=clean_text,
            code=number,
            method=clean_text,
            path=clean_text,
            time=st.none() | clean_text,
            duplicates=st.integers(min_value=0, max_value=3),
        )
    )
    maybe = st.none() | clean_text
    return JoinRow(
        draw(maybe),
        draw(st.sampled_from(JoinVerdict)),
        g,
        i,
        draw(maybe),
        draw(maybe),
        draw(number),
        draw(maybe),
        draw(clean_text),
    )


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(clean_rows(), min_size=1, max_size=12))
def test_the_fast_renderer_is_orjson_of_row_dict_for_rows_orjson_takes(rows: list[JoinRow]) -> None:
    assert_fast_and_same(rows)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(join_rows(), min_size=1, max_size=9))
def test_the_fast_renderer_gives_up_exactly_where_orjson_refuses_a_row(rows: list[JoinRow]) -> None:
    expected = reference(rows)
    assert fast(rows) == expected  # None for None
