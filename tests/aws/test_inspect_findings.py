"""Each config finding of `aws inspect`, flagged on a moto REST API built with the defect, and not flagged on the
same API built right; each flagged one carries the exact AWS CLI command that would fix it."""

from __future__ import annotations

import time
from pathlib import Path

from console.aws.inspect_rest import Inspection, inspect_profile
from console.config import load_profile
from console.model.aws_config import ConfigFinding
from tests.aws.motokit import MotoRestApi, rest_profile

RIGHT = {
    "X-User-Id": "context.authorizer.claims.sub",
    "X-Client-Id": "context.authorizer.claims.client_id",
    "X-Origin-Secret": "'origin-secret-value-1'",
}
EXPECTS = {"X-User-Id": "sub", "X-Client-Id": "client_id", "X-Origin-Secret": "secret"}


def _cognito_api(moto_url: str, headers: dict[str, str], scopes: tuple[str, ...] = ("orders/read",)) -> MotoRestApi:
    api = MotoRestApi(moto_url)
    authorizer, _ = api.cognito_authorizer()
    api.method("/orders/{id}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer, scopes=scopes, headers=headers)
    api.deploy()
    return api


def _inspect(folder: Path, moto_url: str, api: MotoRestApi, **kwargs: object) -> Inspection:
    return inspect_profile(load_profile(str(rest_profile(folder, moto_url, api.api_id, **kwargs))))  # type: ignore[arg-type]


def _codes(inspection: Inspection) -> list[str]:
    return [item.finding.code for item in inspection.findings]


def _one(inspection: Inspection, code: str) -> ConfigFinding:
    found = [item for item in inspection.findings if item.finding.code == code]
    assert len(found) == 1, _codes(inspection)
    return found[0]


def test_a_right_cognito_chain_has_no_finding(fake_aws: Path, moto_url: str) -> None:
    api = _cognito_api(moto_url, RIGHT)
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == []
    # moto's GetExport carries no integrations: the current configuration is shown, and the one note says so
    [note] = inspection.notes
    assert "GetExport's answer carries no x-amazon-apigateway-integration" in note
    assert "shown is the API's current configuration, which may not be what stage dev serves" in note


def test_an_expected_header_no_mapping_sets_is_flagged_with_the_update_integration_command(
    fake_aws: Path, moto_url: str
) -> None:
    api = _cognito_api(moto_url, {k: v for k, v in RIGHT.items() if k != "X-Client-Id"})
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    item = _one(inspection, "config.header_unmapped")
    assert "X-Client-Id" in item.finding.title
    assert inspection.config.hit is not None
    resource = inspection.config.hit.resource_id
    assert item.commands == (
        f"aws apigateway update-integration --rest-api-id {api.api_id} --resource-id {resource} --http-method GET "
        "--patch-operations op=add,path=/requestParameters/integration.request.header.X-Client-Id,"
        "value=context.authorizer.claims.client_id --region eu-west-1",
        f"aws apigateway create-deployment --rest-api-id {api.api_id} --stage-name dev --region eu-west-1",
    )


def test_a_claim_access_tokens_lack_is_flagged_when_the_method_takes_access_tokens(
    fake_aws: Path, moto_url: str
) -> None:
    api = _cognito_api(moto_url, {**RIGHT, "X-Email": "context.authorizer.claims.email"})
    inspection = _inspect(fake_aws, moto_url, api, headers={**EXPECTS, "X-Email": "email"})
    item = _one(inspection, "config.claim_absent")
    assert "X-Email maps claim email, which Cognito access tokens do not carry" in item.finding.title
    assert "op=replace,path=/requestParameters/integration.request.header.X-Email" in item.commands[0]


def test_the_same_email_mapping_is_right_for_id_tokens(fake_aws: Path, moto_url: str) -> None:
    headers = {"X-User-Id": "context.authorizer.claims.sub", "X-Email": "context.authorizer.claims.email"}
    api = _cognito_api(moto_url, headers, scopes=())  # no scopes: the authorizer takes ID tokens (domain §1.5)
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "sub", "X-Email": "email"})
    assert inspection.as_dict()["token_type"] == "id"
    assert "config.claim_absent" not in _codes(inspection)


def test_a_claim_id_tokens_lack_is_flagged_when_the_profile_sends_id_tokens(fake_aws: Path, moto_url: str) -> None:
    headers = {"X-User-Id": "context.authorizer.claims.sub", "X-Scope": "context.authorizer.claims.scope"}
    api = _cognito_api(moto_url, headers, scopes=())
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "sub"}, token_use="id")
    assert "Cognito id tokens do not carry" in _one(inspection, "config.claim_absent").finding.title


def test_an_identity_header_copied_from_the_callers_request_is_flagged(fake_aws: Path, moto_url: str) -> None:
    api = _cognito_api(moto_url, {**RIGHT, "X-User-Id": "method.request.header.X-User-Id"})
    item = _one(_inspect(fake_aws, moto_url, api, headers=EXPECTS), "config.header_from_client")
    assert "value=context.authorizer.claims.sub" in item.commands[0]


def _lambda_api(moto_url: str, ttl: int | None) -> MotoRestApi:
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=ttl)
    headers = {"X-User-Id": "context.authorizer.principalId", "X-Origin-Secret": "stageVariables.originSecret"}
    api.method("/{proxy+}", "ANY", auth="CUSTOM", authorizer=authorizer, headers=headers)
    api.deploy()
    return api


def test_a_cached_lambda_authorizer_is_flagged_as_a_cross_route_risk(fake_aws: Path, moto_url: str) -> None:
    api = _lambda_api(moto_url, ttl=300)
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "sub", "X-Origin-Secret": "secret"})
    item = _one(inspection, "config.authorizer_cached")
    assert "300s" in item.finding.title
    assert "check that its Resource covers the API" in item.finding.detail
    assert inspection.config.authorizer is not None
    authorizer_id = inspection.config.authorizer.id
    assert item.commands[0] == (
        f"aws apigateway update-authorizer --rest-api-id {api.api_id} --authorizer-id {authorizer_id} "
        "--patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=0 --region eu-west-1"
    )
    assert _codes(inspection) == ["config.authorizer_cached"]  # principalId carrying sub is the usual, right mapping


def test_a_lambda_authorizer_without_caching_is_not_flagged(fake_aws: Path, moto_url: str) -> None:
    api = _lambda_api(moto_url, ttl=0)
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "sub", "X-Origin-Secret": "secret"})
    assert _codes(inspection) == []


def test_a_stage_serving_an_older_deployment_is_flagged_with_update_stage(fake_aws: Path, moto_url: str) -> None:
    api = _cognito_api(moto_url, RIGHT)  # deployed to dev
    time.sleep(1.1)  # createdDate has one-second resolution: a tie is never called stale
    latest = api.deploy(None)  # a newer deployment the stage does not serve
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    item = _one(inspection, "config.stale_deployment")
    assert item.commands == (
        f"aws apigateway update-stage --rest-api-id {api.api_id} --stage-name dev "
        f"--patch-operations op=replace,path=/deploymentId,value={latest} --region eu-west-1",
    )
    api.client.update_stage(
        restApiId=api.api_id,
        stageName="dev",
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": latest}],
    )
    assert _codes(_inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")) == []


def test_a_missing_origin_secret_is_flagged_and_the_fix_never_holds_a_value(fake_aws: Path, moto_url: str) -> None:
    api = _cognito_api(moto_url, {k: v for k, v in RIGHT.items() if k != "X-Origin-Secret"})
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    item = _one(inspection, "config.origin_secret_missing")
    assert "'op=replace,path=/variables/originSecret,value=<the origin secret>'" in item.commands[0]
    assert "value=stageVariables.originSecret" in item.commands[1]
    assert item.commands[2].startswith("aws apigateway create-deployment")


def test_an_origin_secret_taken_from_the_caller_is_flagged(fake_aws: Path, moto_url: str) -> None:
    api = _cognito_api(moto_url, {**RIGHT, "X-Origin-Secret": "method.request.header.X-Origin-Secret"})
    inspection = _inspect(fake_aws, moto_url, api, headers=EXPECTS, token_use="access")
    assert _codes(inspection) == ["config.origin_secret_from_client"]


def test_without_an_origin_secret_header_in_the_profile_the_check_is_skipped_and_said(
    fake_aws: Path, moto_url: str
) -> None:
    api = _cognito_api(moto_url, RIGHT)
    inspection = _inspect(fake_aws, moto_url, api, headers={"X-User-Id": "sub"}, token_use="access")
    assert _codes(inspection) == []
    assert any("origin secret not checked" in note for note in inspection.notes)
