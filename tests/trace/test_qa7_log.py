"""QA7 #2–#5: the gateway's execution log of this request id against the response, the correlation id Baton sent
and IIS's echo. A contradiction is said and never ends in ✓ or a "certain" finding; a Deny is read in every wording;
the log's authorizer decision fills the Authorizer pane when TestInvokeAuthorizer (not in moto) is unavailable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.model.trace import Confidence, HopName, HopStatus
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.trace.test_qa7_kit import (
    DENY_BODY,
    NOT_AUTHORIZED,
    RID,
    EchoGateway,
    allowed_lines,
    assert_broken_names_its_finding,
    aws_observations,
    echo_gateway,
    put_log,
    trace_of,
)
from tests.trace.test_trace_aws_kit import CORRELATION, profile, rest_api, token

__all__ = ["echo_gateway", "fake_aws", "moto_url", "no_aws"]  # fixtures used here

MAPPED = {"X-User-Id": "context.authorizer.principalId", "X-User-Email": "context.authorizer.email"}
ENDPOINT = f"X-User-Id=alice, X-User-Email=alice@example.test, X-Correlation-Id={CORRELATION}, Host=iis.example.test"


@pytest.fixture
def api_id(fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, MAPPED)
    return api.api_id


DENY = [f"Starting authorizer: az1 for request: {RID}", DENY_BODY, NOT_AUTHORIZED, "Method completed with status: 403"]
DENY_AWS_WORDING = [
    f"Starting authorizer: az1 for request: {RID}",
    DENY_BODY,
    "Using valid authorizer policy for principal: *****lice",
    "Successfully completed authorizer execution",
    NOT_AUTHORIZED,
    "Method completed with status: 403",
]


@pytest.mark.parametrize("lines", [DENY, DENY_AWS_WORDING], ids=["deny-policy", "aws-deny-wording"])
def test_a_logged_deny_beside_a_200_is_a_contradiction_never_a_pass(
    lines: list[str], api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path
) -> None:
    put_log(moto_url, api_id, *lines)
    echo_gateway.echo = {"X-User-Id": "alice", "X-User-Email": "alice@example.test"}
    trace = trace_of(profile(tmp_path, echo_gateway.url, api_id, moto_url))
    logged = [o for o in aws_observations(trace, HopName.AUTHORIZER) if "authorizer_log" in o.data.get("aws", {})]
    assert logged and any("→ denied" in line for line in logged[0].evidence), logged
    assert logged[0].confidence is not Confidence.CERTAIN
    finding = next(f for f in trace.findings if f.code == "gateway.log_contradicts_response")
    assert "the authorizer denied the request" in finding.detail and "yet it got 200" in finding.detail
    assert "'Method completed with status: 403', the response was 200" in finding.detail
    assert not trace.verdict.ok and trace.verdict.broken_at is None, trace.verdict
    assert "disagree" in trace.verdict.summary and trace.verdict.fix
    assert trace.hop(HopName.AUTHORIZER).status is HopStatus.WARNING


def test_a_logged_allow_beside_a_403_deny_is_never_certain_and_the_integration_is_not_unreached(
    api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path
) -> None:
    put_log(moto_url, api_id, *allowed_lines(ENDPOINT))
    echo_gateway.status, echo_gateway.echo = 403, None
    echo_gateway.headers = {"x-amzn-ErrorType": "AccessDeniedException"}
    echo_gateway.body = '{"Message":"User is not authorized to access this resource with an explicit deny"}'
    trace = trace_of(profile(tmp_path, echo_gateway.url, api_id, moto_url))
    deny = next(f for f in trace.findings if f.code == "authorizer.explicit_deny")
    assert deny.confidence is not Confidence.CERTAIN
    assert "the log says the authorizer allowed it and IIS answered 200" in deny.detail
    assert any(f.code == "gateway.log_contradicts_response" for f in trace.findings)
    assert trace.hop(HopName.INTEGRATION).status is not HopStatus.NOT_REACHED
    assert not trace.verdict.ok
    assert_broken_names_its_finding(trace)


def test_log_lines_with_another_correlation_id_are_not_this_requests(
    api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = ENDPOINT.replace(CORRELATION, "CORR-of-another-request")
    put_log(moto_url, api_id, *allowed_lines(other, correlation="CORR-of-another-request"))
    echo_gateway.echo, echo_gateway.body = None, '{"orders":[]}'
    path = profile(tmp_path, echo_gateway.url, api_id, moto_url)
    trace = trace_of(path)
    logged = [o for o in aws_observations(trace, HopName.INTEGRATION) if "endpoint_headers" in o.data.get("aws", {})]
    assert logged and logged[0].status is not HopStatus.OK and logged[0].confidence is not Confidence.CERTAIN
    assert any("not taken as this request's" in line for line in logged[0].evidence)
    finding = next(f for f in trace.findings if f.code == "gateway.log_other_request")
    assert "CORR-of-another-request" in finding.detail and "probably another request's" in finding.detail
    assert trace.hop(HopName.INTEGRATION).status is not HopStatus.OK
    assert trace.authorizer is not None and trace.authorizer.effect == "unknown"
    assert not trace.verdict.ok
    main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--json"])
    doc = json.loads(capsys.readouterr().out)
    hops = {h["hop"]: h for h in doc["hops"]}
    assert all(o["confidence"] != "certain" for o in hops["integration"]["aws"] if "endpoint_headers" in o["data"])


def test_the_logged_decision_fills_the_authorizer_when_test_invoke_is_unavailable(
    api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put_log(moto_url, api_id, *allowed_lines(ENDPOINT))
    echo_gateway.echo = {"X-User-Id": "alice", "X-User-Email": "alice@example.test"}
    path = profile(tmp_path, echo_gateway.url, api_id, moto_url)
    trace = trace_of(path)
    decided = trace.authorizer
    assert decided is not None, "the execution log shows the decision"
    assert decided.source == "the gateway's execution log" and decided.effect == "allow"
    assert decided.principal_id == "alice" and ("email", "alice@example.test") in decided.context
    assert decided.kind == "lambda_token" and "evidence of this very request" in decided.reason
    assert trace.verdict.ok, trace.verdict
    main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["authorizer"]["source"] == "the gateway's execution log" and doc["authorizer"]["effect"] == "allow"


def test_iis_holding_a_header_the_log_says_was_not_sent_names_a_finding_not_a_log_line(
    api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path
) -> None:
    put_log(moto_url, api_id, *allowed_lines(f"X-User-Id=alice, X-Correlation-Id={CORRELATION}"))
    echo_gateway.echo = {"X-User-Id": "alice", "X-User-Email": "alice@example.test"}
    trace = trace_of(profile(tmp_path, echo_gateway.url, api_id, moto_url))
    finding = next(f for f in trace.findings if f.code == "integration.log_contradicts_iis")
    assert "IIS received X-User-Email: alice@example.test, but the gateway log says the gateway did not send" in (
        finding.detail
    )
    assert finding.fix
    assert not trace.verdict.ok
    assert not trace.verdict.summary.startswith("broken at integration: the gateway log:"), trace.verdict
    assert trace.verdict.fix
    assert_broken_names_its_finding(trace)


def test_a_logged_refusal_the_response_agrees_with_names_its_finding(
    api_id: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path
) -> None:
    """A customised 403 the response rules cannot place: the log's Deny is the finding, never a raw line."""
    put_log(moto_url, api_id, *DENY)
    echo_gateway.status, echo_gateway.echo, echo_gateway.body = 403, None, '{"error":"no"}'
    trace = trace_of(profile(tmp_path, echo_gateway.url, api_id, moto_url))
    assert not trace.verdict.ok
    assert_broken_names_its_finding(trace)
    assert not any(f.code == "gateway.log_contradicts_response" for f in trace.findings)
    assert trace.verdict.broken_at is HopName.AUTHORIZER and trace.verdict.finding == "authorizer.explicit_deny"
    assert "The client is not authorized to perform this operation." in trace.verdict.summary
