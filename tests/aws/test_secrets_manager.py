"""``aws-secretsmanager:ARN#json-key`` references read through the profile's [aws] session: its endpoint_url (or
AWS_ENDPOINT_URL), region and profile apply; failures name the ARN and the fix; the secret is never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import main
from console.config.load import load_profile
from console.config.secrets import profile_resolver, resolve_secret
from console.errors import SecretRefError
from console.model.profile import AwsSettings, SecretRef

TOKEN = "sm-token-value-never-printed-0123456789"  # a moto secret, for the never-printed tests
PASSWORD = "sm-password-never-printed-9876543210"


def _secret(moto_url: str, name: str, value: str) -> str:
    import boto3

    client = boto3.client("secretsmanager", region_name="eu-west-1", endpoint_url=moto_url)
    arn: str = client.create_secret(Name=name, SecretString=value)["ARN"]
    return arn


def _profile(folder: Path, ref: str, aws: str) -> Path:
    path = folder / "smtest.toml"
    path.write_text(
        'name = "smtest"\nenvironment = "dev"\n[gateway]\nurl = "https://api.example.com/dev/orders"\nauth = "jwt"\n'
        f'[identity]\nflow = "static"\ntoken = "{ref}"\n[aws]\n{aws}',
        encoding="utf-8",
    )
    return path


def test_a_json_key_is_read_through_the_profiles_endpoint_url(
    fake_aws: Path, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = _secret(moto_url, "baton/sm-json", f'{{"token": "{TOKEN}", "password": "{PASSWORD}"}}')
    path = _profile(tmp_path, f"aws-secretsmanager:{arn}#token", f'region = "eu-west-1"\nendpoint_url = "{moto_url}"\n')
    assert main(["token", "--profile", str(path)]) == 0
    out, err = capsys.readouterr()
    assert TOKEN in out  # `baton token` prints the token itself, on purpose
    assert PASSWORD not in out + err


def test_aws_endpoint_url_from_the_environment_is_honoured(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = _secret(moto_url, "baton/sm-env", TOKEN)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    assert resolve_secret(SecretRef("aws-secretsmanager", arn), aws=AwsSettings(region="eu-west-1")) == TOKEN


def test_the_arns_region_wins_over_the_profiles(fake_aws: Path, moto_url: str, tmp_path: Path) -> None:
    arn = _secret(moto_url, "baton/sm-region", TOKEN)  # eu-west-1
    profile = load_profile(
        str(_profile(tmp_path, "env:UNUSED", f'region = "us-east-2"\nendpoint_url = "{moto_url}"\n'))
    )
    assert profile_resolver(profile)(SecretRef("aws-secretsmanager", arn)) == TOKEN


def test_a_missing_secret_names_the_arn_and_the_fix(fake_aws: Path, moto_url: str) -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:baton/absent-AbCdEf"
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("aws-secretsmanager", arn), aws=AwsSettings(endpoint_url=moto_url))
    assert str(caught.value) == (
        f"aws-secretsmanager:{arn}: Secrets Manager refused (ResourceNotFoundException) — check the ARN and the region"
    )


def test_a_missing_json_key_names_the_key_never_the_value(fake_aws: Path, moto_url: str) -> None:
    arn = _secret(moto_url, "baton/sm-nokey", f'{{"password": "{PASSWORD}"}}')
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("aws-secretsmanager", f"{arn}#token"), aws=AwsSettings(endpoint_url=moto_url))
    assert "has no text key 'token'" in str(caught.value) and arn in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_an_unreachable_endpoint_names_the_arn_and_the_endpoint(fake_aws: Path, closed_port_url: str) -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:baton/x-AbCdEf"
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("aws-secretsmanager", arn), aws=AwsSettings(endpoint_url=closed_port_url))
    text = str(caught.value)
    assert text.startswith(f"aws-secretsmanager:{arn}: cannot reach {closed_port_url}")
    assert "check [aws] endpoint_url" in text


def test_no_credentials_names_the_arn_and_how_to_log_in(no_aws: Path, moto_url: str) -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:baton/x-AbCdEf"
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("aws-secretsmanager", arn), aws=AwsSettings(endpoint_url=moto_url))
    assert str(caught.value).startswith(f"aws-secretsmanager:{arn}: no AWS credentials found")
    assert "aws configure" in str(caught.value)
