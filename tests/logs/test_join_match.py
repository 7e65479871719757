"""join_match.match_iis (the usual record judged in one comprehension, the rest by the rules in order) gives the rows
the straightforward loop gives — the loop kept here, one record at a time — on generated IIS records and gateway
records: repeated keys (Negotiate 401 then 200, several requests around the gateway sharing an id), keys with no
gateway record, Baton's probes, gateways that answered themselves, refusals, several callers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.logs import join_match
from console.engine.logs.join_match import gateway_side, judge, match_iis
from console.engine.logs.join_report import GatewaySide, IisSide, JoinReport, JoinRow
from console.engine.logs.join_verdict import JoinVerdict, is_baton_probe
from console.engine.target import derived_correlation_id

GATEWAY_KEYS = ["k1", "k2", "k3", "k4"]
IIS_KEYS = [*GATEWAY_KEYS, "stranger", None, derived_correlation_id("k1", "spoof-check"), "x.y"]
USERS = ["alice", "bob", r"CONTOSO\alice", None]


def reference(sides: list[IisSide], by_key: dict[str, Any], report: JoinReport) -> list[JoinRow]:
    """The loop join.py ran before match_iis, judging every record with judge()."""
    repeated = {key for key, count in Counter(s.key for s in sides).items() if count > 1}
    rows: list[JoinRow] = []
    where: dict[str, int] = {}
    own: list[frozenset[str]] = []
    for side in sides:
        key = side.key
        if key is None:
            rows.append(judge(side, None))
            continue
        index = where.setdefault(key, len(rows)) if key in repeated else len(rows)
        if index != len(rows) and rows[index].gateway is None and rows[index].verdict is JoinVerdict.BYPASSED:
            rows.append(judge(side, None))
            continue
        if index != len(rows):
            earlier = rows[index]
            later = side._replace(duplicates=(earlier.iis.duplicates if earlier.iis else 0) + 1)
            report.iis_duplicates += 1
            row = judge(later, earlier.gateway)
        else:
            found = by_key.pop(key, None)
            row = judge(side, None if found is None else gateway_side(found))
        if row.verdict is JoinVerdict.BYPASSED and row.gateway is None and "." in key:
            if not own:
                own.append(frozenset(by_key).union(r.key for r in rows if r.gateway is not None and r.key))
            if is_baton_probe(key, own[0]):
                note = "Baton's own probe: a trace's warm-up or spoof check, sent straight to IIS on purpose"
                row = row._replace(verdict=JoinVerdict.BATON_PROBE, note=note)
        if index != len(rows):
            rows[index] = row
        else:
            rows.append(row)
    return rows


iis_sides = st.builds(
    IisSide,
    source=st.just("u_ex.log"),
    line=st.integers(1, 99),
    key=st.sampled_from(GATEWAY_KEYS) | st.sampled_from(IIS_KEYS),  # a gateway key half the time
    user=st.sampled_from(USERS),
    status=st.sampled_from(["200.0.0", "401.2.5", "403.0.0"]),
    code=st.sampled_from([200, 401, 403, None]),
    method=st.just("GET"),
    path=st.just("/orders"),
    time=st.just("2026-05-17 10:00:00"),
    duplicates=st.just(0),  # as read_iis gives them: the join counts repeated lines
)
gateway_records = st.builds(
    lambda key, callers, status, integration, error: (
        "access.log",
        1,
        key,
        key,
        callers,
        status,
        integration,
        error,
        "GET",
        "/orders",
        None,
        0,
    ),
    key=st.sampled_from(GATEWAY_KEYS),
    callers=st.lists(st.sampled_from(["alice", "bob", "carol"]), max_size=2, unique=True).map(tuple)
    | st.just(("alice",)),
    status=st.sampled_from([200, 401, None]),
    integration=st.sampled_from([200, None]),
    error=st.none() | st.sampled_from(["UNAUTHORIZED", "ACCESS_DENIED", "-"]),
)


MAKERS = ["compiled", "comprehension"]
"""Who makes the usual intact rows: _rows.c (where built) or the comprehension (a machine without a C compiler)."""


def use_maker(patch: pytest.MonkeyPatch, maker: str) -> None:
    if maker == "comprehension":
        patch.setattr(join_match, "_rows", None)
    elif join_match._rows is None:
        pytest.skip("console/engine/logs/_rows.c is not built here")


@pytest.mark.parametrize("maker", MAKERS)
@settings(max_examples=400, deadline=None)
@given(sides=st.lists(iis_sides, max_size=25), gateway=st.lists(gateway_records, max_size=4, unique_by=lambda g: g[2]))
def test_match_iis_gives_the_rows_of_the_straightforward_loop(
    maker: str, sides: list[IisSide], gateway: list[Any]
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        use_maker(patch, maker)
        check_against_the_loop(sides, gateway)


@pytest.mark.parametrize("maker", MAKERS)
@settings(max_examples=300, deadline=None)
@given(
    sides=st.lists(iis_sides, max_size=8, unique_by=lambda s: s.key),
    gateway=st.lists(gateway_records, max_size=4, unique_by=lambda g: g[2]),
)
def test_records_on_one_line_each_are_judged_as_the_loop_judges_them(
    maker: str, sides: list[IisSide], gateway: list[Any]
) -> None:
    """No repeated key: every matched record meets the usual-record test (intact, refused, lost, altered…)."""
    with pytest.MonkeyPatch.context() as patch:
        use_maker(patch, maker)
        check_against_the_loop(sides, gateway)


def check_against_the_loop(sides: list[IisSide], gateway: list[Any]) -> None:
    by_key = {g[2]: g for g in gateway}
    expected_report, report = JoinReport(), JoinReport()
    expected_left = dict(by_key)
    expected = reference(sides, expected_left, expected_report)
    keys = [s.key for s in sides]
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    left = dict(by_key)
    assert match_iis(sides, keys, left, repeated, report) == expected
    assert left == expected_left  # the gateway records IIS never logged are left for the gateway-only rows
    assert report.iis_duplicates == expected_report.iis_duplicates


@pytest.mark.parametrize("maker", MAKERS)
def test_the_usual_record_is_intact_and_a_negotiate_pair_is_one_row(
    maker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_maker(monkeypatch, maker)
    g: tuple[Any, ...] = ("access.log", 1, "k1", "k1", ("alice",), 200, 200, None, "GET", "/orders", None, 0)
    h: tuple[Any, ...] = ("access.log", 2, "k2", "k2", ("bob",), 200, 200, None, "GET", "/orders", None, 0)
    side = IisSide("u_ex.log", 5, "k1", "alice", "200.0.0", 200, "GET", "/orders", "2026-05-17 10:00:00")
    first = side._replace(key="k2", user=None, status="401.1.2148074254", code=401, line=6)
    final = side._replace(key="k2", user="bob", line=7)
    report = JoinReport()
    rows = match_iis([side, first, final], ["k1", "k2", "k2"], {"k1": g, "k2": h}, {"k2"}, report)
    assert [(r.key, r.verdict, r.iis.line if r.iis else None) for r in rows] == [
        ("k1", JoinVerdict.INTACT, 5),
        ("k2", JoinVerdict.INTACT, 7),
    ]
    assert isinstance(rows[0].gateway, GatewaySide) and rows[1].iis and rows[1].iis.duplicates == 1
    assert report.iis_duplicates == 1
