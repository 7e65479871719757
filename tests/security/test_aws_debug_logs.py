"""botocore at DEBUG logs the signed request, the call's parameters and every response body (security.md §0.9,
§2.5): with the root logger and botocore's own loggers at DEBUG (as `boto3.set_stream_logger` leaves them), SigV4
signing, Cognito InitiateAuth and Secrets Manager GetSecretValue leave no secret in any log record or output."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main
from console.config.secrets import resolve_secret
from console.model.profile import AwsSettings, SecretRef
from tests.aws.motokit import FAKE_SECRET, FAKE_SESSION_TOKEN, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.test_signing import VerifyingGateway, gateway

__all__ = ["closed_port_url", "fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here

_LOGGERS = ("botocore", "botocore.endpoint", "botocore.parsers", "botocore.auth", "botocore.hooks", "boto3", "urllib3")


class Everything(logging.Handler):
    """Keeps every record's formatted text, arguments and exception included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


@pytest.fixture
def root_at_debug() -> Iterator[Everything]:
    root = logging.getLogger()
    handler = Everything()
    saved = {name: logging.getLogger(name).level for name in ("", *_LOGGERS)}
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    for name in _LOGGERS:  # a fresh process where the user asked botocore for everything
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _assert_nowhere(secrets: list[str], texts: list[str]) -> None:
    for secret in secrets:
        assert len(secret) >= 8
        for text in texts:
            assert secret not in text


def test_sigv4_signing_leaves_no_credential_or_signature_in_logs(
    fake_aws: Path,
    gateway: VerifyingGateway,
    tmp_path: Path,
    root_at_debug: Everything,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "iamdebug.toml"
    path.write_text(
        f'name = "iamdebug"\nenvironment = "dev"\n[gateway]\nurl = "{gateway.url}/dev/admin"\nauth = "iam"\n'
        '[aws]\nregion = "eu-central-1"\n',
        encoding="utf-8",
    )
    main(["trace", "--profile", str(path)])
    main(["trace", "--profile", str(path), "--json"])
    out, err = capsys.readouterr()
    assert gateway.seen and all(seen.verified for seen in gateway.seen)
    auths = [seen.headers["authorization"] for seen in gateway.seen]
    signatures = [part.split("=", 1)[1] for auth in auths for part in auth.split(",") if "Signature=" in part]
    _assert_nowhere([FAKE_SECRET, FAKE_SESSION_TOKEN, *signatures], [*root_at_debug.texts, out, err])


def test_cognito_initiate_auth_leaves_no_password_hash_or_token_in_logs(
    fake_aws: Path, moto_url: str, root_at_debug: Everything, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    from console.aws.cognito import CognitoTokenSource, secret_hash

    idp = boto3.client("cognito-idp", region_name="eu-west-1", endpoint_url=moto_url)
    pool = idp.create_user_pool(PoolName="baton-debug")["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="dbg", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], GenerateSecret=True
    )["UserPoolClient"]
    password = "Debug-Log-Passw0rd!-never-logged"
    idp.admin_create_user(UserPoolId=pool, Username="dora", TemporaryPassword="Temp-Passw0rd!")
    idp.admin_set_user_password(UserPoolId=pool, Username="dora", Password=password, Permanent=True)
    root_at_debug.texts.clear()  # only what Baton's own calls log from here on
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    grant = CognitoTokenSource(AwsSettings(region="eu-west-1", endpoint_url=moto_url)).fetch(
        client_id=app["ClientId"], username="dora", password=password, client_secret=app["ClientSecret"]
    )
    assert grant.access_token and grant.id_token
    out, err = capsys.readouterr()
    hashed = secret_hash(app["ClientSecret"], "dora", app["ClientId"])
    secrets = [password, hashed, app["ClientSecret"], grant.access_token, grant.id_token]
    _assert_nowhere(secrets, [*root_at_debug.texts, out, err])


def test_get_secret_value_leaves_no_secret_in_logs(
    fake_aws: Path, moto_url: str, root_at_debug: Everything, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    value = "secret-string-from-secrets-manager-never-logged"
    client = boto3.client("secretsmanager", region_name="eu-west-1", endpoint_url=moto_url)
    arn = client.create_secret(Name="baton/debug-log", SecretString=f'{{"k": "{value}"}}')["ARN"]
    root_at_debug.texts.clear()
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    ref = SecretRef("aws-secretsmanager", f"{arn}#k")
    assert resolve_secret(ref, aws=AwsSettings(region="eu-west-1", endpoint_url=moto_url)) == value
    out, err = capsys.readouterr()
    _assert_nowhere([value, FAKE_SECRET, FAKE_SESSION_TOKEN], [*root_at_debug.texts, out, err])
