"""QA7 #1 and #6: the API's configuration against the profile and against what IIS received. A mapping that does not
send what the profile expects is never passed over by a ✓; a header not sent although a mapping sets it gets a fix
naming the deployment and the authorizer's context, never "add the mapping"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.model.trace import HopName, HopStatus
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.trace.test_qa7_kit import (
    EchoGateway,
    allowed_lines,
    assert_broken_names_its_finding,
    echo_gateway,
    put_log,
    trace_of,
)
from tests.trace.test_trace_aws_kit import CORRELATION, profile, rest_api, token

__all__ = ["echo_gateway", "fake_aws", "moto_url", "no_aws"]  # fixtures used here

PROD = {"X-User-Id": "context.authorizer.email"}  # X-User-Id from email, no X-User-Email: the profile wants sub/email


@pytest.fixture
def prod(fake_aws: Path, moto_url: str, echo_gateway: EchoGateway, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, PROD)
    return api.api_id


def test_config_contradicting_the_profile_and_the_echo_is_never_intact(
    prod: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The echo shows the expected X-User-Id and X-User-Email, yet the configuration maps X-User-Id from email and
    sets no X-User-Email: it cannot have produced what IIS shows. Not ✓, not exit 0; findings say why."""
    echo_gateway.echo = {"X-User-Id": "alice", "X-User-Email": "alice@example.test"}
    path = profile(tmp_path, echo_gateway.url, prod, moto_url, log_wait=0.5)
    trace = trace_of(path)
    assert not trace.verdict.ok, trace.verdict
    codes = {f.code: f for f in trace.findings}
    mismatch = codes["integration.config_contradicts_profile"]
    assert "no mapping sets X-User-Email" in mismatch.detail
    assert "X-User-Id ← context.authorizer.email: the profile expects sub, not email" in mismatch.detail
    assert "aws apigateway update-integration" in mismatch.fix and prod in mismatch.fix
    clash = codes["integration.config_contradicts_iis"]
    assert "IIS received X-User-Email: alice@example.test, yet no mapping sets it" in clash.detail
    assert "IIS received X-User-Id: alice, yet context.authorizer.email is alice@example.test" in clash.detail
    assert trace.hop(HopName.INTEGRATION).status is HopStatus.WARNING
    assert "configuration cannot have sent what IIS received" in trace.verdict.summary
    assert trace.verdict.fix
    code = main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--no-color"])
    out = capsys.readouterr().out
    assert code == 1 and "identity reached IIS intact" not in out


def test_config_alone_contradicting_the_profile_is_a_warning_with_the_fix(
    prod: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path
) -> None:
    echo_gateway.echo = None  # nothing shows what IIS received
    trace = trace_of(profile(tmp_path, echo_gateway.url, prod, moto_url, log_wait=0.5))
    finding = next(f for f in trace.findings if f.code == "integration.config_contradicts_profile")
    assert finding.severity.value == "warning" and "update-integration" in finding.fix
    assert not trace.verdict.ok
    assert trace.hop(HopName.INTEGRATION).status is HopStatus.WARNING


def test_a_mapping_coinciding_with_the_expected_value_can_pass_with_its_warning(
    fake_aws: Path, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IIS shows exactly the expected identity, and the configuration explains it (the token's email equals its
    sub): the ✓ may stand, with the warning and its fix."""
    monkeypatch.setenv("BATON_TEST_TOKEN", token(sub="alice@example.test", email="alice@example.test"))
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.email"})
    echo_gateway.echo = {"X-User-Id": "alice@example.test"}
    path = profile(tmp_path, echo_gateway.url, api.api_id, moto_url, log_wait=0.5, headers='"X-User-Id" = "sub"')
    trace = trace_of(path)
    assert any(f.code == "integration.config_contradicts_profile" for f in trace.findings)
    assert trace.verdict.ok and trace.verdict.finding == "integration.config_contradicts_profile", trace.verdict


def _missing_email(trace_findings: list[object]) -> object:
    return next(
        f
        for f in trace_findings
        if getattr(f, "code", "") == "integration.claim_header_missing" and "X-User-Email" in getattr(f, "detail", "")
    )


@pytest.mark.parametrize("logged", [True, False], ids=["log-shows-it-unsent", "no-log"])
def test_header_not_sent_although_mapped_names_the_deployment_not_the_mapping(
    logged: bool,
    fake_aws: Path,
    moto_url: str,
    echo_gateway: EchoGateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    mappings = {"X-User-Id": "context.authorizer.principalId", "X-User-Email": "context.authorizer.email"}
    api, _ = rest_api(moto_url, mappings)
    if logged:
        put_log(moto_url, api.api_id, *allowed_lines(f"X-User-Id=alice, X-Correlation-Id={CORRELATION}"))
    echo_gateway.echo = {"X-User-Id": "alice"}
    trace = trace_of(profile(tmp_path, echo_gateway.url, api.api_id, moto_url, log_wait=6 if logged else 0.5))
    finding = _missing_email(list(trace.findings))
    fix = getattr(finding, "fix", "")
    assert "Map the claim to the header" not in fix and "update-integration" not in fix
    assert "the mapping exists: GET /orders/{id} sends X-User-Email ← context.authorizer.email" in fix
    assert f"aws apigateway create-deployment --rest-api-id {api.api_id} --stage-name dev" in fix
    assert "update-stage" in fix and "authorizer's context may lack email" in fix
    if logged:
        assert "the gateway log shows email = alice@example.test" in fix
    assert trace.verdict.fix == fix
    assert_broken_names_its_finding(trace)


def test_the_json_carries_the_config_findings(
    prod: str, moto_url: str, echo_gateway: EchoGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    echo_gateway.echo = {"X-User-Id": "alice", "X-User-Email": "alice@example.test"}
    path = profile(tmp_path, echo_gateway.url, prod, moto_url, log_wait=0.5)
    assert main(["trace", "--profile", str(path), "--header", f"X-Correlation-Id: {CORRELATION}", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    codes = {f["code"] for f in doc["findings"]}
    assert {"integration.config_contradicts_profile", "integration.config_contradicts_iis"} <= codes
    assert doc["verdict"]["outcome"] != "ok"
