"""The copied curl of an IAM (SigV4) trace is signed by curl itself from the AWS environment variables, named and
never filled in, and a gateway that verifies SigV4 accepts it; an unsigned copy would be refused (qa7 #9)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from console.config.load import load_profile
from console.engine.curl import curl_command
from console.model.trace import Trace, TraceRequest
from console.session import Session
from tests.aws.motokit import FAKE_KEY_ID, FAKE_SECRET, FAKE_SESSION_TOKEN, fake_aws, no_aws
from tests.aws.test_signing import REGION, VerifyingGateway, gateway

__all__ = ["fake_aws", "gateway", "no_aws"]  # fixtures used here


def _trace(folder: Path, url: str) -> Trace:
    path = folder / "iamcurl.toml"
    path.write_text(
        f'name = "iamcurl"\nenvironment = "dev"\n[gateway]\nurl = "{url}/dev/admin"\nkind = "rest"\nauth = "iam"\n'
        f'[aws]\nregion = "{REGION}"\n',
        encoding="utf-8",
    )
    session = Session(load_profile(str(path)))
    try:
        return session.trace(TraceRequest())
    finally:
        session.close()


def _run(line: str) -> str:
    """The copied line as a user's shell runs it (the AWS variables exported, as the fixtures set them)."""
    curl = shutil.which("curl")
    assert curl is not None, "curl is needed to check that the copied command works"
    done = subprocess.run(
        ["bash", "-c", line], check=False, capture_output=True, text=True, timeout=30, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_copied_curl_of_an_iam_trace_is_signed_with_the_environments_credentials(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    trace = _trace(tmp_path, gateway.url)
    assert gateway.seen[0].verified  # Baton's own request was signed
    line = curl_command(trace)
    assert f'--aws-sigv4 "aws:amz:{REGION}:execute-api"' in line
    assert '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in line
    assert '-H "x-amz-security-token: $AWS_SESSION_TOKEN"' in line  # the trace was signed with a session token
    assert "Authorization" not in line  # a Bearer header would replace the signature
    for secret in (FAKE_KEY_ID, FAKE_SECRET, FAKE_SESSION_TOKEN):
        assert secret not in line
    answer = _run(line)
    assert gateway.seen[-1].verified and len(gateway.seen) == 2, answer
    assert answer.startswith("HTTP/1.") and " 200" in answer.splitlines()[0]


def test_long_term_keys_get_no_session_token_header(
    fake_aws: Path, gateway: VerifyingGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    gateway.token = None
    line = curl_command(_trace(tmp_path, gateway.url))
    assert "--aws-sigv4" in line and "x-amz-security-token" not in line
    _run(line)
    assert gateway.seen[-1].verified  # curl would sign an empty security-token header it then does not send


def test_a_trace_that_could_not_sign_still_copies_a_signed_curl(
    no_aws: Path, gateway: VerifyingGateway, tmp_path: Path
) -> None:
    trace = _trace(tmp_path, gateway.url)
    assert trace.error is not None and not gateway.seen  # no credentials: nothing was sent
    line = curl_command(trace)
    assert "--aws-sigv4" in line and '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in line
