"""A trace against a profile whose [aws] points at the moto server: per hop, the expected headers (configuration),
the authorizer's decision (TestInvokeAuthorizer through the Stubber) and the endpoint request headers API Gateway
logged; the 'because no mapping sets it' and 'lost between the gateway and IIS' findings; a Deny from AWS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.config.load import load_profile
from console.model.trace import HopName, HopStatus, Trace, TraceRequest
from console.session import Session
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.trace.test_trace_aws_kit import (
    CORRELATION,
    Gateway,
    arn,
    authorizer_answer,
    execution_log,
    gateway,
    profile,
    rest_api,
    stub_decision,
    token,
)

__all__ = ["fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here

TOKEN = token()
ALLOW = [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "REPLACED"}]


def trace_of(path: Path) -> Trace:
    session = Session(load_profile(str(path)))
    try:
        return session.trace(TraceRequest(headers=(("X-Correlation-Id", CORRELATION),)))
    finally:
        session.close()


def aws_lines(trace: Trace, hop: HopName) -> list[str]:
    return [line for o in trace.hop(hop).observations if o.probe == "aws" for line in o.evidence]


@pytest.fixture
def world(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    """X-User-Id mapped from the authorizer's principalId, X-User-Email mapped by nothing; AWS allows; the gateway
    logged sending IIS X-User-Id; the echo shows X-User-Id and no X-User-Email."""
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    allow = [{**ALLOW[0], "Resource": arn(api.api_id, "GET/orders/*")}]
    stub_decision(monkeypatch, moto_url, authorizer_answer(allow), times=2)
    execution_log(moto_url, api.api_id, f"X-User-Id=alice, X-Correlation-Id={CORRELATION}, Host=iis.example.test")
    return profile(tmp_path, gateway.url, api.api_id, moto_url), api.api_id


def test_each_hop_shows_the_expected_headers_the_decision_and_the_logged_headers(world: tuple[Path, str]) -> None:
    path, api_id = world
    trace = trace_of(path)
    authorizer = aws_lines(trace, HopName.AUTHORIZER)
    assert any(line.startswith("AWS authorizer decision (aws TestInvokeAuthorizer): allow") for line in authorizer)
    assert f"method ARN: {arn(api_id)}" in authorizer
    assert any(line.startswith("matching statement #1: Allow execute-api:Invoke") for line in authorizer)
    assert "principal: alice" in authorizer
    assert any("the gateway log: authorizer az1 ran" in line and "allowed" in line for line in authorizer)
    assert trace.hop(HopName.AUTHORIZER).status is HopStatus.OK
    assert trace.authorizer is not None and trace.authorizer.source == "aws test-invoke"
    assert trace.authorizer.effect == "allow" and trace.authorizer.method_arn == arn(api_id)
    integration = aws_lines(trace, HopName.INTEGRATION)
    assert "AWS config: sends IIS X-User-Id ← context.authorizer.principalId" in integration
    assert "AWS config: no mapping sets X-User-Email (the profile expects email)" in integration
    assert "the gateway log: sent IIS X-User-Id: alice" in integration
    assert "the gateway log: IIS answered 200 in 9 ms" in integration
    assert set(integration) <= set(trace.hop(HopName.INTEGRATION).evidence)  # what the panes and --json read


def test_iis_lacking_a_header_no_mapping_sets_says_so_with_inspects_command(world: tuple[Path, str]) -> None:
    path, api_id = world
    trace = trace_of(path)
    missing = [f for f in trace.findings if f.code == "integration.claim_header_missing"]
    assert missing, [f.code for f in trace.findings]
    finding = next(f for f in missing if "X-User-Email" in f.detail)
    assert "because no mapping sets it" in finding.detail
    # moto's export carries no integrations, so inspect read the draft: the cause says it may not be what is served
    assert "which may not be what the stage serves" in finding.detail
    assert any(line.startswith("AWS config: note: ") for line in aws_lines(trace, HopName.INTEGRATION))
    assert "aws apigateway update-integration" in finding.fix and api_id in finding.fix
    assert "integration.request.header.X-User-Email" in finding.fix
    assert trace.verdict.broken_at is HopName.INTEGRATION and not trace.verdict.ok


def test_baton_trace_json_and_text_show_the_aws_lines_and_no_secret(
    world: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = world
    assert main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--json"]) == 1
    out, err = capsys.readouterr()
    doc = json.loads(out)
    hops = {h["hop"]: h for h in doc["hops"]}
    decided = hops["authorizer"]["aws"]
    assert any(o["data"] and o["data"].get("decision") == "allow" for o in decided)
    logged = [o for o in hops["integration"]["aws"] if o["data"] and "endpoint_headers" in o["data"]]
    assert logged and logged[0]["data"]["endpoint_headers"]["headers"]["X-User-Id"] == "alice"
    assert doc["authorizer"]["source"] == "aws test-invoke" and doc["authorizer"]["policy"][0]["matches"]
    signature = TOKEN.rsplit(".", 1)[1]
    assert TOKEN not in out + err and signature not in out + err
    main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--no-color"])
    text = capsys.readouterr().out
    assert "AWS config: sends IIS X-User-Id ← context.authorizer.principalId" in text
    assert "the gateway log: sent IIS X-User-Id: alice" in text
    assert "AWS authorizer decision (aws TestInvokeAuthorizer): allow" in text
    assert TOKEN not in text and signature not in text


def test_a_header_the_gateway_logged_sending_but_iis_lacks_is_lost_between_them(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    api, _ = rest_api(
        moto_url, {"X-User-Id": "context.authorizer.principalId", "X-User-Email": "context.authorizer.email"}
    )
    stub_decision(monkeypatch, moto_url, authorizer_answer([{**ALLOW[0], "Resource": arn(api.api_id)}]))
    logged = f"X-User-Id=alice, X-User-Email=alice@example.test, X-Correlation-Id={CORRELATION}"
    execution_log(moto_url, api.api_id, logged)
    trace = trace_of(profile(tmp_path, gateway.url, api.api_id, moto_url))
    finding = next(f for f in trace.findings if f.code == "iis.header_lost_after_gateway")
    assert finding.title == "Identity header lost between API Gateway and IIS"
    assert finding.hop is HopName.IIS  # the gateway's own log shows it sent the header: the loss is past it
    assert trace.verdict.broken_at is HopName.IIS, trace.verdict
    assert "shows it sent IIS X-User-Email: alice@example.test" in finding.detail
    assert "URL Rewrite" in finding.fix and "underscore" in finding.fix
    assert "because no mapping sets it" not in finding.detail


def test_a_deny_from_aws_fails_the_authorizer_hop_with_the_matching_statement(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    statements = [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": arn(api.api_id, "*")},
        {"Sid": "NoOrders", "Effect": "Deny", "Action": "execute-api:Invoke", "Resource": arn(api.api_id)},
    ]
    stub_decision(monkeypatch, moto_url, authorizer_answer(statements))
    gateway.status, gateway.echo = 403, None
    gateway.body = '{"Message":"User is not authorized to access this resource with an explicit deny"}'
    gateway.headers = {"x-amzn-ErrorType": "AccessDeniedException"}
    trace = trace_of(profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=0.5))
    hop = trace.hop(HopName.AUTHORIZER)
    assert hop.status is HopStatus.BROKEN
    assert trace.verdict.broken_at is HopName.AUTHORIZER
    finding = next(f for f in trace.findings if f.hop is HopName.AUTHORIZER and f.code == "authorizer.explicit_deny")
    assert "statement #2 (NoOrders) Deny execute-api:Invoke" in finding.detail and arn(api.api_id) in finding.detail
    assert trace.verdict.finding == "authorizer.explicit_deny"


def test_an_allow_from_aws_for_a_request_the_authorizer_refused_never_turns_the_hop_green(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    stub_decision(monkeypatch, moto_url, authorizer_answer([{**ALLOW[0], "Resource": arn(api.api_id)}]))
    gateway.status, gateway.echo, gateway.body = 401, None, '{"message":"Unauthorized"}'
    gateway.headers = {"x-amzn-ErrorType": "UnauthorizedException"}
    trace = trace_of(profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=0.5))
    assert trace.hop(HopName.AUTHORIZER).status is not HopStatus.OK
    decided = next(o for o in trace.hop(HopName.AUTHORIZER).observations if o.probe == "aws" and o.data.get("aws"))
    assert decided.status is HopStatus.UNKNOWN
    assert any("yet this request was refused" in line for line in decided.evidence)
    assert not trace.verdict.ok


def test_a_conditional_allow_from_aws_is_undetermined_never_a_pass_nor_a_deny(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A policy whose only Allow carries a Condition Baton does not evaluate: the authorizer observation from AWS is
    UNKNOWN ('undetermined'), with no deny finding (it once counted as a confident allow)."""
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    conditional = {**ALLOW[0], "Resource": arn(api.api_id), "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
    stub_decision(monkeypatch, moto_url, authorizer_answer([conditional]))
    gateway.status, gateway.echo, gateway.body = 401, None, '{"message":"Unauthorized"}'
    gateway.headers = {"x-amzn-ErrorType": "UnauthorizedException"}
    trace = trace_of(profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=0.5))
    decided = next(o for o in trace.hop(HopName.AUTHORIZER).observations if o.probe == "aws" and o.data.get("aws"))
    assert decided.status is HopStatus.UNKNOWN
    assert decided.data["aws"]["decision"] == "undetermined"
    assert any("undetermined" in line for line in decided.evidence)
    assert not any(f.code == "authorizer.explicit_deny" for f in trace.findings)
    assert trace.authorizer is not None and trace.authorizer.effect != "allow"
    assert not trace.verdict.ok
