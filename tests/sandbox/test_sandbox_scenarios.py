"""Every scenario over real loopback HTTP: what the client, the gateway's logs and the IIS log show."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import httpx
import jwt
import pytest
from sandboxkit import Observed

from console.sandbox import SCENARIOS

REST_401 = (401, b'{"message":"Unauthorized"}', "UnauthorizedException")

# scenario -> (client status, exact body or None, x-amzn-ErrorType or None) — domain §1.7, §2.2, F01-F33.
EXPECTED: dict[str, tuple[int, bytes | None, str | None]] = {
    "healthy": (200, None, None),
    "expired-token": REST_401,
    "wrong-audience": (401, b'{"message":"Unauthorized"}', None),
    "issuer-mismatch": (401, b'{"message":"Unauthorized"}', None),
    "rotated-key": (401, b'{"message":"Unauthorized"}', None),
    "clock-skew": (401, b'{"message":"Unauthorized"}', None),
    "missing-scope": REST_401,
    "id-token-instead-of-access": REST_401,
    "authorizer-deny": (
        403,
        b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
        "AccessDeniedException",
    ),
    "authorizer-cache-cross-route": (
        403,
        b'{"message":"User is not authorized to access this resource"}',
        "AccessDeniedException",
    ),
    "authorizer-no-identity": (200, None, None),
    "api-key-missing": (403, b'{"message":"Forbidden"}', "ForbiddenException"),
    "throttled": (429, b'{"message":"Too Many Requests"}', "TooManyRequestsException"),
    "claims-header-unmapped": (200, None, None),
    "identity-header-appended": (200, None, None),
    "integration-timeout": (504, b'{"message": "Endpoint request timed out"}', None),
    "correlation-id-dropped": (200, None, None),
    "underscore-header": (200, None, None),
    "iis-windows-auth": (401, None, None),
    "iis-header-too-large": (400, None, None),
    "spoofable-backend": (200, None, None),
    "gateway-bypass": (200, None, None),
}

Get = Callable[[str], Observed]


def test_every_scenario_has_an_expectation() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_client_sees_the_documented_response(observed: Get, name: str) -> None:
    seen = observed(name)
    status, body, error_type = EXPECTED[name]
    assert seen.response.status_code == status
    if body is not None:
        assert seen.response.content == body
    assert seen.response.headers.get("x-amzn-ErrorType") == error_type
    doc = seen.doc
    assert (doc["name"], doc["broken_at"], doc["finding"]) == (name, SCENARIOS[name].broken_at, SCENARIOS[name].finding)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_secret_reaches_a_log_or_the_control_plane(observed: Get, name: str) -> None:
    seen = observed(name)
    record = httpx.get(f"{seen.sandbox.urls.gateway}/__baton/requests/{seen.correlation_id}").text
    exposed = "\n".join([record, json.dumps(seen.logs), seen.sandbox.iis_log_path.read_text(), seen.response.text])
    for secret in seen.secrets:
        if secret != seen.doc["client"]["client_secret"]:  # the scenario doc serves it on purpose
            assert secret not in exposed


@pytest.mark.parametrize(
    "name", [n for n, s in SCENARIOS.items() if s.gateway.kind == "rest" and s.client.target == "gateway"]
)
def test_rest_responses_carry_request_ids_and_logs_join_on_them(observed: Get, name: str) -> None:
    seen = observed(name)
    request_id = seen.response.headers["x-amzn-RequestId"]
    assert str(uuid.UUID(request_id)) == request_id
    assert seen.response.headers["x-amz-apigw-id"].endswith("=")
    assert seen.record["request_id"] == request_id
    assert all(line.startswith(f"({request_id}) ") for line in seen.logs["execution"])
    access = json.loads(seen.logs["access"][0])
    assert access["requestId"] == request_id
    assert access["status"] == str(seen.response.status_code)


@pytest.mark.parametrize("name", [n for n, s in SCENARIOS.items() if s.gateway.kind == "http"])
def test_http_api_has_apigw_requestid_and_access_logs_only(observed: Get, name: str) -> None:
    seen = observed(name)
    assert "x-amzn-RequestId" not in seen.response.headers
    assert seen.record["request_id"] == seen.response.headers["apigw-requestid"]
    assert seen.logs["execution"] == []
    assert len(seen.logs["access"]) == 1


def _claims(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_healthy_identity_reaches_iis_and_its_log(observed: Get) -> None:
    seen = observed("healthy")
    sub = _claims(seen.tokens["access_token"])["sub"]
    assert seen.response.headers["x-amzn-Remapped-Server"] == "Microsoft-IIS/10.0"
    assert seen.response.headers["X-Powered-By"] == "ASP.NET"
    echo = seen.response.json()
    assert echo["user"] == sub
    assert echo["server_variables"]["HTTP_X_USER_SUB"] == sub
    assert seen.record["authorizer"]["decision"] == "allow"
    assert seen.record["integration"]["headers"]["X-User-Sub"] == sub
    assert seen.record["iis"]["user"] == sub
    line = next(x for x in seen.iis_log_lines() if seen.correlation_id in x.split())
    fields = line.split(" ")
    assert fields[3:5] == ["GET", "/whoami"]
    assert fields[11:14] == ["200", "0", "0"]
    # HTTP_PROXY passes the client's User-Agent through (correction C1): the gateway's own UA is not in the log
    assert fields[9] != "-" and not fields[9].startswith("AmazonAPIGateway_")
    assert fields[-1] == sub
    assert line == seen.record["iis"]["log_line"]
    execution = "\n".join(seen.logs["execution"])
    assert f"X-User-Sub={sub}" in execution
    assert "Method completed with status: 200" in execution


def test_healthy_feed_lists_the_request(observed: Get) -> None:
    seen = observed("healthy")
    feed = httpx.get(f"{seen.sandbox.urls.gateway}/__baton/requests", params={"after": 0}).json()
    mine = [r for r in feed["requests"] if r["correlation_id"] == seen.correlation_id]
    assert mine and mine[0]["status"] == 200 and mine[0]["path"] == "/prod/whoami"
    assert feed["last_seq"] >= mine[0]["seq"]


@pytest.mark.parametrize("name", ["expired-token", "missing-scope", "id-token-instead-of-access"])
def test_cognito_refusals_never_reach_iis(observed: Get, name: str) -> None:
    seen = observed(name)
    assert seen.record["authorizer"]["type"] == "cognito"
    assert seen.record["authorizer"]["decision"] == "unauthorized"
    assert seen.record["iis"]["received"] is False
    assert f"Unauthorized request: {seen.record['request_id']}" in "\n".join(seen.logs["execution"])
    assert not any(seen.correlation_id in line for line in seen.iis_log_lines())


def test_expired_token_is_expired(observed: Get) -> None:
    assert int(str(_claims(observed("expired-token").tokens["access_token"])["exp"])) < time.time()


def test_missing_scope_token_lacks_the_scope(observed: Get) -> None:
    seen = observed("missing-scope")
    scopes = str(_claims(seen.tokens["access_token"])["scope"]).split()
    assert not set(scopes) & set(seen.doc["gateway"]["scopes"])


def test_id_token_is_sent_where_an_access_token_is_wanted(observed: Get) -> None:
    claims = _claims(observed("id-token-instead-of-access").tokens["id_token"])
    assert claims["token_use"] == "id" and "aud" in claims


@pytest.mark.parametrize(
    ("name", "description"),
    [
        ("wrong-audience", "the token does not have a valid audience"),
        ("issuer-mismatch", "the token does not have a valid issuer"),
        ("rotated-key", "the token's kid was not found in the JWKS"),
        ("clock-skew", "the token is not valid yet"),
    ],
)
def test_jwt_authorizer_challenge(observed: Get, name: str, description: str) -> None:
    seen = observed(name)
    assert seen.response.headers["www-authenticate"] == (
        f'Bearer scope="" error="invalid_token" error_description="{description}"'
    )
    assert seen.record["authorizer"]["type"] == "jwt"
    assert seen.record["iis"]["received"] is False


def test_wrong_audience_token_is_for_another_app_client(observed: Get) -> None:
    seen = observed("wrong-audience")
    assert _claims(seen.tokens["access_token"])["client_id"] not in seen.doc["gateway"]["audience"]


def test_issuer_mismatch_is_a_trailing_slash(observed: Get) -> None:
    seen = observed("issuer-mismatch")
    assert _claims(seen.tokens["access_token"])["iss"] == seen.doc["idp_issuer"]
    assert seen.doc["issuer"] == seen.doc["idp_issuer"] + "/"


def test_rotated_key_kid_is_absent_from_the_published_jwks(observed: Get) -> None:
    seen = observed("rotated-key")
    discovery = httpx.get(seen.doc["discovery_url"]).json()
    assert discovery["jwks_uri"] == seen.doc["jwks_url"]
    kids = {k["kid"] for k in httpx.get(discovery["jwks_uri"]).json()["keys"]}
    assert len(kids) == 2
    assert jwt.get_unverified_header(seen.tokens["access_token"])["kid"] not in kids


def test_clock_skew_token_is_issued_in_the_future(observed: Get) -> None:
    assert int(str(_claims(observed("clock-skew").tokens["access_token"])["iat"])) > time.time()


def test_only_a_non_proxy_integration_sends_the_gateways_user_agent(observed: Get) -> None:
    """Correction C1: AmazonAPIGateway_<apiId> is the UA of an HTTP (non-proxy) integration; HTTP_PROXY passes the
    client's through. Correction C2: every integration request carries an X-Ray trace header."""
    seen = observed("correlation-id-dropped")  # integration HTTP
    api = seen.doc["gateway"]["api_id"]
    sent = seen.record["integration"]["headers"]
    assert sent["User-Agent"] == f"AmazonAPIGateway_{api}"
    assert sent["X-Amzn-Trace-Id"].startswith("Root=1-")
    proxied = {k.lower(): v for k, v in observed("healthy").record["integration"]["headers"].items()}  # HTTP_PROXY
    assert proxied["user-agent"] and not proxied["user-agent"].startswith("AmazonAPIGateway_")
    assert proxied["x-amzn-trace-id"].startswith("Root=1-")
