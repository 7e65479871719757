"""Advice built from the profile, the break at the hop that caused it, and every probe's outcome shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from loopback import free_port, peer
from sandboxes import Sandboxes
from test_diag_verdict import answering, echo, fixed, hop, jwt, run, write_profile

from console.model.trace import HopName, HopStatus


def _without_identity_header(request: dict[str, str]) -> dict[str, Any]:
    return {"headers": {"X-Correlation-Id": request["X-Correlation-Id"]}, "user": None}


@pytest.mark.parametrize(
    ("kind", "auth", "expression"),
    [
        ("http", "jwt", "overwrite:header.X-User-Id = $context.authorizer.claims.sub"),
        ("rest", "lambda", "integration.request.header.X-User-Id = context.authorizer.sub"),
        ("rest", "cognito", "integration.request.header.X-User-Id = context.authorizer.claims.sub"),
    ],
)
def test_the_mapping_fix_names_the_profiles_header_and_claim(
    kind: str,
    auth: str,
    expression: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))
    with peer(answering(echo(_without_identity_header))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, kind=kind, auth=auth))
    verdict = doc["verdict"]
    assert code == 1 and verdict["finding"] == "integration.claim_header_missing", verdict
    assert expression in verdict["fix"] and "X-User-Sub" not in verdict["fix"], verdict["fix"]


@pytest.mark.parametrize(
    ("claims", "propagation", "claim"),
    [
        ({"exp": 4102444800, "iss": "https://idp"}, '{ "X-User-Id" = "sub" }', "sub"),
        ({"sub": "alice", "exp": 4102444800}, '{ "X-User-Id" = "sub", "X-Tenant" = "tenant_id" }', "tenant_id"),
    ],
)
def test_a_claim_the_token_lacks_breaks_at_the_client(
    claims: dict[str, object],
    propagation: str,
    claim: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt(claims))
    with peer(answering(echo(_without_identity_header))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, propagation=propagation))
    verdict = doc["verdict"]
    assert code == 1 and (verdict["broken_at"], verdict["finding"]) == ("client", "token.claim_missing"), verdict
    assert claim in verdict["summary"] and claim in verdict["fix"] and "Map the claim" not in verdict["fix"]
    assert hop(doc, "client")["status"] == "broken"


def test_the_unconfirmed_fix_speaks_of_the_configured_echo_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))
    with peer(answering(fixed(200, [("Content-Type", "text/plain")], "hello"))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, echo_path="/_echo"))
    verdict = doc["verdict"]
    assert code == 1 and verdict["finding"] == "trace.identity_unconfirmed"
    assert "Configure [iis] echo_path" not in verdict["fix"] + verdict["missing_evidence"], verdict
    assert "/_echo" in verdict["fix"] and "200 text/plain" in verdict["fix"], verdict["fix"]


@pytest.mark.parametrize("name", ["api-key-missing", "throttled"])
def test_the_gateway_refusal_and_the_authorizer_hop_agree(name: str, sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace(name)
    authorizer = trace.hop(HopName.AUTHORIZER)
    assert trace.verdict.broken_at is HopName.GATEWAY
    assert authorizer.status is not HopStatus.OK
    assert "after the authorizer allowed" not in trace.verdict.summary
    assert "usage-plan check" in trace.verdict.summary and "not used" in trace.verdict.summary
    assert any("not used" in line for line in authorizer.evidence), authorizer.evidence


def _echo_alice(request: dict[str, str]) -> dict[str, Any]:
    return {"headers": {"X-User-Id": "alice", "X-Correlation-Id": request["X-Correlation-Id"]}, "user": "alice"}


def test_a_spoof_check_that_cannot_reach_iis_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))
    closed = free_port()  # nothing listens: the direct request is refused
    with peer(answering(echo(_echo_alice))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, iis_url=f"http://127.0.0.1:{closed}"))
    assert code == 0, doc["verdict"]
    evidence = hop(doc, "iis")["evidence"]
    assert any(line.startswith("spoof check could not reach IIS directly") for line in evidence), evidence


def test_a_spoof_check_that_iis_refused_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))
    refusing = answering(fixed(403, [("Content-Type", "text/plain")], "forbidden"))
    with peer(answering(echo(_echo_alice))) as port, peer(refusing) as iis_port:
        code, doc = run(capsys, write_profile(tmp_path, port, iis_url=f"http://127.0.0.1:{iis_port}"))
    assert code == 0, doc["verdict"]
    evidence = hop(doc, "iis")["evidence"]
    assert any(line.startswith("spoof check: IIS answered 403") for line in evidence), evidence
