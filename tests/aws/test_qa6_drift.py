"""QA6 defects of `baton aws diff`: #13 one identity source spelled the REST and the HTTP-API way, #7 literal
credentials masked (text and --json) yet still compared, #1 inspect and diff agree on a fixed identity, #16 a tie on
createdDate, #19 wording (access tokens carry no email; no authorizer note when nothing is hit; two profiles of one
name)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from console.aws.drift import compare
from console.aws.drift_model import SideInput
from console.aws.drift_run import compare_profiles
from console.cli import main
from console.config import load_profile
from console.model.aws_config import (
    AuthorizerConfig,
    HeaderMapping,
    MethodConfig,
    RestApiConfig,
    SourceKind,
    StageConfig,
)
from tests.aws.motokit import MotoHttpApi, MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws, rest_profile
from tests.aws.motokit_drift import cognito_api, drift_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.SIGNATUREqa6NEVERPRINTxyz123"
COGNITO_REST = AuthorizerConfig("a1", "cognito", "COGNITO_USER_POOLS", "method.request.header.Authorization", 0, True)
JWT_HTTP = AuthorizerConfig("a9", "jwt", "JWT", "$request.header.Authorization", 0, False)


def _config(authorizer: AuthorizerConfig, kind: str, scopes: tuple[str, ...] = ()) -> RestApiConfig:
    mapping = HeaderMapping("X-User-Id", "context.authorizer.claims.sub", SourceKind.CLAIM, "sub")
    method = MethodConfig(
        "r1", "/orders/{id}", "GET", "JWT", "a1", scopes, False, "HTTP_PROXY", "https://iis", (mapping,)
    )
    return RestApiConfig(
        "api", "eu-west-1", StageConfig("dev", "d1", "d1"), "GET", "/orders/1", method, authorizer=authorizer, kind=kind
    )


def test_13_the_same_header_spelled_the_rest_and_the_http_way_is_no_difference() -> None:
    rest = _config(COGNITO_REST, "rest", scopes=("orders/read",))
    http = _config(replace(JWT_HTTP, identity_source="$request.header.authorization"), "http", scopes=("orders/read",))
    differences = compare(SideInput("stg", rest), SideInput("http", http)).differences
    assert [d for d in differences if d.subject == "identity source"] == []


def test_13_another_header_is_still_a_difference() -> None:
    rest = _config(COGNITO_REST, "rest")
    http = _config(replace(JWT_HTTP, identity_source="$request.header.X-Token"), "http")
    differences = compare(SideInput("stg", rest), SideInput("http", http)).differences
    assert [d.subject for d in differences if d.subject == "identity source"] == ["identity source"]


def test_19_an_access_token_email_says_the_token_carries_none() -> None:
    email = HeaderMapping("X-User-Id", "context.authorizer.claims.email", SourceKind.CLAIM, "email")
    a = _config(COGNITO_REST, "rest", scopes=("orders/read",))
    assert a.hit is not None
    b = replace(a, hit=replace(a.hit, mappings=(email,)))
    drift = compare(SideInput("stg", a), SideInput("prod", b))
    text = " ".join(d.consequence for d in drift.differences)
    assert "the access token's email (which the access token does not carry)" in text


def test_19_no_authorizer_note_when_neither_side_hits_a_method() -> None:
    a = replace(_config(COGNITO_REST, "rest"), hit=None, authorizer=None, miss_reason="no resource matches /nothere")
    notes = compare(SideInput("stg", a), SideInput("prod", a)).notes
    assert not any("neither side's method has an authorizer" in note for note in notes)


def _masked_api(moto_url: str, literal: str) -> MotoRestApi:
    api, _ = cognito_api(
        moto_url,
        {
            "X-User-Id": "context.authorizer.claims.sub",
            "X-Origin-Verify": f"'{literal}'",
            "X-Api-Key": f"'{literal}-key'",
            "X-Token": f"'Bearer {JWT}'",
        },
    )
    api.deploy()
    return api


def test_7_diff_masks_literal_credentials_in_text_and_json_but_still_compares_them(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = drift_profile(fake_aws, moto_url, _masked_api(moto_url, "origin-SECRET-a-qa6").api_id, "a")
    b = drift_profile(fake_aws, moto_url, _masked_api(moto_url, "origin-SECRET-b-qa6").api_id, "b")
    for extra in ((), ("--json",)):
        main(["aws", "diff", a, b, *extra])
        out = capsys.readouterr().out
        for secret in ("origin-SECRET", "SIGNATUREqa6"):
            assert secret not in out, (extra, secret)
    document = json.loads(out)
    subjects = [d["subject"] for d in document["identity_differences"] + document["informational"]]
    assert "X-Api-Key" in subjects  # the two keys differ: compared by digest, neither shown
    assert "X-Token" not in subjects  # the same token on both sides


@pytest.mark.parametrize("source", ["'alice'", "stageVariables.uid"])
def test_1_inspect_and_diff_agree_on_a_fixed_identity(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    good, _ = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    good.deploy()
    fixed, _ = cognito_api(moto_url, {"X-User-Id": source})
    fixed.deploy()
    a = drift_profile(fake_aws, moto_url, good.api_id, "stg", headers={"X-User-Id": "sub"})
    b = drift_profile(fake_aws, moto_url, fixed.api_id, "fixed", headers={"X-User-Id": "sub"})
    assert main(["aws", "diff", a, b]) == 1
    assert "likely wrong: fixed" in capsys.readouterr().out
    assert main(["aws", "inspect", "--profile", b]) == 1
    assert "config.header_fixed_value" in capsys.readouterr().out


def test_19_two_profiles_of_one_name_are_told_apart(fake_aws: Path, moto_url: str) -> None:
    api, _ = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    api.deploy()
    other, _ = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.email"})
    other.deploy()
    first = drift_profile(fake_aws, moto_url, api.api_id, "stg", headers={"X-User-Id": "sub"})
    (fake_aws / "copy").mkdir()
    second = drift_profile(fake_aws / "copy", moto_url, other.api_id, "stg", headers={"X-User-Id": "sub"})
    drift = compare_profiles(load_profile(first), load_profile(second))
    assert drift.a.name != drift.b.name
    assert any(d.likely_wrong == drift.b.name and d.subject == "X-User-Id" for d in drift.identity)


def test_16_diff_does_not_call_a_same_second_deployment_the_latest() -> None:
    tie = replace(_config(COGNITO_REST, "rest"), stage=StageConfig("dev", "d1", None, same_second=("d2",)))
    fresh = _config(COGNITO_REST, "rest")
    drift = compare(SideInput("stg", tie), SideInput("prod", fresh))
    assert any("d2" in note and "same second" in note for note in drift.notes)


def test_13_cli_rest_and_http_apis_reading_authorization_have_no_identity_source_difference(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rest, issuer = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"}, scopes=("orders/read",))
    rest.deploy()
    http = MotoHttpApi(moto_url)
    authorizer = http.jwt_authorizer(issuer)
    http.route(
        "GET /orders/{id}",
        auth="JWT",
        authorizer=authorizer,
        scopes=("orders/read",),
        parameters={"overwrite:header.X-User-Id": "$context.authorizer.claims.sub"},
    )
    http.stage()
    a = drift_profile(fake_aws, moto_url, rest.api_id, "stg", headers={"X-User-Id": "sub"})
    b = drift_profile(fake_aws, moto_url, http.api_id, "http", kind="http", headers={"X-User-Id": "sub"})
    main(["aws", "diff", a, b])
    assert "identity source" not in capsys.readouterr().out


_ = (MotoRestApi, rest_profile)
