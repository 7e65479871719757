"""gateway-bypass over real loopback HTTP: direct callers land in the IIS log with no access-log line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sandboxkit import get_tokens

from console.sandbox import SCENARIOS, Sandbox, start_sandbox


def _iis_rows(sandbox: Sandbox) -> list[dict[str, str]]:
    names: list[str] = []
    rows: list[dict[str, str]] = []
    for line in sandbox.iis_log_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#Fields: "):
            names = line.removeprefix("#Fields: ").split(" ")
        elif line and not line.startswith("#"):
            rows.append(dict(zip(names, line.split(" "), strict=True)))
    return rows


def _access_keys(sandbox: Sandbox) -> set[str]:
    text = sandbox.access_log_path.read_text(encoding="utf-8")
    return {json.loads(line)["correlationId"] for line in text.splitlines()}


@pytest.fixture
def bypass(tmp_path: Path) -> Iterator[Sandbox]:
    with start_sandbox("gateway-bypass", log_dir=tmp_path) as sandbox:
        yield sandbox


def test_direct_traffic_is_in_the_iis_log_and_not_in_the_access_log(bypass: Sandbox) -> None:
    doc = httpx.get(f"{bypass.urls.gateway}/__baton/scenario").json()
    token = get_tokens(doc)["access_token"]
    through = httpx.get(
        f"{bypass.urls.gateway}/prod/whoami", headers={"Authorization": token, "X-Correlation-Id": "via-gateway-1"}
    )
    assert through.status_code == 200
    direct = doc["iis"]["direct_correlation_ids"]
    assert direct and direct == bypass.bypass_ids
    rows = _iis_rows(bypass)
    logged = {r["X-Correlation-Id"]: r for r in rows}
    # Exactly the IIS records with no gateway record are the direct callers': what `logs join` calls bypassed.
    assert set(logged) - _access_keys(bypass) == set(direct)
    assert "via-gateway-1" in logged and "via-gateway-1" in _access_keys(bypass)
    for key in direct:
        row = logged[key]
        assert (row["cs-uri-stem"], row["sc-status"], row["X-User-Sub"]) == ("/orders", "200", "admin")
        assert not row["cs(User-Agent)"].startswith("AmazonAPIGateway_")
    # IIS believed the forged identity: the ground truth of a direct call resolved the user as admin.
    record = httpx.get(f"{bypass.urls.gateway}/__baton/requests/{direct[0]}").json()
    assert record["gateway"]["outcome"] == "bypassed" and record["iis"]["user"] == "admin"


def test_the_join_of_the_sandbox_logs_reports_the_direct_traffic_as_bypassed(bypass: Sandbox) -> None:
    from console.engine.logs.join import join
    from console.engine.logs.join_verdict import JoinVerdict
    from console.engine.logs.sources import expand

    doc = httpx.get(f"{bypass.urls.gateway}/__baton/scenario").json()
    token = get_tokens(doc)["access_token"]
    httpx.get(f"{bypass.urls.gateway}/prod/whoami", headers={"Authorization": token, "X-Correlation-Id": "via-gw-2"})
    report = join(expand([str(bypass.access_log_path)]), expand([str(bypass.iis_log_path)]))
    verdicts = {row.key: row.verdict for row in report.rows}
    assert {k for k, v in verdicts.items() if v is JoinVerdict.BYPASSED} == set(bypass.bypass_ids)
    assert verdicts["via-gw-2"] is JoinVerdict.INTACT


def test_the_scenario_names_its_break_and_its_direct_callers(bypass: Sandbox) -> None:
    scenario = SCENARIOS["gateway-bypass"]
    assert (scenario.broken_at, scenario.finding) == ("iis", "iis.spoofable_identity_header")
    assert not scenario.iis.require_origin_secret  # the gateway maps the secret; IIS never checks it
    assert ("X-Origin-Verify", "stageVariables.originSecret") in scenario.gateway.mapping
    doc = httpx.get(f"{bypass.urls.gateway}/__baton/scenario").json()
    callers = doc["iis"]["direct_callers"]
    assert [(c["path"], c["requests"]) for c in callers] == [("/orders", 3)]
    assert len(doc["iis"]["direct_correlation_ids"]) == 3


def test_other_scenarios_send_no_direct_traffic(tmp_path: Path) -> None:
    with start_sandbox("healthy", log_dir=tmp_path) as sandbox:
        assert sandbox.bypass_ids == [] and _iis_rows(sandbox) == []
