"""IIS rules on ground truth: a Windows-auth challenge is recognised however the header is written."""

from __future__ import annotations

import pytest
from recordkit import record

from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_rules import iis_findings
from console.engine.target import ClientPlan, Target
from console.model.expectations import Expectations
from console.model.trace import Confidence, ResponseSnapshot


def evidence(headers: tuple[tuple[str, str], ...]) -> Evidence:
    target = Target(
        profile="p",
        environment="dev",
        gateway_url="http://127.0.0.1:9",
        gateway_kind="rest",
        auth="cognito",
        client=ClientPlan(flow="none"),
        expect=Expectations(),
        propagation=(("X-User-Sub", "sub"),),
    )
    response = ResponseSnapshot(status=401, headers=headers, body="401 - Unauthorized", body_bytes=18, elapsed_ms=1.0)
    truth = record(iis={"received": True, "status": 401, "substatus": 2, "headers": {}, "user": None})
    return Evidence(target=target, correlation_id="c", response=response, record=truth)


@pytest.mark.parametrize(
    "headers",
    [
        (("x-amzn-Remapped-WWW-Authenticate", "Negotiate"), ("x-amzn-Remapped-WWW-Authenticate", "NTLM")),
        (("x-amzn-Remapped-WWW-Authenticate", "Negotiate, NTLM"),),  # one comma-joined line, as proxies write it
        (("WWW-Authenticate", "NTLM"),),
    ],
)
def test_windows_auth_challenge_in_any_form(headers: tuple[tuple[str, str], ...]) -> None:
    found = iis_findings(evidence(headers), None, (), Confidence.CERTAIN)
    assert [f.code for f in found] == ["iis.windows_auth_challenge"]
    assert "401.2" in found[0].detail


def test_a_bearer_challenge_is_not_windows_auth() -> None:
    found = iis_findings(evidence((("WWW-Authenticate", 'Bearer realm="api"'),)), None, (), Confidence.CERTAIN)
    assert found == []
