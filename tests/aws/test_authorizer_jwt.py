"""JWT (HTTP API) and Cognito (REST) authorizers evaluated locally: configuration from moto, keys from the issuer's
JWKS (an OIDC issuer on loopback with this module's RSA keys; for Cognito, moto's own pool keys and tokens)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from console.aws.authorizer_decide import decide
from console.config import load_profile
from console.model.authorizer_decision import AuthorizerResult, Source, Unavailable
from tests.aws.motokit import MotoHttpApi, MotoRestApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_authorizers import Issuer, cognito_user, fresh_jwks, issuer, profile_file

__all__ = ["fake_aws", "fresh_jwks", "issuer", "moto_url", "no_aws"]


def _http(moto_url: str, issuer_url: str, scopes: tuple[str, ...] = ()) -> MotoHttpApi:
    api = MotoHttpApi(moto_url)
    authorizer = api.jwt_authorizer(issuer_url, audience="client-app")
    api.route("GET /orders/{id}", auth="JWT", authorizer=authorizer, scopes=scopes)
    api.stage("dev")
    return api


def _judge(folder: Path, moto_url: str, api_id: str, token: str | None, kind: str = "http") -> Any:
    profile = load_profile(str(profile_file(folder, moto_url, api_id, kind=kind)))
    return decide(profile, token, "GET", "/orders/42")


def _refused(result: Any) -> AuthorizerResult:
    assert isinstance(result, AuthorizerResult), result
    assert not result.allowed and result.response is not None
    return result


@pytest.mark.usefixtures("fresh_jwks")
class TestHttpApiJwt:
    def test_a_good_token_is_allowed_with_its_claims(self, fake_aws: Path, moto_url: str, issuer: Issuer) -> None:
        api = _http(moto_url, issuer.url)
        result = _judge(fake_aws, moto_url, api.api_id, issuer.token())
        assert isinstance(result, AuthorizerResult) and result.allowed, result
        assert result.source is Source.LOCAL and result.authorizer_type == "JWT"
        assert result.principal_id == "user-42"
        assert dict(result.claims)["aud"] == "client-app"
        assert result.method_arn.endswith(f"{api.api_id}/dev/GET/orders/42")

    def test_an_audience_not_in_the_list_gets_aws_own_description(
        self, fake_aws: Path, moto_url: str, issuer: Issuer
    ) -> None:
        api = _http(moto_url, issuer.url)
        result = _refused(_judge(fake_aws, moto_url, api.api_id, issuer.token(aud="other-app")))
        assert result.response is not None and result.response.status == 401
        assert 'error_description="the token does not have a valid audience"' in result.response.error_type
        assert result.reasons[0].startswith("audience does not match: aud is 'other-app'")

    def test_client_id_counts_when_there_is_no_aud(self, fake_aws: Path, moto_url: str, issuer: Issuer) -> None:
        api = _http(moto_url, issuer.url)
        result = _judge(fake_aws, moto_url, api.api_id, issuer.token(aud=None, client_id="client-app"))
        assert isinstance(result, AuthorizerResult) and result.allowed

    def test_issuer_expiry_signature_and_kid_are_each_named(
        self, fake_aws: Path, moto_url: str, issuer: Issuer
    ) -> None:
        api = _http(moto_url, issuer.url)
        cases = {
            "issuer does not match": issuer.token(iss=issuer.url + "/"),
            "token expired": issuer.token(exp=int(time.time()) - 60),
            "signature does not verify": issuer.token(key=issuer.keys.rsa_other),
            "signing key not in the key set": issuer.token(kid="rotated-away"),
        }
        for expected, token in cases.items():
            result = _refused(_judge(fake_aws, moto_url, api.api_id, token))
            assert result.reasons[0].startswith(expected), (expected, result.reasons)
            assert result.response is not None and result.response.status == 401

    def test_a_non_rsa_token_is_refused(self, fake_aws: Path, moto_url: str, issuer: Issuer) -> None:
        api = _http(moto_url, issuer.url)
        token = issuer.token(key=issuer.keys.ec256, alg="ES256")
        result = _refused(_judge(fake_aws, moto_url, api.api_id, token))
        assert "only RSA" in result.reasons[0]

    def test_one_of_the_route_scopes_is_enough_and_none_is_a_403(
        self, fake_aws: Path, moto_url: str, issuer: Issuer
    ) -> None:
        api = _http(moto_url, issuer.url, scopes=("orders/read", "orders/admin"))
        good = _judge(fake_aws, moto_url, api.api_id, issuer.token(scope="profile orders/read"))
        assert isinstance(good, AuthorizerResult) and good.allowed
        result = _refused(_judge(fake_aws, moto_url, api.api_id, issuer.token(scope="profile")))
        assert result.response is not None and result.response.status == 403
        assert result.reasons == (
            "scope missing: the route requires one of orders/read orders/admin; the token has profile",
        )

    def test_no_token_is_a_401(self, fake_aws: Path, moto_url: str, issuer: Issuer) -> None:
        api = _http(moto_url, issuer.url)
        result = _refused(_judge(fake_aws, moto_url, api.api_id, None))
        assert "identity source header Authorization is missing" in result.reasons[0]

    def test_an_unreachable_jwks_is_unavailable(self, fake_aws: Path, moto_url: str, issuer: Issuer) -> None:
        api = _http(moto_url, "http://127.0.0.1:9/nowhere")
        result = _judge(fake_aws, moto_url, api.api_id, issuer.token(iss="http://127.0.0.1:9/nowhere"))
        assert isinstance(result, Unavailable) and result.kind == "jwks"
        assert "openid-configuration" in result.reason


def _cognito(moto_url: str, scopes: tuple[str, ...] = ()) -> tuple[MotoRestApi, str]:
    api = MotoRestApi(moto_url)
    authorizer, pool = api.cognito_authorizer()
    api.method("/orders/{id}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer, scopes=scopes)
    api.deploy()
    return api, pool


@pytest.mark.usefixtures("fresh_jwks")
class TestRestCognito:
    def test_an_id_token_passes_a_method_without_scopes_and_an_access_token_does_not(
        self, fake_aws: Path, moto_url: str
    ) -> None:
        api, pool = _cognito(moto_url)
        tokens = cognito_user(moto_url, pool)
        allowed = _judge(fake_aws, moto_url, api.api_id, tokens["id"], kind="rest")
        assert isinstance(allowed, AuthorizerResult) and allowed.allowed, allowed
        assert dict(allowed.claims)["cognito:username"] == "alice"
        refused = _refused(_judge(fake_aws, moto_url, api.api_id, tokens["access"], kind="rest"))
        assert refused.reasons[0].startswith("wrong kind of token (token_use): expected an id token, got an access")
        assert refused.response is not None and refused.response.error_type == "UnauthorizedException"

    def test_with_scopes_an_access_token_needs_one_of_them(self, fake_aws: Path, moto_url: str) -> None:
        api, pool = _cognito(moto_url, scopes=("aws.cognito.signin.user.admin",))
        tokens = cognito_user(moto_url, pool)
        assert _judge(fake_aws, moto_url, api.api_id, tokens["access"], kind="rest").allowed
        api2, pool2 = _cognito(moto_url, scopes=("orders/read",))
        tokens2 = cognito_user(moto_url, pool2)
        refused = _refused(_judge(fake_aws, moto_url, api2.api_id, tokens2["access"], kind="rest"))
        assert refused.reasons[0].startswith("scope missing: the route requires one of orders/read")
        assert refused.response is not None and refused.response.status == 401

    def test_a_token_of_another_pool_is_refused(self, fake_aws: Path, moto_url: str) -> None:
        api, _ = _cognito(moto_url)
        _, other_pool = _cognito(moto_url)
        tokens = cognito_user(moto_url, other_pool)
        refused = _refused(_judge(fake_aws, moto_url, api.api_id, tokens["id"], kind="rest"))
        assert refused.reasons[0].startswith("issuer does not match")
