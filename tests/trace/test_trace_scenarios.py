"""Every sandbox scenario end to end over real loopback HTTP: the verdict names the table's hop and finding."""

from __future__ import annotations

import json

import pytest
from sandboxes import Sandboxes

from console.model.trace import HopName, HopStatus
from console.sandbox import SCENARIOS


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_verdict_names_the_hop_and_finding(name: str, sandboxes: Sandboxes) -> None:
    scenario = SCENARIOS[name]
    trace = sandboxes.trace(name)
    assert trace.error is None, trace.error
    verdict = trace.verdict
    expected_hop = HopName(scenario.broken_at) if scenario.broken_at else None
    assert (verdict.broken_at, verdict.finding) == (expected_hop, scenario.finding), verdict.summary
    if scenario.broken_at is None:
        assert verdict.ok
    else:
        assert not verdict.ok
        assert trace.hop(expected_hop).status is HopStatus.BROKEN  # type: ignore[arg-type]
        earlier = [h for h in trace.hops if list(HopName).index(h.name) < list(HopName).index(expected_hop)]  # type: ignore[arg-type]
        assert all(h.status is not HopStatus.BROKEN for h in earlier)


def test_healthy_trace_shows_the_identity_at_every_hop(sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace("healthy")
    sub = trace.hop(HopName.CLIENT).identity.subject  # type: ignore[union-attr]
    assert sub
    assert trace.hop(HopName.IIS).identity.subject == sub  # type: ignore[union-attr]
    assert trace.iis is not None and trace.iis.status == 200 and trace.iis.user == sub
    assert trace.iis.log_line and trace.correlation_id in trace.iis.log_line
    assert all(h.status is HopStatus.OK for h in trace.hops)


def test_no_token_in_the_trace_document(sandboxes: Sandboxes) -> None:
    from console.commands.trace import trace_json

    trace = sandboxes.trace("healthy")
    text = json.dumps(trace_json(trace))
    assert "eyJ" not in text  # no JWT, whole or in part
