"""Secret references: parsed without echoing, resolved at use, failures name the reference only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from console.config import SecretRef, parse_secret_ref, resolve_reference, resolve_secret
from console.errors import SecretRefError


def test_parse_each_scheme() -> None:
    assert parse_secret_ref("env:BATON_X") == SecretRef("env", "BATON_X")
    assert parse_secret_ref("file:~/s.txt", "/base") == SecretRef("file", "~/s.txt", "/base")
    arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf"
    assert str(parse_secret_ref(f"aws-secretsmanager:{arn}")) == f"aws-secretsmanager:{arn}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hunter2", "not a secret reference; write env:VAR, file:PATH or aws-secretsmanager:ARN"),
        ("vault:kv/x", "unknown secret reference scheme; supported schemes: env:, file:, aws-secretsmanager:"),
        ("env:", "'env:' needs a target, e.g. env:BATON_CLIENT_SECRET"),
        ("env:1BAD-NAME", "env: needs a variable name made of letters, digits and '_', e.g. env:MY_SECRET"),
    ],
)
def test_parse_errors_never_echo_the_text(text: str, expected: str) -> None:
    with pytest.raises(SecretRefError) as caught:
        parse_secret_ref(text)
    assert str(caught.value) == expected


def test_env_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_SECRET", "value-1")
    assert resolve_secret(SecretRef("env", "BATON_TEST_SECRET")) == "value-1"


def test_missing_env_var_names_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATON_CLIENT_SECRET", raising=False)
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("env", "BATON_CLIENT_SECRET"))
    assert str(caught.value) == (
        "env:BATON_CLIENT_SECRET is not set — export BATON_CLIENT_SECRET=… before running baton"
    )


def test_resolve_reference_from_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_SECRET", "value-2")
    assert resolve_reference("env:BATON_TEST_SECRET") == "value-2"
    with pytest.raises(SecretRefError) as caught:
        resolve_reference("plain-secret-value")
    assert "plain-secret-value" not in str(caught.value)


def test_empty_env_var_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_EMPTY", "")
    with pytest.raises(SecretRefError, match="env:BATON_EMPTY is set but empty"):
        resolve_secret(SecretRef("env", "BATON_EMPTY"))


def test_file_reference_relative_to_profile_and_one_newline_stripped(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("line-1\n\n", encoding="utf-8")
    assert resolve_secret(SecretRef("file", "s.txt", str(tmp_path))) == "line-1\n"
    (tmp_path / "crlf.txt").write_bytes(b"abc\r\n")
    assert resolve_secret(SecretRef("file", "crlf.txt", str(tmp_path))) == "abc"


def test_file_reference_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "tok").write_text("t0k", encoding="utf-8")
    assert resolve_secret(SecretRef("file", "~/tok", "/elsewhere")) == "t0k"


def test_missing_file_names_reference_and_path(tmp_path: Path) -> None:
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("file", "nope.txt", str(tmp_path)))
    assert str(caught.value) == f"file:nope.txt: no such file ({tmp_path / 'nope.txt'})"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "e").write_text("\n", encoding="utf-8")
    with pytest.raises(SecretRefError, match="file:e: the file is empty"):
        resolve_secret(SecretRef("file", "e", str(tmp_path)))


def test_importing_secrets_does_not_import_boto3() -> None:
    import subprocess

    code = "import sys, console.config.secrets; print('boto3' in sys.modules, 'botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def test_secretsmanager_reference_resolved_lazily(aws: None) -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("secretsmanager", region_name="eu-west-1")
        arn = client.create_secret(Name="baton/plain", SecretString="plain-value")["ARN"]
        json_arn = client.create_secret(Name="baton/json", SecretString='{"token": "t-1", "n": 3}')["ARN"]
        assert resolve_secret(SecretRef("aws-secretsmanager", arn)) == "plain-value"
        assert resolve_secret(SecretRef("aws-secretsmanager", f"{json_arn}#token")) == "t-1"
        with pytest.raises(SecretRefError) as caught:
            resolve_secret(SecretRef("aws-secretsmanager", f"{json_arn}#n"))
        assert "has no text key 'n'" in str(caught.value) and "3" not in str(caught.value).split("#n")[1]


def test_secretsmanager_missing_secret_names_the_reference(aws: None) -> None:
    from moto import mock_aws

    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:baton/absent-AbCdEf"
    with mock_aws(), pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("aws-secretsmanager", arn))
    assert str(caught.value) == (
        f"aws-secretsmanager:{arn}: Secrets Manager refused (ResourceNotFoundException) — check the ARN and the region"
    )


def test_secretsmanager_unknown_aws_profile(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    with pytest.raises(SecretRefError, match="AWS profile 'ghost' is not configured"):
        resolve_secret(SecretRef("aws-secretsmanager", "baton/x"), aws_profile="ghost")
