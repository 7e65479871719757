"""A REST Lambda authorizer's decision through TestInvokeAuthorizer: the API, its stage variables and the caller's
account come from a moto server; TestInvokeAuthorizer itself (not implemented by moto 5) is answered by botocore's
Stubber, which also checks the request Baton sends it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.aws.authorizer_decide import decide
from console.config import load_profile
from console.model.authorizer_decision import Effect, Source, Unavailable
from tests.aws.motokit import MOTO_ACCOUNT, MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_authorizers import StubbedTestInvoke, factory_for, profile_file

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW5ldmVyLXNob3du"


def _api(moto_url: str, ttl: int = 0) -> tuple[MotoRestApi, str]:
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=ttl)
    api.method("/orders/{id}", "GET", auth="CUSTOM", authorizer=authorizer)
    api.deploy()
    api.client.update_stage(
        restApiId=api.api_id,
        stageName="dev",
        patchOperations=[{"op": "replace", "path": "/variables/backend", "value": "iis-dev"}],
    )
    return api, authorizer


def _arn(api: MotoRestApi, stage: str = "dev", rest: str = "GET/orders/42") -> str:
    return f"arn:aws:execute-api:eu-west-1:{MOTO_ACCOUNT}:{api.api_id}/{stage}/{rest}"


def _answer(api: MotoRestApi, statements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    policy = {"Version": "2012-10-17", "Statement": statements}
    log = "\n".join(
        [
            "Execution log for request test-request",
            "Starting authorizer: x for request: test-request",
            f'Endpoint request body after transformations: {{"type":"TOKEN","authorizationToken":"Bearer {TOKEN}"}}',
            'Authorizer result body before parsing: {"principalId":"alice","context":{"tenant":"t-1","tier":2}}',
            "Successfully completed authorizer execution",
        ]
    )
    answer = {"clientStatus": 0, "log": log, "latency": 37, "principalId": "alice", "policy": json.dumps(policy)}
    answer.update(extra)
    return answer


def _decide(fake_aws: Path, moto_url: str, api: MotoRestApi, answer: dict[str, Any] | None, **expected: Any) -> Any:
    client = StubbedTestInvoke(moto_url)
    if answer is not None:
        client.stub.add_response("test_invoke_authorizer", answer, expected or None)
    profile = load_profile(str(profile_file(fake_aws, moto_url, api.api_id)))
    factory = factory_for(moto_url, apigateway=client)
    return decide(profile, TOKEN, "GET", "/orders/42", [("X-Tenant", "t-1")], client_factory=factory)


def test_an_allowing_policy_gives_principal_statement_context_latency_and_log(fake_aws: Path, moto_url: str) -> None:
    api, authorizer = _api(moto_url)
    allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, rest="GET/orders/*")}
    expected = {
        "restApiId": api.api_id,
        "authorizerId": authorizer,
        "headers": {"Authorization": f"Bearer {TOKEN}", "X-Tenant": "t-1"},
        "multiValueHeaders": {"Authorization": [f"Bearer {TOKEN}"], "X-Tenant": ["t-1"]},
        "pathWithQueryString": "/orders/42",
        "stageVariables": {"backend": "iis-dev"},
    }
    result = _decide(fake_aws, moto_url, api, _answer(api, [allow]), **expected)
    assert not isinstance(result, Unavailable)
    assert result.allowed and result.effect is Effect.ALLOW and result.source is Source.TEST_INVOKE
    assert result.method_arn == _arn(api)
    assert result.principal_id == "alice"
    assert result.statement is not None and result.statement.index == 1
    assert dict(result.context) == {"tenant": "t-1", "tier": "2"}
    assert result.latency_ms == 37 and result.client_status == 0
    assert result.log_lines[0] == "Execution log for request test-request"
    assert not any(TOKEN in line or "c2lnbmF0dXJl" in line for line in result.log_lines)
    assert result.response is None


def test_a_policy_for_another_method_is_a_deny_though_the_authorizer_succeeded(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url, ttl=300)
    allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, rest="GET/orders/7")}
    result = _decide(fake_aws, moto_url, api, _answer(api, [allow]))
    assert not isinstance(result, Unavailable)
    assert not result.allowed and result.effect is Effect.NONE_MATCHING
    assert result.response is not None and result.response.status == 403
    assert result.response.message == "User is not authorized to access this resource"
    assert "though the authorizer succeeded" in result.reasons[0]
    assert any("caches its policy for 300 s" in note for note in result.notes)


def test_an_explicit_deny_wins(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url)
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, rest="*")},
        {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": [_arn(api, rest="GET/orders/42")]},
    ]
    result = _decide(fake_aws, moto_url, api, _answer(api, statements))
    assert not isinstance(result, Unavailable)
    assert not result.allowed and result.effect is Effect.DENY
    assert result.statement is not None and result.statement.index == 2
    assert result.response is not None and result.response.message.endswith("with an explicit deny")


def test_the_test_runs_placeholder_stage_counts_as_this_stage(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url)
    echoed = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, stage="ESTestInvoke-stage")}
    result = _decide(fake_aws, moto_url, api, _answer(api, [echoed]))
    assert not isinstance(result, Unavailable) and result.allowed
    assert any("placeholder stage" in note for note in result.notes)


def test_a_refusing_authorizer_is_the_clients_401(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url)
    answer = {"clientStatus": 401, "log": "Unauthorized request: test-request", "latency": 3}
    result = _decide(fake_aws, moto_url, api, answer)
    assert not isinstance(result, Unavailable)
    assert not result.allowed and result.effect is Effect.NO_POLICY
    assert result.response is not None and (result.response.status, result.response.message) == (401, "Unauthorized")


def test_aws_refusing_test_invoke_is_unavailable_never_a_pass(fake_aws: Path, moto_url: str) -> None:
    api, _ = _api(moto_url)
    client = StubbedTestInvoke(moto_url)
    client.stub.add_client_error("test_invoke_authorizer", "AccessDeniedException", "no", 403)
    profile = load_profile(str(profile_file(fake_aws, moto_url, api.api_id)))
    result = decide(profile, TOKEN, "GET", "/orders/42", client_factory=factory_for(moto_url, apigateway=client))
    assert isinstance(result, Unavailable) and result.kind == "unauthorized"
    assert "apigateway:TestInvokeAuthorizer" in result.reason


def test_a_wrong_api_id_and_an_unreachable_endpoint_are_unavailable(
    fake_aws: Path, moto_url: str, closed_port_url: str
) -> None:
    wrong = load_profile(str(profile_file(fake_aws, moto_url, "nosuchapi", name="wrong")))
    result = decide(wrong, TOKEN, "GET", "/orders/42")
    assert isinstance(result, Unavailable) and result.kind == "not_found" and "nosuchapi" in result.reason
    down = load_profile(str(profile_file(fake_aws, closed_port_url, "abc123", name="down")))
    result = decide(down, TOKEN, "GET", "/orders/42")
    assert isinstance(result, Unavailable) and result.kind == "unreachable"


def test_no_credentials_is_unavailable(no_aws: Path, moto_url: str) -> None:
    profile = load_profile(str(profile_file(no_aws, moto_url, "abc123")))
    result = decide(profile, TOKEN, "GET", "/orders/42")
    assert isinstance(result, Unavailable) and result.kind == "credentials"


def test_a_method_without_authorizer_has_nothing_to_ask(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy()
    profile = load_profile(str(profile_file(fake_aws, moto_url, api.api_id)))
    result = decide(profile, TOKEN, "GET", "/orders/42")
    assert isinstance(result, Unavailable) and result.kind == "no_authorizer"
    assert "authorization NONE" in result.reason


@pytest.mark.parametrize("kind", ["TOKEN", "REQUEST"])
def test_the_trace_decision_shape(fake_aws: Path, moto_url: str, kind: str) -> None:
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=0, kind=kind)
    api.method("/orders/{id}", "GET", auth="CUSTOM", authorizer=authorizer)
    api.deploy()
    allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": _arn(api, rest="*")}
    result = _decide(fake_aws, moto_url, api, _answer(api, [allow]))
    assert not isinstance(result, Unavailable)
    trace = result.to_trace_decision()
    assert trace.kind == f"lambda_{kind.lower()}" and trace.effect == "allow" and trace.source == "aws test-invoke"
    assert trace.policy[0].matches_request and trace.method_arn == _arn(api)
