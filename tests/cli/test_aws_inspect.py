"""`baton aws inspect`: the text report (hit resource, authorizer, header table, findings with fix commands), --json,
the exit codes, and every AWS failure as one line with exit 2 — against a real local AWS API (moto)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoHttpApi, MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws, rest_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

SECRET = "origin-secret-never-shown-7"


def _api(moto_url: str, headers: dict[str, str]) -> MotoRestApi:
    api = MotoRestApi(moto_url)
    authorizer, _ = api.cognito_authorizer()
    api.method(
        "/orders/{id}",
        "GET",
        auth="COGNITO_USER_POOLS",
        authorizer=authorizer,
        scopes=("orders/read",),
        headers=headers,
    )
    api.method("/{proxy+}", "ANY")
    api.deploy()
    return api


def test_text_shows_the_hit_the_authorizer_the_header_table_and_a_fix_command(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _api(moto_url, {"X-User-Id": "context.authorizer.claims.sub", "X-Origin-Secret": f"'{SECRET}'"})
    profile = rest_profile(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub", "X-Tenant": "tenant_id"})
    assert main(["aws", "inspect", "--profile", str(profile)]) == 1  # an error finding
    out = capsys.readouterr().out
    assert "hits      GET /orders/{id}" in out
    assert "COGNITO_USER_POOLS authorizer cognito" in out
    assert "scopes orders/read → expects access tokens" in out
    assert "X-User-Id       ← context.authorizer.claims.sub" in out
    assert "config.header_unmapped  no mapping sets X-Tenant" in out
    assert "$ aws apigateway update-integration --rest-api-id " in out
    assert "integration.request.header.X-Tenant,value=context.authorizer.claims.tenant_id" in out
    assert SECRET not in out


def test_a_right_config_exits_0_and_json_carries_the_model(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _api(moto_url, {"X-User-Id": "context.authorizer.claims.sub", "X-Origin-Secret": f"'{SECRET}'"})
    profile = rest_profile(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub", "X-Origin-Secret": "secret"})
    assert main(["aws", "inspect", "--profile", str(profile), "--path", "/orders/7", "--json"]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out
    document = json.loads(out)
    assert document["findings"] == []
    assert document["request"] == {"method": "GET", "path": "/orders/7", "path_from": "--path"}
    assert document["hit"]["resource_path"] == "/orders/{id}"
    assert document["authorizer"]["type"] == "COGNITO_USER_POOLS"
    assert {m["header"]: m["key"] for m in document["hit"]["mappings"]} == {"X-User-Id": "sub", "X-Origin-Secret": ""}


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("baton: ")
    return lines[0]


def test_a_wrong_api_id_is_one_line_exit_2(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile = rest_profile(fake_aws, moto_url, "wrongapi99")
    assert main(["aws", "inspect", "--profile", str(profile)]) == 2
    line = _one_error_line(capsys)
    assert "no REST API wrongapi99 in eu-west-1" in line and "[aws] api_id" in line


def test_a_wrong_stage_is_one_line_exit_2(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    api = _api(moto_url, {})
    profile = rest_profile(fake_aws, moto_url, api.api_id, stage="prod", url_path="/prod/orders/1")
    assert main(["aws", "inspect", "--profile", str(profile)]) == 2
    assert "has no stage 'prod'" in _one_error_line(capsys)


def test_no_credentials_is_one_line_exit_2(no_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["aws", "inspect", "--profile", str(rest_profile(no_aws, moto_url, "anyapi"))]) == 2
    assert "no AWS credentials" in _one_error_line(capsys)


def test_an_unreachable_endpoint_is_one_line_exit_2(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["aws", "inspect", "--profile", str(rest_profile(fake_aws, closed_port_url, "anyapi"))]) == 2
    assert f"cannot reach {closed_port_url}" in _one_error_line(capsys)


def test_an_http_api_is_inspected_through_apigatewayv2(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = MotoHttpApi(moto_url)
    authorizer = api.jwt_authorizer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example")
    parameters = {"append:header.X-User-Id": "$context.authorizer.claims.sub"}
    api.route("GET /orders/{id}", auth="JWT", authorizer=authorizer, parameters=parameters)
    api.stage()
    profile = rest_profile(fake_aws, moto_url, api.api_id, kind="http", url_path="/orders/9")
    assert main(["aws", "inspect", "--profile", str(profile)]) == 1
    out = capsys.readouterr().out
    assert "HTTP API  " in out and "stage     dev (auto-deploy)" in out
    assert "hits      GET /orders/{id}  (route " in out
    assert "X-User-Id ← $context.authorizer.claims.sub  (append)" in out
    assert "config.header_append" in out
    assert "$ aws apigatewayv2 update-integration --api-id " in out
