"""qa4 #22: an IIS line whose correlation id never reached IIS, but that came through the gateway, is no bypass.

Evidence it came through: the User-Agent an API Gateway HTTP integration sends (``AmazonAPIGateway_<apiId>``), or a
forwarded gateway request with no IIS line at its time, method and path. Without either it stays a bypass.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from logkit import DEFAULT_FIELDS, Block, row, write_w3c

from console.engine.logs.join import join
from console.engine.logs.join_output import CSV_HEADER, csv_row, row_dict
from console.engine.logs.join_report import JoinReport
from console.engine.logs.join_verdict import JoinVerdict
from console.engine.logs.sources import expand

V = JoinVerdict
FIELDS = (*DEFAULT_FIELDS, "X-Correlation-Id")
GATEWAY_AGENT = "AmazonAPIGateway_a1b2c3d4e5"
BROWSER = "Mozilla/5.0+(Windows+NT+10.0)"


def gw(rid: str, second: int = 0, path: str = "/prod/orders", **more: str) -> str:
    values = {
        "requestId": rid,
        "requestTime": f"17/May/2026:10:00:{second:02d} +0000",
        "httpMethod": "GET",
        "path": path,
        "status": "200",
        "integrationStatus": "200",
        "sub": "alice",
    }
    return json.dumps(values | more)


def iis(key: str = "-", clock: str = "10:00:00", agent: str = BROWSER, **more: str) -> tuple[str, ...]:
    values = {
        "X-Correlation-Id": key,
        "time": clock,
        "cs(User-Agent)": agent,
        "cs-uri-stem": "/orders",
        "cs-username": "alice",
    }
    return row(FIELDS, values | more)


def run(
    tmp_path: Path, gateway: list[str], lines: list[tuple[str, ...]], fields: tuple[str, ...] = FIELDS
) -> JoinReport:
    gpath = tmp_path / "access.log"
    gpath.write_text("".join(f"{line}\n" for line in gateway))
    ipath = write_w3c(tmp_path / "u_ex260517.log", [Block(fields, lines)])
    return join(expand([str(gpath)]), expand([str(ipath)]))


def test_the_gateway_user_agent_alone_is_no_bypass(tmp_path: Path) -> None:
    # The header was not mapped, and no gateway record is anywhere near its time: the agent is the only evidence.
    report = run(tmp_path, [gw("r-1", 0)], [iis("r-1"), iis("-", "10:40:00", GATEWAY_AGENT)])
    (lost,) = [r for r in report.rows if r.iis is not None and r.iis.key is None]
    assert lost.verdict is V.ID_NOT_PROPAGATED and lost.gateway is None
    assert "AmazonAPIGateway_a1b2c3d4e5" in lost.note and "forged" in lost.note
    assert row_dict(lost)["confidence"] == "possible"
    assert report.counts == {V.INTACT: 1, V.ID_NOT_PROPAGATED: 1}


def test_a_forwarded_request_at_its_time_method_and_path_alone_is_no_bypass(tmp_path: Path) -> None:
    # r-2 was forwarded and IIS has no line with its id; IIS logged a line with no id a second later, a browser's agent
    # (HTTP_PROXY passes the client's through). One request, joined by time as a possible match, not two rows.
    report = run(tmp_path, [gw("r-1", 0), gw("r-2", 5)], [iis("r-1"), iis("-", "10:00:06", **{"time-taken": "800"})])
    assert len(report.rows) == 2 and report.counts == {V.INTACT: 1, V.ID_NOT_PROPAGATED: 1}
    (lost,) = [r for r in report.rows if r.verdict is V.ID_NOT_PROPAGATED]
    assert lost.key == "r-2" and lost.gateway is not None and lost.gateway.key == "r-2" and lost.iis is not None
    assert lost.gateway_caller == "alice" and "not propagated" in lost.note and "possible" in lost.note
    data = row_dict(lost)
    assert data["confidence"] == "possible" and data["verdict"] == "id_not_propagated"
    assert row_dict(next(r for r in report.rows if r.key == "r-1"))["confidence"] == "certain"


def test_both_pieces_of_evidence_are_named(tmp_path: Path) -> None:
    report = run(tmp_path, [gw("r-2", 5)], [iis("-", "10:00:05", GATEWAY_AGENT)])
    (only,) = report.rows
    assert only.verdict is V.ID_NOT_PROPAGATED and only.gateway is not None
    assert "method, path and time" in only.note and "AmazonAPIGateway_a1b2c3d4e5" in only.note


def test_a_client_sent_id_passed_through_is_not_propagated_either(tmp_path: Path) -> None:
    # HTTP_PROXY passed the client's own X-Correlation-Id; the gateway logged its requestId: no key matches.
    report = run(tmp_path, [gw("r-2", 5)], [iis("client-chose-this", "10:00:05")])
    (only,) = report.rows
    assert only.verdict is V.ID_NOT_PROPAGATED and "client-chose-this" in only.note and only.key == "r-2"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (iis("-", "10:00:30"), "25 s after the only forwarded request"),
        (iis("-", "10:00:05", **{"cs-uri-stem": "/admin"}), "another path"),
        (iis("-", "10:00:05", **{"cs-method": "POST"}), "another method"),
        (iis("-", "10:40:00", "AmazonAPIGateway"), "no API id after the prefix, and far in time"),
        (iis("-", "10:40:00", "curl/8.5+AmazonAPIGateway_a1b2c3d4e5"), "the prefix elsewhere in the agent"),
    ],
)
def test_without_either_piece_of_evidence_it_stays_bypassed(tmp_path: Path, line: tuple[str, ...], why: str) -> None:
    report = run(tmp_path, [gw("r-2", 5)], [line])
    assert report.counts == {V.BYPASSED: 1, V.MISSING_AT_IIS: 1}, why


def test_a_gateway_request_joined_by_id_is_never_a_time_partner(tmp_path: Path) -> None:
    # r-1 has its IIS line by id; the unkeyed line at the same time, method and path is someone else's: a bypass.
    report = run(tmp_path, [gw("r-1", 0)], [iis("r-1"), iis("-", "10:00:00")])
    assert report.counts == {V.INTACT: 1, V.BYPASSED: 1}


def test_one_forwarded_request_partners_one_iis_line(tmp_path: Path) -> None:
    # Two unkeyed lines, one forwarded request: the nearer line is its partner, the other stays a bypass.
    report = run(tmp_path, [gw("r-2", 5)], [iis("-", "10:00:07"), iis("-", "10:00:05")])
    assert report.counts == {V.ID_NOT_PROPAGATED: 1, V.BYPASSED: 1}
    (lost,) = [r for r in report.rows if r.verdict is V.ID_NOT_PROPAGATED]
    assert lost.iis is not None and lost.iis.time == "2026-05-17 10:00:05"


def test_time_taken_widens_the_window_back_to_when_iis_began(tmp_path: Path) -> None:
    # IIS stamps a line when the request ends: a 20 s request logged at 10:00:25 began at 10:00:05.
    slow = run(tmp_path, [gw("r-2", 5)], [iis("-", "10:00:25", **{"time-taken": "20000"})])
    assert slow.counts == {V.ID_NOT_PROPAGATED: 1}
    fast = run(tmp_path, [gw("r-2", 5)], [iis("-", "10:00:25", **{"time-taken": "15"})])
    assert fast.counts == {V.BYPASSED: 1, V.MISSING_AT_IIS: 1}


def test_a_request_http_sys_refused_is_no_partner(tmp_path: Path) -> None:
    from logkit import HTTPERR_FIELDS, HTTPERR_SOFTWARE

    gpath = tmp_path / "access.log"
    gpath.write_text(gw("r-2", 5) + "\n")
    w3c = write_w3c(tmp_path / "u_ex260517.log", [Block(FIELDS, [iis("-", "10:00:05")])])
    refusal = row(HTTPERR_FIELDS, {"time": "10:00:05", "cs-uri": "/orders", "sc-status": "400"})
    httperr = write_w3c(tmp_path / "httperr1.log", [Block(HTTPERR_FIELDS, [refusal], software=HTTPERR_SOFTWARE)])
    report = join(expand([str(gpath)]), expand([str(w3c), str(httperr)]))
    assert report.counts == {V.REFUSED_AT_IIS: 1, V.BYPASSED: 1}


def test_outputs_name_the_verdict_and_the_confidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from console.commands import logs_join

    report = run(tmp_path, [gw("r-2", 5)], [iis("-", "10:00:05")])
    (only,) = report.rows
    assert "confidence" in CSV_HEADER and csv_row(only)[CSV_HEADER.index("confidence")] == "possible"
    assert report.summary()["verdicts"]["id_not_propagated"] == 1  # type: ignore[index]
    assert any("without its correlation id" in w and "context.requestId" in w for w in report.warnings())
    args = argparse.Namespace(
        gateway=[str(tmp_path / "access.log")],
        iis=[str(tmp_path / "u_ex260517.log")],
        iis_key="X-Correlation-Id",
        json=False,
        csv=False,
        no_color=True,
        summary=True,
    )
    code = logs_join.run(args)
    out = capsys.readouterr().out
    assert code == 1  # a finding: whose request it was is a guess
    assert "correlation id not propagated" in out and "SECURITY FINDING" not in out


def test_the_user_agent_is_read_in_bulk_and_line_by_line_alike(tmp_path: Path) -> None:
    # A run of plain lines goes through the bulk split; a quoted value sends a line down the careful path.
    lines = [iis("-", "10:40:00", GATEWAY_AGENT, **{"cs-uri-query": f"q={n}"}) for n in range(3)]
    report = run(
        tmp_path, [gw("r-1", 0)], [iis("r-1"), *lines, iis("-", "10:41:00", GATEWAY_AGENT, **{"cs-username": '"a b"'})]
    )
    lost = [r for r in report.rows if r.verdict is V.ID_NOT_PROPAGATED]
    assert len(lost) == 4 and all(r.iis is not None and r.iis.agent == "a1b2c3d4e5" for r in lost)
