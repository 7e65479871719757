"""`aws inspect` on an HTTP API (apigatewayv2) built on moto: the route hit, its JWT or Lambda authorizer, the
parameter mapping, and the HTTP-only findings (append:, reserved headers) beside the shared ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.aws.inspect_rest import Inspection, inspect_profile
from console.aws.rest_shape import best_route
from console.config import load_profile
from console.errors import AwsError
from tests.aws.motokit import MotoHttpApi, rest_profile

POOL_ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example"
RIGHT = {
    "overwrite:header.X-User-Id": "$context.authorizer.claims.sub",
    "overwrite:header.X-Client-Id": "$context.authorizer.claims.client_id",
    "overwrite:header.X-Origin-Secret": "http-origin-secret-value",
}
EXPECTS = {"X-User-Id": "sub", "X-Client-Id": "client_id", "X-Origin-Secret": "secret"}


def stub_calls(client: object, answers: dict[str, list[dict[str, object]]]) -> None:
    """Answer only the named operations of ``client`` from botocore's Stubber (on a twin client), in order; every
    other call still goes to the moto server. For what moto does not implement (apigatewayv2 GetDeployments, and
    a stage's DeploymentId, which its GetStage does not keep)."""
    import boto3
    from botocore.stub import Stubber

    meta = client.meta  # type: ignore[attr-defined]
    twin = boto3.client(meta.service_model.service_name, region_name=meta.region_name, endpoint_url=meta.endpoint_url)
    stubber = Stubber(twin)
    for method, responses in answers.items():
        for response in responses:
            stubber.add_response(method, response)
        setattr(client, method, getattr(twin, method))
    stubber.activate()


def _api(moto_url: str, parameters: dict[str, str], issuer: str = POOL_ISSUER) -> tuple[MotoHttpApi, str]:
    api = MotoHttpApi(moto_url)
    authorizer = api.jwt_authorizer(issuer)
    _, integration = api.route(
        "GET /orders/{id}", auth="JWT", authorizer=authorizer, scopes=("orders/read",), parameters=parameters
    )
    api.route("ANY /{proxy+}")
    api.stage()
    return api, integration


def _inspect(folder: Path, moto_url: str, api: MotoHttpApi, **kwargs: Any) -> Inspection:
    profile = rest_profile(folder, moto_url, api.api_id, kind="http", **kwargs)
    return inspect_profile(load_profile(str(profile)))


def _codes(inspection: Inspection) -> list[str]:
    return [item.finding.code for item in inspection.findings]


@pytest.mark.parametrize(
    ("method", "path", "hit"),
    [("GET", "/orders/1", "GET /orders/{id}"), ("POST", "/orders/1", "ANY /{proxy+}"), ("GET", "/", "$default")],
)
def test_the_most_specific_route_then_the_exact_method_then_default_wins(method: str, path: str, hit: str) -> None:
    assert best_route(("GET /orders/{id}", "ANY /{proxy+}", "$default"), method, path) == hit


def test_a_right_jwt_chain_is_read_and_has_no_finding(fake_aws: Path, moto_url: str) -> None:
    api, integration = _api(moto_url, RIGHT)
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == []
    hit = inspection.config.hit
    assert hit is not None and inspection.config.authorizer is not None
    assert (hit.resource_path, hit.http_method, hit.integration_id) == ("/orders/{id}", "GET", integration)
    assert inspection.config.authorizer.issuers == (POOL_ISSUER,)
    assert inspection.config.authorizer.audiences == ("client-app",)
    assert {m.header: m.key for m in hit.mappings} == {
        "X-User-Id": "sub",
        "X-Client-Id": "client_id",
        "X-Origin-Secret": "",
    }
    assert "http-origin-secret-value" not in str(inspection.as_dict())


def test_append_on_an_identity_header_is_flagged_with_an_overwrite_command(fake_aws: Path, moto_url: str) -> None:
    parameters = {**RIGHT}
    del parameters["overwrite:header.X-User-Id"]
    parameters["append:header.X-User-Id"] = "$context.authorizer.claims.sub"
    api, integration = _api(moto_url, parameters)
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == ["config.header_append"]
    assert inspection.findings[0].commands == (
        f"aws apigatewayv2 update-integration --api-id {api.api_id} --integration-id {integration} "
        "--request-parameters "
        '\'{"overwrite:header.X-User-Id":"$context.authorizer.claims.sub","append:header.X-User-Id":""}\' '
        "--region eu-west-1",
    )  # the stage auto-deploys: no create-deployment


def test_an_unmapped_header_on_an_http_api_gets_the_apigatewayv2_command(fake_aws: Path, moto_url: str) -> None:
    parameters = {k: v for k, v in RIGHT.items() if "Client" not in k}
    api, _ = _api(moto_url, parameters)
    item = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access").findings[0]
    assert item.finding.code == "config.header_unmapped"
    assert '\'{"overwrite:header.X-Client-Id":"$context.authorizer.claims.client_id"}\'' in item.commands[0]


def test_a_reserved_header_mapping_is_flagged(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url, {**RIGHT, "overwrite:header.x-amzn-user": "$context.authorizer.claims.sub"})
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == ["config.reserved_header"]
    assert "x-amzn-user" in inspection.findings[0].finding.title


def test_a_claim_cognito_access_tokens_lack_is_flagged_only_for_a_cognito_issuer(fake_aws: Path, moto_url: str) -> None:
    parameters = {**RIGHT, "overwrite:header.X-Email": "$context.authorizer.claims.email"}
    api, _ = _api(moto_url, parameters)
    assert "config.claim_absent" in _codes(_inspect(fake_aws, moto_url, api, headers=EXPECTS))
    other, _ = _api(moto_url, parameters, issuer="https://login.example.com/")
    assert "config.claim_absent" not in _codes(_inspect(fake_aws, moto_url, other, headers=EXPECTS))


@pytest.mark.parametrize(
    ("ttl", "sources", "flagged"),
    [
        (300, ("$request.header.Authorization",), True),
        (300, ("$request.header.Authorization", "$context.routeKey"), False),
        (0, ("$request.header.Authorization",), False),
    ],
)
def test_a_cached_lambda_authorizer_is_flagged_unless_cached_per_route_or_not_at_all(
    fake_aws: Path, moto_url: str, ttl: int, sources: tuple[str, ...], flagged: bool
) -> None:
    api = MotoHttpApi(moto_url)
    authorizer = api.lambda_authorizer(ttl, sources)
    api.route(
        "ANY /{proxy+}",
        auth="CUSTOM",
        authorizer=authorizer,
        parameters={"overwrite:header.X-User-Id": "$context.authorizer.userId"},
    )
    api.stage()
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "userId"})
    assert _codes(inspection) == (["config.authorizer_cached"] if flagged else [])
    if flagged:
        assert inspection.findings[0].commands == (
            f"aws apigatewayv2 update-authorizer --api-id {api.api_id} --authorizer-id {authorizer} "
            "--authorizer-result-ttl-in-seconds 0 --region eu-west-1",
        )


# moto's apigatewayv2 has no GetDeployments and its GetStage keeps no DeploymentId: those two calls (only) are
# answered by botocore's Stubber; routes, integrations and authorizers still come from the moto server.
@pytest.mark.parametrize(("serving", "flagged"), [("old1", True), ("new2", False)])
def test_a_stage_serving_an_older_deployment_is_flagged(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, serving: str, flagged: bool
) -> None:
    api, _ = _api(moto_url, RIGHT)
    from console.aws import session

    real = session.make_client

    def stubbed(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)
        stub_calls(
            client,
            {
                "get_stage": [{"StageName": "dev", "DeploymentId": serving, "AutoDeploy": False}],
                "get_deployments": [
                    {
                        "Items": [
                            {"DeploymentId": "old1", "CreatedDate": datetime(2026, 1, 1, tzinfo=UTC)},
                            {"DeploymentId": "new2", "CreatedDate": datetime(2026, 2, 1, tzinfo=UTC)},
                        ]
                    }
                ],
            },
        )
        return client

    monkeypatch.setattr("console.aws.config_read_http.make_client", stubbed)
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == (["config.stale_deployment"] if flagged else [])
    if flagged:
        assert inspection.findings[0].commands == (
            f"aws apigatewayv2 update-stage --api-id {api.api_id} --stage-name dev --deployment-id new2 "
            "--region eu-west-1",
        )


def test_a_wrong_http_api_id_is_one_line_naming_it(fake_aws: Path, moto_url: str) -> None:
    with pytest.raises(AwsError) as caught:
        inspect_profile(load_profile(str(rest_profile(fake_aws, moto_url, "nohttpapi", kind="http"))))
    assert "no HTTP API nohttpapi in eu-west-1" in caught.value.one_line()
    assert caught.value.exit_code == 2
