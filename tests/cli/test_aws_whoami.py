"""`baton aws whoami`: the caller identity from a real local AWS API (moto), and each failure as one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

import console.aws.session as session_module
from console.cli import main
from tests.aws.motokit import (
    MOTO_ACCOUNT,
    WriteProfile,
    aws_profile_file,
    closed_port_url,
    fake_aws,
    moto_url,
    no_aws,
)

__all__ = ["aws_profile_file", "closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("baton: ")
    return lines[0]


def test_whoami_shows_account_arn_region_and_the_profiles_endpoint(
    fake_aws: Path, moto_url: str, aws_profile_file: WriteProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = aws_profile_file(region="eu-west-1", endpoint_url=moto_url)
    assert main(["aws", "whoami", "--profile", str(profile)]) == 0
    rows = {line[:12].strip(): line[12:] for line in capsys.readouterr().out.splitlines()}
    assert rows["account"] == MOTO_ACCOUNT
    assert rows["arn"].startswith(f"arn:aws:sts::{MOTO_ACCOUNT}:")
    assert rows["region"] == "eu-west-1  (from [aws] region)"
    assert rows["endpoint"] == f"{moto_url}  (from [aws] endpoint_url)"


def test_whoami_json_is_one_document(
    fake_aws: Path, moto_url: str, aws_profile_file: WriteProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = aws_profile_file(region="us-west-2", endpoint_url=moto_url)
    assert main(["aws", "whoami", "--profile", str(profile), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["account"] == MOTO_ACCOUNT
    assert (document["region"], document["endpoint"]) == ("us-west-2", moto_url)
    assert document["endpoint_source"] == "[aws] endpoint_url"
    assert document["user_id"]


def test_without_a_profile_whoami_uses_aws_endpoint_url(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    assert main(["aws", "whoami", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["account"], document["endpoint"]) == (MOTO_ACCOUNT, moto_url)
    assert (document["endpoint_source"], document["region_source"]) == ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION")


def test_a_profile_without_an_aws_table_says_so_and_uses_the_standard_chain(
    fake_aws: Path, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    plain = tmp_path / "plain.toml"
    plain.write_text('environment = "dev"\n[gateway]\nurl = "https://a.example/x"\n')
    assert main(["aws", "whoami", "--profile", str(plain)]) == 0
    out = capsys.readouterr()
    assert MOTO_ACCOUNT in out.out
    assert "has no [aws] table" in out.err


def test_no_credentials_is_one_line_naming_the_fix_and_exit_2(
    no_aws: Path, moto_url: str, aws_profile_file: WriteProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = aws_profile_file(region="eu-west-1", endpoint_url=moto_url)
    assert main(["aws", "whoami", "--profile", str(profile)]) == 2
    line = _one_error_line(capsys)
    assert "no AWS credentials found" in line
    assert "aws configure" in line and "aws sso login --profile" in line and "AWS_PROFILE" in line


def test_an_unreachable_endpoint_is_one_line_and_exit_2(
    fake_aws: Path, closed_port_url: str, aws_profile_file: WriteProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = aws_profile_file(region="eu-west-1", endpoint_url=closed_port_url)
    assert main(["aws", "whoami", "--profile", str(profile)]) == 2
    assert f"cannot reach {closed_port_url}/" in _one_error_line(capsys)


# moto cannot throttle, expire or refuse a caller, so these come from botocore's Stubber.
@pytest.mark.parametrize(
    ("code", "fix"),
    [
        ("ThrottlingException", "wait a few seconds and rerun"),
        ("ExpiredTokenException", "refresh them: aws sso login"),
        ("InvalidClientTokenId", "the access key is unknown or its secret wrong"),
        ("AccessDenied", "allow sts:GetCallerIdentity"),
    ],
)
def test_stubbed_aws_refusals_are_one_line_and_exit_2(
    fake_aws: Path,
    moto_url: str,
    aws_profile_file: WriteProfile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: str,
    fix: str,
) -> None:
    real = session_module.make_client

    def stubbed(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)
        stubber = Stubber(client)
        stubber.add_client_error("get_caller_identity", service_error_code=code, service_message="x" * 900)
        stubber.activate()
        return client

    monkeypatch.setattr("console.aws.identity.make_client", stubbed)
    profile = aws_profile_file(region="eu-west-1", endpoint_url=moto_url)
    assert main(["aws", "whoami", "--profile", str(profile)]) == 2
    line = _one_error_line(capsys)
    assert code in line and fix in line
    assert "x" * 20 not in line  # AWS's own message is the network's text: not echoed
