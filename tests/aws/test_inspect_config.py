"""`aws inspect` reads a REST API's configuration from a real local AWS API (moto): the resource and method the
request hits, its authorizer and settings, the headers the integration sends IIS, and each AWS failure as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.aws.inspect_rest import Inspection, inspect_profile
from console.config import load_profile
from console.errors import AwsError
from tests.aws.motokit import LAMBDA_URI, MotoRestApi, rest_profile


def _inspect(profile_path: Path, path: str | None = None, method: str = "GET") -> Inspection:
    return inspect_profile(load_profile(str(profile_path)), path=path, method=method)


def test_a_cognito_method_is_read_with_its_authorizer_scopes_and_header_sources(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    authorizer, pool = api.cognito_authorizer(ttl=None)
    resource = api.method(
        "/orders/{id}",
        "GET",
        auth="COGNITO_USER_POOLS",
        authorizer=authorizer,
        scopes=("orders/read",),
        headers={"X-User-Id": "context.authorizer.claims.sub", "X-Request-Id": "context.requestId"},
    )
    api.method("/{proxy+}", "ANY")
    api.deploy()
    inspection = _inspect(rest_profile(fake_aws, moto_url, api.api_id))
    config = inspection.config
    assert (config.request_method, config.request_path, inspection.path_source) == (
        "GET",
        "/orders/42",
        "[gateway] url",
    )
    assert config.hit is not None
    assert (config.hit.resource_path, config.hit.resource_id, config.hit.http_method) == (
        "/orders/{id}",
        resource,
        "GET",
    )
    assert config.hit.scopes == ("orders/read",)
    assert config.hit.integration_type == "HTTP_PROXY"
    assert {m.header: m.source for m in config.hit.mappings} == {
        "X-User-Id": "context.authorizer.claims.sub",
        "X-Request-Id": "context.requestId",
    }
    assert config.authorizer is not None
    assert config.authorizer.type == "COGNITO_USER_POOLS"
    assert config.authorizer.identity_source == "method.request.header.Authorization"
    assert config.authorizer.ttl == 300  # unset: API Gateway (and moto) default to 300
    assert config.authorizer.issuers == (f"https://cognito-idp.eu-west-1.amazonaws.com/{pool}",)
    assert inspection.as_dict()["token_type"] == "access"  # scopes configured: the authorizer wants access tokens


def test_any_on_a_greedy_proxy_is_hit_with_a_lambda_authorizer_and_its_template(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=0, kind="REQUEST")
    template = '{"user": "$context.authorizer.principalId", "tenant": "$context.authorizer.tenant"}'
    api.method("/orders/{id}", "GET")
    api.method(
        "/{proxy+}", "ANY", auth="CUSTOM", authorizer=authorizer, kind="HTTP", templates={"application/json": template}
    )
    api.deploy()
    inspection = _inspect(rest_profile(fake_aws, moto_url, api.api_id), path="/reports/2024", method="post")
    hit = inspection.config.hit
    assert hit is not None
    assert (hit.resource_path, hit.http_method, inspection.config.request_method) == ("/{proxy+}", "ANY", "POST")
    assert [t.authorizer_refs for t in hit.templates] == [
        ("context.authorizer.principalId", "context.authorizer.tenant")
    ]
    authorizer_config = inspection.config.authorizer
    assert authorizer_config is not None
    assert (authorizer_config.type, authorizer_config.ttl, authorizer_config.authorizer_uri) == (
        "REQUEST",
        0,
        LAMBDA_URI,
    )


def test_a_path_no_resource_matches_says_so_instead_of_guessing(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy()
    inspection = _inspect(rest_profile(fake_aws, moto_url, api.api_id), path="/reports")
    assert inspection.config.hit is None
    assert "no resource matches /reports" in inspection.config.miss_reason
    post = _inspect(rest_profile(fake_aws, moto_url, api.api_id), method="DELETE")
    assert "has no DELETE (nor ANY) method" in post.config.miss_reason


def _failure(path: Path) -> AwsError:
    with pytest.raises(AwsError) as caught:
        _inspect(path)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.one_line()
    return caught.value


def test_a_wrong_api_id_names_the_api_region_and_the_key(fake_aws: Path, moto_url: str) -> None:
    error = _failure(rest_profile(fake_aws, moto_url, "nosuchapi1"))
    assert error.reason == "not_found"
    assert "no REST API nosuchapi1 in eu-west-1" in error.one_line()
    assert "[aws] api_id" in error.one_line()


def test_a_wrong_stage_names_the_stage_and_the_key(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy("dev")
    error = _failure(rest_profile(fake_aws, moto_url, api.api_id, stage="prod", url_path="/prod/orders/1"))
    assert error.reason == "not_found"
    assert f"REST API {api.api_id} has no stage 'prod'" in error.one_line()
    assert "[aws] stage" in error.one_line()


def test_no_credentials_is_one_line_naming_the_fix(no_aws: Path, moto_url: str) -> None:
    error = _failure(rest_profile(no_aws, moto_url, "anyapi"))
    assert error.reason == "credentials"
    assert "aws configure" in error.one_line()


def test_an_unreachable_endpoint_is_one_line_naming_it(fake_aws: Path, closed_port_url: str) -> None:
    error = _failure(rest_profile(fake_aws, closed_port_url, "anyapi"))
    assert error.reason == "unreachable"
    assert f"cannot reach {closed_port_url}" in error.one_line()


def test_a_profile_without_api_id_or_stage_says_which_key_to_set(fake_aws: Path, moto_url: str) -> None:
    path = fake_aws / "bare.toml"
    path.write_text(
        'environment = "dev"\n[gateway]\nurl = "https://a.example/dev/x"\n'
        f'[aws]\nregion = "eu-west-1"\nendpoint_url = "{moto_url}"\n'
    )
    error = _failure(path)
    assert "no api_id and no stage" in error.one_line()
    assert "[aws] api_id" in error.one_line()
