"""Reading GetExport's document (pure): Swagger 2.0 and OpenAPI 3.0, the any-method, Lambda (TOKEN, REQUEST),
Cognito, IAM and API-key security, and an answer that is not a stage snapshot."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from console.aws.config_export import ExportUnusable, parse_export, snapshot_method

LAMBDA = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:a/invocations"
)
INTEGRATION = {
    "type": "http_proxy",
    "httpMethod": "ANY",
    "uri": "https://iis.example.test/{proxy}",
    "requestParameters": {"integration.request.header.X-User-Id": "context.authorizer.principalId"},
}


def _swagger() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "basePath": "/dev",
        "paths": {
            "/{proxy+}": {
                "parameters": [{"name": "proxy", "in": "path"}],
                "x-amazon-apigateway-any-method": {
                    "security": [{"lambda-token": []}, {"api_key": []}],
                    "x-amazon-apigateway-integration": INTEGRATION,
                },
            },
            "/admin": {"post": {"security": [{"sigv4": []}], "x-amazon-apigateway-integration": INTEGRATION}},
        },
        "securityDefinitions": {
            "lambda-token": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {
                    "type": "token",
                    "authorizerUri": LAMBDA,
                    "authorizerResultTtlInSeconds": 60,
                },
            },
            "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            "sigv4": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            },
        },
    }


def test_a_swagger_export_gives_the_any_method_its_token_authorizer_and_api_key() -> None:
    snapshot = parse_export(io.BytesIO(json.dumps(_swagger()).encode()))
    assert snapshot.paths == ("/admin", "/{proxy+}")
    assert set(snapshot.operations["/{proxy+}"]) == {"ANY"}  # the path's "parameters" is not a method
    method, authorizer = snapshot_method(snapshot, "/{proxy+}", "ANY", {"lambda-token": "a1b2c3"})
    assert method["authorizationType"] == "CUSTOM" and method["authorizerId"] == "a1b2c3"
    assert method["apiKeyRequired"] is True
    assert method["methodIntegration"]["type"] == "HTTP_PROXY"
    assert method["methodIntegration"]["requestParameters"] == INTEGRATION["requestParameters"]
    assert authorizer is not None
    assert (authorizer["id"], authorizer["type"], authorizer["identitySource"]) == (
        "a1b2c3",
        "TOKEN",
        "method.request.header.Authorization",  # a TOKEN scheme names its header; the extension has no source
    )
    assert authorizer["authorizerResultTtlInSeconds"] == 60 and authorizer["authorizerUri"] == LAMBDA


def test_an_iam_method_has_no_authorizer() -> None:
    snapshot = parse_export(json.dumps(_swagger()))
    method, authorizer = snapshot_method(snapshot, "/admin", "POST", {})
    assert (method["authorizationType"], authorizer) == ("AWS_IAM", None)


def test_an_oas30_cognito_scheme_keeps_scopes_pools_and_an_unset_ttl() -> None:
    pool = "arn:aws:cognito-idp:eu-west-1:1:userpool/eu-west-1_Ab"
    document = {
        "openapi": "3.0.1",
        "paths": {
            "/orders/{id}": {
                "get": {"security": [{"pool": ["orders/read"]}], "x-amazon-apigateway-integration": INTEGRATION}
            }
        },
        "components": {
            "securitySchemes": {
                "pool": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "cognito_user_pools",
                    "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [pool]},
                }
            }
        },
    }
    snapshot = parse_export(json.dumps(document).encode())
    method, authorizer = snapshot_method(snapshot, "/orders/{id}", "GET", {})
    assert method["authorizationType"] == "COGNITO_USER_POOLS"
    assert method["authorizerId"] == "pool"  # not in the current configuration any more: named by its scheme
    assert method["authorizationScopes"] == ["orders/read"]
    assert authorizer is not None and authorizer["providerARNs"] == [pool]
    assert "authorizerResultTtlInSeconds" not in authorizer  # unset: the model applies AWS's default (300)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<html>", "not JSON"),
        (b"{}", "has no paths"),
        # moto's export: the stage ignored, no integration extension
        (json.dumps({"swagger": "2.0", "paths": {"/": {"GET": {"responses": {}}}}}).encode(), "carries no x-amazon"),
    ],
)
def test_an_answer_that_is_no_stage_snapshot_is_refused_with_why(body: bytes, why: str) -> None:
    with pytest.raises(ExportUnusable) as caught:
        parse_export(body)
    assert why in str(caught.value)
