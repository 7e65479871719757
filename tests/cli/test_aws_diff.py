"""`baton aws diff` against a real local AWS API (moto): a mapping that differs between two APIs, a stage serving
an older deployment, identical stages, --json, inert output, and each failure as one line naming the profile."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoHttpApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_drift import cognito_api, drift_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

EXPECTS = {"X-User-Id": "sub"}


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_mapping_that_differs_is_named_with_its_consequence_and_the_likely_wrong_side(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    staging, staging_pool = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    staging.deploy()
    production, production_pool = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.email"})
    production.deploy()
    a = drift_profile(fake_aws, moto_url, staging.api_id, "staging", headers=EXPECTS, issuer=staging_pool)
    b = drift_profile(fake_aws, moto_url, production.api_id, "production", headers=EXPECTS, issuer=production_pool)
    assert main(["aws", "diff", a, b]) == 1
    out = capsys.readouterr().out
    assert "1 difference(s) change who reaches IIS:" in out
    assert "informational (1):" in out and "each side trusts the issuer (user pool) its own profile expects" in out
    assert "mapping       X-User-Id" in out
    assert "staging     context.authorizer.claims.sub" in out
    assert "production  context.authorizer.claims.email" in out
    assert "staging maps X-User-Id from the ID token's sub; production from the ID token's email" in out
    assert "IIS resolves a different user" in out
    assert "likely wrong: production — its profile expects X-User-Id to carry sub, not email" in out


def test_json_is_one_document_with_both_sides_and_the_difference(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mapped = {"X-User-Id": "context.authorizer.claims.sub", "X-Origin-Secret": "'s3cret-a-value'"}
    staging, staging_pool = cognito_api(moto_url, mapped)
    staging.deploy()
    production, production_pool = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    production.deploy()
    expects = {"X-User-Id": "sub", "X-Origin-Secret": "secret"}
    a = drift_profile(fake_aws, moto_url, staging.api_id, "staging", headers=expects, issuer=staging_pool)
    b = drift_profile(fake_aws, moto_url, production.api_id, "production", headers=expects, issuer=production_pool)
    assert main(["aws", "diff", a, b, "--json", "--path", "/orders/7"]) == 1
    out = capsys.readouterr().out
    assert "s3cret-a-value" not in out
    document = json.loads(out)
    assert document["a"]["profile"] == "staging" and document["b"]["profile"] == "production"
    assert document["a"]["request"] == "GET /orders/7" and document["a"]["hit"] == "GET /orders/{id}"
    [difference] = document["identity_differences"]
    assert difference["kind"] == "origin_secret" and difference["subject"] == "X-Origin-Secret"
    assert difference["values"]["production"] == "(not mapped)"
    assert difference["likely_wrong"] == "production"


def test_a_stage_serving_an_older_deployment_is_the_likely_wrong_side(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api, _ = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    api.deploy("staging")
    time.sleep(1.1)  # createdDate has one-second resolution: a tie is never called stale
    api.deploy("prod")
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging", stage="staging", headers=EXPECTS)
    b = drift_profile(fake_aws, moto_url, api.api_id, "production", stage="prod", headers=EXPECTS)
    assert main(["aws", "diff", a, b]) == 1
    out = capsys.readouterr().out
    assert "deployment    stage deployment" in out
    assert "likely wrong: staging — its stage does not serve the API's latest deployment" in out
    assert "staging: the mappings and authorizer shown are the API's current configuration" in out


def test_two_stages_of_one_deployment_have_no_identity_difference(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api, _ = cognito_api(moto_url, {"X-User-Id": "context.authorizer.claims.sub"})
    deployment = api.deploy("staging")
    api.client.create_stage(restApiId=api.api_id, stageName="prod", deploymentId=deployment)
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging", stage="staging", headers=EXPECTS)
    b = drift_profile(fake_aws, moto_url, api.api_id, "production", stage="prod", headers=EXPECTS)
    assert main(["aws", "diff", a, b]) == 0
    assert "no difference changes who reaches IIS" in capsys.readouterr().out


def test_http_apis_differing_in_append_name_it(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example"
    apis = []
    for action in ("overwrite", "append"):
        api = MotoHttpApi(moto_url)
        authorizer = api.jwt_authorizer(issuer)
        parameters = {f"{action}:header.X-User-Id": "$context.authorizer.claims.sub"}
        api.route("GET /orders/{id}", auth="JWT", authorizer=authorizer, parameters=parameters)
        api.stage()
        apis.append(api)
    a, b = (
        drift_profile(fake_aws, moto_url, api.api_id, name, kind="http", headers=EXPECTS)
        for api, name in zip(apis, ("staging", "production"), strict=True)
    )
    assert main(["aws", "diff", a, b]) == 1
    out = capsys.readouterr().out
    assert "production sets X-User-Id with append:, staging overwrites it" in out
    assert "likely wrong: production — it sets X-User-Id with append:" in out


def test_escape_codes_from_aws_are_printed_inert(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    staging, staging_pool = cognito_api(moto_url, {"X-Env": "'\x1b[2Jstaging'"})
    staging.deploy()
    production, production_pool = cognito_api(moto_url, {"X-Env": "'production'"})
    production.deploy()
    a = drift_profile(fake_aws, moto_url, staging.api_id, "staging", issuer=staging_pool)
    b = drift_profile(fake_aws, moto_url, production.api_id, "production", issuer=production_pool)
    assert main(["aws", "diff", a, b]) == 0  # a fixed value that differs is informational
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\\x1b[2Jstaging" in out and "informational (2):" in out


def test_an_unreadable_second_profile_is_one_line_naming_it(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api, _ = cognito_api(moto_url, {})
    api.deploy()
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging")
    b = drift_profile(fake_aws, moto_url, "wrongapi99", "production")
    assert main(["aws", "diff", a, b]) == 2
    line = _one_error_line(capsys)
    assert "profile 'production' (wrongapi99/dev)" in line and "no REST API wrongapi99" in line


def test_an_unreachable_endpoint_names_the_first_profile(
    fake_aws: Path, moto_url: str, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = drift_profile(fake_aws, closed_port_url, "anyapi", "staging")
    b = drift_profile(fake_aws, moto_url, "anyapi", "production")
    assert main(["aws", "diff", a, b]) == 2
    line = _one_error_line(capsys)
    assert "profile 'staging' (anyapi/dev)" in line and f"cannot reach {closed_port_url}" in line


def test_a_profile_without_aws_is_named(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    api, _ = cognito_api(moto_url, {})
    api.deploy()
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging")
    b = fake_aws / "plain.toml"
    b.write_text('name = "plain"\nenvironment = "dev"\n[gateway]\nurl = "https://example.test/"\n')
    assert main(["aws", "diff", a, str(b)]) == 2
    assert "profile 'plain' has no [aws] table" in _one_error_line(capsys)


def test_a_missing_profile_file_is_one_line_exit_2(fake_aws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["aws", "diff", str(fake_aws / "nope.toml"), str(fake_aws / "nope2.toml")]) == 2
    assert "nope.toml" in capsys.readouterr().err
