"""QA6 defects of `baton aws inspect` against a real local AWS API (moto): no false "findings: none".

#1 a fixed identity (literal, stage variable), #2 authorizer values on a method without an authorizer, #3 a request
that reaches no method, #4 the token type comes from the method, #7 literal credentials masked, #16 deployments
created in the same second."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.aws.rest_shape import header_mappings, http_mappings
from console.cli import main
from tests.aws.motokit import MotoHttpApi, MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws, rest_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.SIGNATUREqa6NEVERPRINTxyz123"
AWS_KEY = "AKIAQA0000000000LEAK"


def _inspect(profile: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["aws", "inspect", "--profile", str(profile), *extra])
    return code, capsys.readouterr().out


def _open_api(moto_url: str, headers: dict[str, str], *, auth: str = "COGNITO_USER_POOLS") -> MotoRestApi:
    api = MotoRestApi(moto_url)
    authorizer = api.cognito_authorizer()[0] if auth == "COGNITO_USER_POOLS" else None
    api.method("/orders/{id}", "GET", auth=auth, authorizer=authorizer, headers=headers)
    api.deploy()
    return api


@pytest.mark.parametrize("source", ["'alice'", "stageVariables.uid"])
def test_1_an_identity_header_from_a_fixed_value_is_an_error_with_the_fix(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    api = _open_api(moto_url, {"X-User-Id": source})
    code, out = _inspect(rest_profile(fake_aws, moto_url, api.api_id), capsys)
    assert code == 1
    assert "findings: none" not in out
    assert "config.header_fixed_value" in out
    assert "every caller reaches IIS as the same" in out
    assert "integration.request.header.X-User-Id,value=context.authorizer.claims.sub" in out


def test_2_claims_mapped_on_a_method_without_an_authorizer_is_an_error(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"}, auth="NONE")
    code, out = _inspect(rest_profile(fake_aws, moto_url, api.api_id), capsys)
    assert code == 1
    assert "findings: none" not in out
    assert "config.authorizer_value_without_authorizer" in out
    assert "no authorizer runs" in out


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        (("--path", "/nothere/1"), "no resource matches /nothere/1"),
        (("--method", "DELETE"), "has no DELETE (nor ANY) method"),
    ],
)
def test_3_a_request_that_reaches_no_method_is_an_error_not_a_clean_bill(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], why: str
) -> None:
    api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    code, out = _inspect(rest_profile(fake_aws, moto_url, api.api_id), capsys, *extra)
    assert code == 1
    assert "findings: none" not in out
    assert "config.no_method" in out and why in out
    assert "Missing Authentication Token" in out


def test_3_an_http_api_route_miss_is_an_error(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = MotoHttpApi(moto_url)
    api.route("GET /orders/{id}", parameters={"overwrite:header.X-User-Id": "$context.authorizer.claims.sub"})
    api.stage()
    profile = rest_profile(fake_aws, moto_url, api.api_id, kind="http", url_path="/nothere")
    code, out = _inspect(profile, capsys)
    assert code == 1 and "config.no_method" in out and "404" in out


def test_3_a_method_that_is_not_an_http_token_is_refused(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    assert (
        main(["aws", "inspect", "--profile", str(rest_profile(fake_aws, moto_url, api.api_id)), "--method", "G ET"])
        == 2
    )
    captured = capsys.readouterr()
    assert "--method" in captured.err and captured.out == ""


def test_4_no_scopes_means_id_tokens_and_an_access_token_profile_is_a_finding(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    profile = rest_profile(fake_aws, moto_url, api.api_id, token_use="access")
    code, out = _inspect(profile, capsys)
    assert code == 1
    assert "expects access tokens" not in out
    assert "scopes (none) → expects id tokens" in out
    assert "config.token_type_mismatch" in out


def test_4_scopes_mean_access_tokens_whatever_the_profile_says(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = MotoRestApi(moto_url)
    authorizer, _ = api.cognito_authorizer()
    headers = {"X-User-Id": "context.authorizer.claims.sub", "X-Client-Id": "context.authorizer.claims.client_id"}
    api.method(
        "/orders/{id}",
        "GET",
        auth="COGNITO_USER_POOLS",
        authorizer=authorizer,
        scopes=("orders/read",),
        headers=headers,
    )
    api.deploy()
    profile = rest_profile(fake_aws, moto_url, api.api_id, token_use="id", headers={"X-User-Id": "sub"})
    code, out = _inspect(profile, capsys, "--json")
    document = json.loads(out)
    assert code == 1
    assert document["token_type"] == "access"
    codes = [f["code"] for f in document["findings"]]
    assert "config.token_type_mismatch" in codes
    assert "config.claim_absent" not in codes  # access tokens carry client_id


def test_7_literal_credentials_are_masked_in_text_and_json(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    literals = {
        "X-Api-Key": "'qa6-apikey-SECRETVALUE-0001'",
        "X-Aws": f"'{AWS_KEY}:qa6SecretKeyLEAKED/abc+def'",
        "X-Token": f"'Bearer {JWT}'",
        "X-Origin-Verify": "'origin-SECRET-literal-qa6-9f8e7d'",
        "X-Plain": f"'{JWT}'",
    }
    api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub", **literals})
    profile = rest_profile(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub", "X-Origin-Verify": "secret"})
    for extra in ((), ("--json",)):
        _code, out = _inspect(profile, capsys, *extra)
        for secret in ("SECRETVALUE", "LEAKED", AWS_KEY, "SIGNATUREqa6", "origin-SECRET"):
            assert secret not in out, (extra, secret)
        assert "note      origin secret not checked" not in out  # X-Origin-Verify is the origin secret
    text = _inspect(profile, capsys)[1]
    api_key_line = next(line for line in text.splitlines() if line.startswith("  X-Api-Key "))
    assert api_key_line.endswith("← '<literal, 27 chars, not shown>'")


def test_16_the_stage_line_does_not_claim_the_latest_on_a_tie(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for _attempt in range(5):  # two deployments created at once share their createdDate second (almost always)
        api = _open_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
        api.deploy(stage=None)
        dates = {item["createdDate"] for item in api.client.get_deployments(restApiId=api.api_id)["items"]}
        if len(dates) == 1:
            break
    assert len(dates) == 1
    _code, out = _inspect(rest_profile(fake_aws, moto_url, api.api_id), capsys)
    assert "(the latest)" not in out
    assert "created in the same second" in out


def test_19_a_long_literal_is_shown_cut_with_its_length_and_an_opaque_one_masked() -> None:
    long_text = "abc " * 1250
    rest = header_mappings({"integration.request.header.X-Note": f"'{long_text}'"})[0]
    assert len(rest.source) < 200 and "(5000 chars)" in rest.source
    http = http_mappings({"overwrite:header.X-Plain": "qa6Opaque0123456789abcdefXYZ"})[0]
    assert http.masked and "qa6Opaque" not in http.source


@pytest.mark.parametrize("auth", ["cognito", "jwt", "lambda", "iam"])
def test_2_a_profile_saying_the_caller_is_checked_where_nothing_checks_it_is_an_error(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], auth: str
) -> None:
    """qa6 #2's other half: the profile's [gateway] auth contradicted by a method with authorization NONE."""
    api = _open_api(moto_url, {"X-User-Id": "method.request.header.X-User-Id"}, auth="NONE")
    path = rest_profile(fake_aws, moto_url, api.api_id, token_use="id")  # a token for the authorizer to check
    path.write_text(path.read_text().replace('kind = "rest"', f'kind = "rest"\nauth = "{auth}"', 1))
    code = main(["aws", "inspect", "--profile", str(path)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "config.auth_not_enforced" in out
    assert f'[gateway] auth = "{auth}"' in out and "nothing checks the caller" in out


def test_2_a_profile_without_gateway_auth_on_an_open_method_has_no_such_finding(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _open_api(moto_url, {"X-User-Id": "method.request.header.X-User-Id"}, auth="NONE")
    _, out = _inspect(rest_profile(fake_aws, moto_url, api.api_id), capsys)
    assert "config.auth_not_enforced" not in out
