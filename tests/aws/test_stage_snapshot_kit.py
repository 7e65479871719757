"""Helpers of the stage-snapshot tests: a REST API's configuration on moto written out as API Gateway's GetExport
writes a stage (OpenAPI 3.0 with the integrations and authorizers extensions), and GetExport answered by botocore's
Stubber — moto's GetExport ignores the stage and writes no integration, so only that call is stubbed; every other
call goes to the moto server."""

from __future__ import annotations

import io
import json
from collections import deque
from typing import Any

import pytest
from botocore.stub import ANY

from tests.aws.motokit import MotoRestApi

EXPORT_CALL = {
    "exportType": "oas30",
    "parameters": {"extensions": "integrations,authorizers"},
    "accepts": "application/json",
}
"""What Baton must ask GetExport for, beside the api id and stage."""


def _scheme(authorizer: dict[str, Any]) -> dict[str, Any]:
    """A security scheme as the export writes an authorizer (AWS docs: api-gateway-swagger-extensions-authorizer)."""
    kind = str(authorizer["type"]).lower()
    header = str(authorizer.get("identitySource", "")).removeprefix("method.request.header.")
    body: dict[str, Any] = {"type": kind}
    if kind == "cognito_user_pools":
        body["providerARNs"] = authorizer.get("providerARNs", [])
    else:
        body["authorizerUri"] = authorizer.get("authorizerUri", "")
    if kind == "request":
        body["identitySource"] = authorizer.get("identitySource", "")
    if "authorizerResultTtlInSeconds" in authorizer:
        body["authorizerResultTtlInSeconds"] = authorizer["authorizerResultTtlInSeconds"]
    authtype = "cognito_user_pools" if kind == "cognito_user_pools" else "custom"
    name = "Unused" if kind == "request" else header
    return {
        "type": "apiKey",
        "name": name,
        "in": "header",
        "x-amazon-apigateway-authtype": authtype,
        "x-amazon-apigateway-authorizer": body,
    }


def export_of(api: MotoRestApi, stage: str = "dev") -> dict[str, Any]:
    """The API's configuration on moto now, as GetExport would write the stage once it is deployed."""
    client = api.client
    authorizers = {a["id"]: a for a in client.get_authorizers(restApiId=api.api_id).get("items", [])}
    paths: dict[str, Any] = {}
    schemes: dict[str, Any] = {}
    for resource in client.get_resources(restApiId=api.api_id, embed=["methods"])["items"]:
        operations: dict[str, Any] = {}
        for verb in resource.get("resourceMethods", {}) or {}:
            method = client.get_method(restApiId=api.api_id, resourceId=resource["id"], httpMethod=verb)
            integration = method.get("methodIntegration", {})
            operation: dict[str, Any] = {
                "responses": {},
                "x-amazon-apigateway-integration": {
                    "type": str(integration.get("type", "")).lower(),
                    "httpMethod": integration.get("httpMethod", verb),
                    "uri": integration.get("uri", ""),
                    "requestParameters": integration.get("requestParameters", {}),
                    "requestTemplates": integration.get("requestTemplates", {}),
                    "passthroughBehavior": "when_no_match",
                },
            }
            if method.get("authorizerId"):
                authorizer = authorizers[method["authorizerId"]]
                schemes[authorizer["name"]] = _scheme(authorizer)
                operation["security"] = [{authorizer["name"]: method.get("authorizationScopes", [])}]
            key = "x-amazon-apigateway-any-method" if verb == "ANY" else verb.lower()
            operations[key] = operation
        paths[resource["path"]] = operations
    return {
        "openapi": "3.0.1",
        "info": {"title": "baton-test", "version": "2026-01-01T00:00:00Z"},
        "servers": [
            {
                "url": f"https://{api.api_id}.execute-api.{api.region}.amazonaws.com/{{basePath}}",
                "variables": {"basePath": {"default": f"/{stage}"}},
            }
        ],
        "paths": paths,
        "components": {"securitySchemes": schemes},
    }


Answer = tuple[str, dict[str, Any] | str]
"""(stage name Baton must ask for, the export document — or an AWS error code to answer with)."""


def stub_exports(monkeypatch: pytest.MonkeyPatch, *answers: Answer) -> deque[Answer]:
    """GetExport answered by the Stubber, one answer per REST read in order (each read makes a client); the
    Stubber also checks the request Baton sends. Returns the queue (empty once every answer was asked for)."""
    import boto3
    from botocore.response import StreamingBody
    from botocore.stub import Stubber

    from console.aws import session

    queue: deque[Answer] = deque(answers)
    real = session.make_client

    def stubbed(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)
        meta = client.meta
        twin = boto3.client("apigateway", region_name=meta.region_name, endpoint_url=meta.endpoint_url)
        stubber = Stubber(twin)
        if queue:
            stage, answer = queue.popleft()
            expected = {"restApiId": ANY, "stageName": stage, **EXPORT_CALL}
            if isinstance(answer, str):
                message = (
                    "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: apigateway:GET on "
                    "resource: arn:aws:apigateway:eu-west-1::/restapis/x/stages/dev/exports/oas30"
                )
                stubber.add_client_error("get_export", answer, message, http_status_code=403, expected_params=expected)
            else:
                data = json.dumps(answer).encode()
                body = StreamingBody(io.BytesIO(data), len(data))
                stubber.add_response("get_export", {"body": body, "contentType": "application/json"}, expected)
        stubber.activate()
        client.get_export = twin.get_export
        return client

    monkeypatch.setattr("console.aws.config_read.make_client", stubbed)
    return queue
