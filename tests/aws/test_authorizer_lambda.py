"""An HTTP API Lambda authorizer invoked with API Gateway's event, against moto's Docker-free Lambda (its answers
queued through moto's API; with none queued the function answers the event it got). Invoking is refused unless the
profile allows it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3

from console.aws.authorizer_decide import decide
from console.aws.authorizer_lambda import INVOKE_REFUSED, function_of
from console.config import load_profile
from console.model.authorizer_decision import Effect, Source, Unavailable
from tests.aws.motokit import LAMBDA_URI, MOTO_ACCOUNT, MotoHttpApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_authorizers import REGION, LambdaQueue, Recording, factory_for, profile_file, simple_lambda

__all__ = ["fake_aws", "moto_url", "no_aws", "simple_lambda"]

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW5ldmVyLXNob3du"


def _api(moto_url: str, *, version: str = "2.0", simple: bool = True, sources: tuple[str, ...] = ()) -> MotoHttpApi:
    api = MotoHttpApi(moto_url)
    made = api.client.create_authorizer(
        ApiId=api.api_id,
        AuthorizerType="REQUEST",
        Name="lambda",
        IdentitySource=list(sources or ("$request.header.Authorization",)),
        AuthorizerUri=LAMBDA_URI,
        AuthorizerResultTtlInSeconds=0,
        AuthorizerPayloadFormatVersion=version,
        EnableSimpleResponses=simple,
    )
    api.route("GET /orders/{id}", auth="CUSTOM", authorizer=made["AuthorizerId"])
    api.stage("dev")
    return api


def _run(folder: Path, moto_url: str, api: MotoHttpApi, *, allow: bool = True) -> tuple[Any, Recording]:
    recording = Recording(boto3.client("lambda", region_name=REGION, endpoint_url=moto_url))
    profile = load_profile(str(profile_file(folder, moto_url, api.api_id, kind="http", allow_invoke=allow)))
    factory = factory_for(moto_url, **{"lambda": recording})
    result = decide(profile, TOKEN, "GET", "/orders/42?q=1", [("X-Tenant", "t-1")], client_factory=factory)
    return result, recording


def _arn(api: MotoHttpApi, rest: str = "GET/orders/42") -> str:
    return f"arn:aws:execute-api:{REGION}:{MOTO_ACCOUNT}:{api.api_id}/dev/{rest}"


def test_without_allow_invoke_nothing_is_invoked(fake_aws: Path, moto_url: str) -> None:
    api = _api(moto_url)
    result, recording = _run(fake_aws, moto_url, api, allow=False)
    assert result == Unavailable(INVOKE_REFUSED, kind="not_allowed")
    assert INVOKE_REFUSED == "invoking the authorizer runs your code; set [aws] allow_invoke = true to let Baton do it"
    assert recording.calls == []


def test_a_simple_response_allows_with_its_context_and_the_event_is_api_gateways(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue
) -> None:
    api = _api(moto_url)
    simple_lambda.answer({"isAuthorized": True, "context": {"tenant": "t-1", "roles": ["a", "b"]}})
    result, recording = _run(fake_aws, moto_url, api)
    assert not isinstance(result, Unavailable)
    assert result.allowed and result.source is Source.LAMBDA_INVOKE and result.effect is Effect.NO_POLICY
    assert dict(result.context) == {"tenant": "t-1", "roles": '["a","b"]'}
    assert result.client_status == 200 and result.latency_ms is not None
    [(name, sent)] = recording.calls
    assert name == "invoke" and sent["FunctionName"].endswith(":function:baton-authorizer")
    event = json.loads(sent["Payload"])
    assert event["version"] == "2.0" and event["routeArn"] == _arn(api)
    assert event["identitySource"] == [f"Bearer {TOKEN}"]
    assert event["headers"]["x-tenant"] == "t-1"
    assert event["routeKey"] == "GET /orders/{id}" and event["rawQueryString"] == "q=1"


def test_is_authorized_false_is_the_clients_403(fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue) -> None:
    api = _api(moto_url)
    simple_lambda.answer({"isAuthorized": False})
    result, _ = _run(fake_aws, moto_url, api)
    assert not isinstance(result, Unavailable) and not result.allowed
    assert result.response is not None and (result.response.status, result.response.message) == (403, "Forbidden")


def test_payload_1_0_policy_responses_are_judged_against_the_route_arn(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue
) -> None:
    api = _api(moto_url, version="1.0", simple=False)
    other = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, "POST/*")}
    this = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, "GET/orders/*")}
    simple_lambda.answer(
        {"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": [other]}},
        {"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": [other, this]}},
    )
    denied, recording = _run(fake_aws, moto_url, api)
    assert not isinstance(denied, Unavailable) and not denied.allowed
    assert denied.effect is Effect.NONE_MATCHING and denied.principal_id == "alice"
    assert json.loads(recording.calls[0][1]["Payload"])["methodArn"] == _arn(api)
    allowed, _ = _run(fake_aws, moto_url, api)
    assert not isinstance(allowed, Unavailable) and allowed.allowed
    assert allowed.statement is not None and allowed.statement.index == 2


def test_a_missing_identity_source_is_a_401_without_invoking(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue
) -> None:
    api = _api(moto_url, sources=("$request.header.X-Api-Token",))
    result, recording = _run(fake_aws, moto_url, api)
    assert not isinstance(result, Unavailable) and not result.allowed
    assert result.response is not None and result.response.status == 401
    assert "$request.header.X-Api-Token is missing" in result.reasons[0]
    assert recording.calls == []


def test_an_answer_that_is_not_a_response_is_api_gateways_500(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue
) -> None:
    api = _api(moto_url)
    simple_lambda.answer("not json at all")
    result, _ = _run(fake_aws, moto_url, api)
    assert not isinstance(result, Unavailable) and not result.allowed
    assert result.response is not None and result.response.status == 500


def test_a_missing_function_is_unavailable(fake_aws: Path, moto_url: str) -> None:
    # moto's Lambda with Docker (its default; never reached here) checks the function exists; the Docker-free one
    # answers for any name, so this test runs without it.
    api = _api(moto_url)
    missing = LAMBDA_URI.replace(":function:baton-authorizer", f":function:baton-missing-{time.monotonic_ns()}")
    authorizer = api.client.get_routes(ApiId=api.api_id)["Items"][0]["AuthorizerId"]
    api.client.update_authorizer(ApiId=api.api_id, AuthorizerId=authorizer, AuthorizerUri=missing)
    result, _ = _run(fake_aws, moto_url, api)
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    assert "lambda Invoke" in result.reason


def test_the_function_arn_comes_from_the_uri_with_stage_variables() -> None:
    uri = (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:1:function:${stageVariables.fn}/invocations"
    )
    assert function_of(uri, {"fn": "auth-dev"}) == "arn:aws:lambda:eu-west-1:1:function:auth-dev"
    assert function_of("https://example.test", {}) is None
