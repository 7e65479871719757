"""The cognito identity flow: InitiateAuth USER_PASSWORD_AUTH against moto's cognito-idp through the [aws] session,
with and without an app client secret (SECRET_HASH), the token the profile's token_use asks for, and challenges
or refusals as one line naming the fix."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.aws.cognito import CognitoTokenSource, region_of_issuer, secret_hash
from console.config.load import load_profile
from console.errors import AwsError
from console.model.profile import AwsSettings
from console.model.trace import HopName, TraceRequest
from console.session import Session

PASSWORD = "Baton-Test-Passw0rd!"


@dataclass
class Pool:
    pool_id: str
    client_id: str
    secret_client_id: str
    client_secret: str
    username: str = "alice"


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.fixture
def pool(moto_url: str, fake_aws: Path) -> Pool:
    import boto3

    idp = boto3.client("cognito-idp", region_name="eu-west-1", endpoint_url=moto_url)
    pool_id = idp.create_user_pool(PoolName="baton-signin")["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    plain = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain", ExplicitAuthFlows=flows)
    secret = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="secret", ExplicitAuthFlows=flows, GenerateSecret=True
    )["UserPoolClient"]
    for user in ("alice", "newbie"):
        idp.admin_create_user(UserPoolId=pool_id, Username=user, TemporaryPassword="Temp-Passw0rd!")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    return Pool(pool_id, plain["UserPoolClient"]["ClientId"], secret["ClientId"], secret["ClientSecret"])


def _source(moto_url: str) -> CognitoTokenSource:
    return CognitoTokenSource(AwsSettings(region="eu-west-1", endpoint_url=moto_url))


def test_secret_hash_is_base64_hmac_sha256_of_username_and_client_id() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"aliceclient1", hashlib.sha256).digest()
    assert secret_hash("s3cret", "alice", "client1") == base64.b64encode(expected).decode()


def test_region_comes_from_a_cognito_issuer() -> None:
    assert region_of_issuer("https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_AbC") == "eu-north-1"
    assert region_of_issuer("https://login.example.com/") is None


def test_sign_in_without_a_client_secret(pool: Pool, moto_url: str) -> None:
    grant = _source(moto_url).fetch(client_id=pool.client_id, username="alice", password=PASSWORD, client_secret=None)
    assert grant.access_token and _claims(grant.access_token)["token_use"] == "access"
    assert grant.id_token and _claims(grant.id_token)["token_use"] == "id"
    assert grant.expires_in and grant.expires_in > 0


def test_sign_in_with_a_client_secret_sends_secret_hash(pool: Pool, moto_url: str) -> None:
    grant = _source(moto_url).fetch(
        client_id=pool.secret_client_id, username="alice", password=PASSWORD, client_secret=pool.client_secret
    )
    assert grant.access_token


@pytest.mark.parametrize(
    ("said", "given", "expected"),
    [
        ("Client abc is configured for secret but secret was not received", None, "the profile gives none"),
        ("Unable to verify secret hash for client abc", "wrong-secret", "could not verify SECRET_HASH"),
    ],
)
def test_secret_hash_refusals_name_the_client_secret(
    fake_aws: Path, monkeypatch: pytest.MonkeyPatch, said: str, given: str | None, expected: str
) -> None:
    """moto does not check SECRET_HASH for USER_PASSWORD_AUTH: botocore's Stubber plays Cognito's answer."""
    import boto3
    from botocore.stub import Stubber

    from console.aws import cognito

    client = boto3.client("cognito-idp", region_name="eu-west-1")
    stub = Stubber(client)
    stub.add_client_error("initiate_auth", "NotAuthorizedException", said, 400)
    monkeypatch.setattr(cognito, "make_client", lambda *_args: client)
    with stub, pytest.raises(AwsError) as caught:
        CognitoTokenSource(AwsSettings(region="eu-west-1")).fetch(
            client_id="abc", username="alice", password=PASSWORD, client_secret=given
        )
    line = caught.value.one_line()
    assert expected in line and "client_secret" in line and said not in line


def test_a_wrong_password_is_one_line_without_the_password(pool: Pool, moto_url: str) -> None:
    wrong = "Not-The-Passw0rd!"
    with pytest.raises(AwsError) as caught:
        _source(moto_url).fetch(client_id=pool.client_id, username="alice", password=wrong, client_secret=None)
    line = caught.value.one_line()
    assert "Cognito refused the sign-in (NotAuthorizedException)" in line and "check username and password" in line
    assert wrong not in line and "\n" not in line


def test_new_password_required_is_one_clear_line(pool: Pool, moto_url: str) -> None:
    with pytest.raises(AwsError) as caught:
        _source(moto_url).fetch(
            client_id=pool.client_id, username="newbie", password="Temp-Passw0rd!", client_secret=None
        )
    line = caught.value.one_line()
    assert "NEW_PASSWORD_REQUIRED" in line and "admin-set-user-password" in line


def test_an_unknown_app_client_names_client_id_and_region(pool: Pool, moto_url: str) -> None:
    with pytest.raises(AwsError) as caught:
        _source(moto_url).fetch(client_id="nosuchclient000", username="alice", password=PASSWORD, client_secret=None)
    assert "client_id" in caught.value.one_line()


def test_an_unreachable_endpoint_is_one_line(closed_port_url: str, fake_aws: Path) -> None:
    source = CognitoTokenSource(AwsSettings(region="eu-west-1", endpoint_url=closed_port_url))
    with pytest.raises(AwsError) as caught:
        source.fetch(client_id="c", username="alice", password=PASSWORD, client_secret=None)
    assert caught.value.reason == "unreachable"


def _profile(folder: Path, moto_url: str, gateway_url: str, pool: Pool, token_use: str, secret: bool) -> Path:
    client = pool.secret_client_id if secret else pool.client_id
    lines = [
        'name = "cognitoflow"',
        'environment = "dev"',
        "[gateway]",
        f'url = "{gateway_url}/dev/orders"',
        'auth = "cognito"',
        "[identity]",
        'flow = "cognito"',
        f'issuer = "https://cognito-idp.eu-west-1.amazonaws.com/{pool.pool_id}"',
        f'client_id = "{client}"',
        'username = "alice"',
        'password = "env:BATON_TEST_COGNITO_PASSWORD"',
        f'token_use = "{token_use}"',
        *(['client_secret = "env:BATON_TEST_COGNITO_SECRET"'] if secret else []),
        "[aws]",
        'region = "eu-west-1"',
        f'endpoint_url = "{moto_url}"',
    ]
    path = folder / "cognitoflow.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("token_use", "secret"), [("access", False), ("id", True)])
def test_a_trace_signs_in_with_cognito_and_sends_the_token_the_profile_asks_for(
    pool: Pool,
    moto_url: str,
    closed_port_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    token_use: str,
    secret: bool,
) -> None:
    monkeypatch.setenv("BATON_TEST_COGNITO_PASSWORD", PASSWORD)
    monkeypatch.setenv("BATON_TEST_COGNITO_SECRET", pool.client_secret)
    session = Session(load_profile(str(_profile(tmp_path, moto_url, closed_port_url, pool, token_use, secret))))
    try:
        trace = session.trace(TraceRequest())
    finally:
        session.close()
    assert trace.token is not None
    assert trace.token.token.claims["token_use"] == token_use
    client = next(h for h in trace.hops if h.name is HopName.CLIENT)
    assert any("Cognito InitiateAuth (USER_PASSWORD_AUTH) in eu-west-1" in line for line in client.evidence)
    assert PASSWORD not in repr(trace) and pool.client_secret not in repr(trace)


def test_a_trace_with_a_challenged_user_stops_at_the_client_hop(
    pool: Pool, moto_url: str, closed_port_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_COGNITO_PASSWORD", "Temp-Passw0rd!")
    path = _profile(tmp_path, moto_url, closed_port_url, pool, "access", False)
    path.write_text(path.read_text().replace('username = "alice"', 'username = "newbie"'))
    session = Session(load_profile(str(path)))
    try:
        trace = session.trace(TraceRequest())
    finally:
        session.close()
    assert trace.error is not None and "NEW_PASSWORD_REQUIRED" in trace.error
    assert "Temp-Passw0rd!" not in repr(trace)


def test_the_validator_requires_the_cognito_keys(tmp_path: Path) -> None:
    from console.config.load import load_profile as load
    from console.errors import ProfileError

    path = tmp_path / "bad.toml"
    path.write_text('environment = "dev"\n[gateway]\nurl = "https://a.example/x"\n[identity]\nflow = "cognito"\n')
    with pytest.raises(ProfileError) as caught:
        load(str(path))
    text = str(caught.value) + " ".join(getattr(caught.value, "problems", []) or [])
    for key in ("identity.client_id", "identity.username", "identity.password"):
        assert key in text
    assert "identity.token_url" not in text
