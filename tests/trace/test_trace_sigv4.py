"""`baton trace` with an IAM profile: the request to the gateway is SigV4-signed (the gateway verifies it with
botocore), the signature never reaches anything Baton prints, no credentials fail the client hop, and SigV4 refusals
are explained with their fix (shared/domain/gateway-iis-identity.md §3, F05)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.config.load import load_profile
from console.engine.diagnosis.evidence import Evidence
from console.model.trace import HopName, Trace, TraceRequest
from console.session import Session
from tests.aws.motokit import FAKE_KEY_ID, FAKE_SECRET, FAKE_SESSION_TOKEN, fake_aws, no_aws
from tests.aws.test_signing import REGION, VerifyingGateway, gateway

__all__ = ["fake_aws", "gateway", "no_aws"]  # fixtures used here


def _profile(folder: Path, url: str, region: str = REGION) -> Path:
    path = folder / "iamtest.toml"
    path.write_text(
        'name = "iamtest"\nenvironment = "dev"\n'
        f'[gateway]\nurl = "{url}/dev/admin"\nkind = "rest"\nauth = "iam"\n'
        '[propagation]\nheaders = { "X-User-Id" = "userArn" }\n'
        f'[aws]\nregion = "{region}"\n',
        encoding="utf-8",
    )
    return path


def _trace(path: Path) -> Trace:
    session = Session(load_profile(str(path)))
    try:
        return session.trace(TraceRequest())
    finally:
        session.close()


def _signatures(gateway: VerifyingGateway) -> list[str]:
    return [
        part.split("=", 1)[1]
        for seen in gateway.seen
        for part in seen.headers.get("authorization", "").split(",")
        if "Signature=" in part
    ]


def test_an_iam_profile_sends_a_signed_request(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["trace", "--profile", str(_profile(tmp_path, gateway.url)), "--json"])
    out, err = capsys.readouterr()
    assert len(gateway.seen) == 1
    seen = gateway.seen[0]
    assert seen.verified, "the gateway could not verify the signature"
    assert seen.path == "/dev/admin"
    # Signed after every header was final: the correlation id is covered by the signature.
    assert "x-correlation-id" in seen.signed_headers and "x-amz-security-token" in seen.signed_headers
    doc = json.loads(out)
    assert doc["response"]["status"] == 200
    client = next(h for h in doc["hops"] if h["hop"] == "client")
    assert any("signed with SigV4" in line and f"/{REGION}/execute-api" in line for line in client["evidence"])
    secrets = [FAKE_SECRET, FAKE_SESSION_TOKEN, *_signatures(gateway), seen.headers["authorization"]]
    for secret in secrets:
        assert secret not in out and secret not in err


def test_signed_headers_are_masked_in_the_recorded_trace(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    trace = _trace(_profile(tmp_path, gateway.url))
    assert gateway.seen[0].verified
    text = repr(trace)
    for secret in (FAKE_SESSION_TOKEN, gateway.seen[0].headers["authorization"], *_signatures(gateway)):
        assert secret not in text
    assert FAKE_KEY_ID not in text  # the access key id inside the Credential scope is masked as well


def test_sent_headers_show_the_signing_headers_masked(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import console.engine.trace as trace_module

    sent: dict[str, str] = {}
    real = trace_module.diagnose

    def spy(ev: Evidence) -> object:
        sent.update(ev.sent_headers)
        return real(ev)

    monkeypatch.setattr(trace_module, "diagnose", spy)
    _trace(_profile(tmp_path, gateway.url))
    assert gateway.seen[0].verified
    assert sent["Authorization"].startswith("AWS4-HMAC-SHA256 <redacted")
    assert sent["X-Amz-Security-Token"].startswith("<redacted")
    assert "X-Amz-Date" in sent  # a timestamp, not a secret: it is what a clock-skew diagnosis compares


def test_no_credentials_fails_the_client_hop_and_sends_nothing(
    no_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    trace = _trace(_profile(tmp_path, gateway.url))
    assert gateway.seen == []  # never an unsigned request in silence
    assert trace.error is not None
    assert "cannot sign the request with SigV4" in trace.error
    assert "no AWS credentials found" in trace.error
    client = next(h for h in trace.hops if h.name is HopName.CLIENT)
    assert any("no AWS credentials" in line for line in client.evidence)


def test_signature_expired_is_explained_with_the_clock_fix(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    gateway.skew = timedelta(minutes=12)  # the gateway's clock runs 12 minutes ahead of this machine's
    trace = _trace(_profile(tmp_path, gateway.url))
    finding = next(f for f in trace.findings if f.code == "authorizer.iam_signature_expired")
    assert "signed 12 minutes before API Gateway's clock" in finding.detail
    assert "Sync this machine's clock" in finding.fix and "5 minutes" in finding.fix


def test_signature_mismatch_names_region_service_and_host_rewrites(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    gateway.secret = "another-secret-key-the-gateway-knows-000"
    trace = _trace(_profile(tmp_path, gateway.url))
    finding = next(f for f in trace.findings if f.code == "authorizer.iam_signature_invalid")
    assert "region" in finding.fix and "execute-api" in finding.fix
    assert "rewrites the Host header or the path" in finding.fix


def test_a_signature_scoped_to_another_region_than_the_hosts_is_flagged() -> None:
    from console.engine.trace import _signing_observation

    url = "https://abc.execute-api.eu-west-1.amazonaws.com/dev/x"
    obs = _signing_observation(url, "20240101/us-east-1/execute-api")
    assert obs.status.value == "warning"
    assert any('set [aws] region = "eu-west-1"' in line for line in obs.evidence)
