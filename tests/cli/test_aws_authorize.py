"""`baton aws authorize`: the decision as inert text or JSON, exit 0 allow / 1 deny / 2 failure, the token never
printed — against moto (REST TestInvokeAuthorizer, which moto lacks, through botocore's Stubber)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.cli import main
from tests.aws.motokit import MOTO_ACCOUNT, MotoHttpApi, MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_authorizers import (
    Issuer,
    LambdaQueue,
    StubbedTestInvoke,
    factory_for,
    fresh_jwks,
    issuer,
    profile_file,
    simple_lambda,
)

__all__ = ["closed_port_url", "fake_aws", "fresh_jwks", "issuer", "moto_url", "no_aws", "simple_lambda"]

SIGNATURE = "c2lnbmF0dXJlLW5ldmVyLXNob3du"
TOKEN = f"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.{SIGNATURE}"


def _lambda_api(moto_url: str) -> MotoHttpApi:
    api = MotoHttpApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=0)
    api.route("GET /orders/{id}", auth="CUSTOM", authorizer=authorizer)
    api.stage("dev")
    return api


def _no_secret(out: str) -> None:
    assert TOKEN not in out and SIGNATURE not in out


def test_allow_prints_the_decision_and_exits_0_without_the_token(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    api = _lambda_api(moto_url)
    simple_lambda.answer({"isAuthorized": True, "context": {"tenant": "t-1"}})
    profile = profile_file(fake_aws, moto_url, api.api_id, kind="http", allow_invoke=True)
    monkeypatch.setenv("BATON_TEST_TOKEN", TOKEN)
    code = main(["aws", "authorize", "--profile", str(profile), "--token-env", "BATON_TEST_TOKEN"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = captured.out
    assert "decision    ALLOW" in out
    assert "decided by lambda invoke" in out
    assert "context     tenant = t-1" in out
    assert "Authorization: Bearer <redacted JWT" in out and "(token from env:BATON_TEST_TOKEN)" in out
    assert "the API Gateway console's Test button (TestInvokeMethod) skips authorization" in out
    _no_secret(out + captured.err)


def test_deny_exits_1_and_escape_codes_from_the_authorizer_are_inert(
    fake_aws: Path, moto_url: str, simple_lambda: LambdaQueue, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _lambda_api(moto_url)
    simple_lambda.answer({"isAuthorized": False, "context": {"why": "\x1b[31mred\x1b]0;title\x07", "t": TOKEN}})
    profile = profile_file(fake_aws, moto_url, api.api_id, kind="http", allow_invoke=True)
    assert main(["aws", "authorize", "--profile", str(profile), "--token", TOKEN]) == 1
    out = capsys.readouterr().out
    assert 'decision    DENY — the client gets 403 {"message": "Forbidden"}' in out
    assert "\x1b" not in out and "\x07" not in out
    assert "why = \\x1b[31mred\\x1b]0;title\\x07" in out
    _no_secret(out)


def test_invoking_not_allowed_is_unavailable_with_exit_2(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api = _lambda_api(moto_url)
    profile = profile_file(fake_aws, moto_url, api.api_id, kind="http")
    assert main(["aws", "authorize", "--profile", str(profile), "--token", TOKEN]) == 2
    err = capsys.readouterr().err
    assert "set [aws] allow_invoke = true to let Baton do it" in err


def test_an_aws_failure_is_one_line_and_exit_2(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = profile_file(fake_aws, closed_port_url, "abc123")
    assert main(["aws", "authorize", "--profile", str(profile), "--token", TOKEN]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(unreachable)" in err and "cannot reach" in err
    _no_secret(err)


@pytest.mark.usefixtures("fresh_jwks")
def test_the_token_comes_from_the_profiles_identity_when_none_is_given(
    fake_aws: Path, moto_url: str, issuer: Issuer, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    api = MotoHttpApi(moto_url)
    api.route("GET /orders/{id}", auth="JWT", authorizer=api.jwt_authorizer(issuer.url, audience="client-app"))
    api.stage("dev")
    token = issuer.token(aud="other-app")
    monkeypatch.setenv("AUTHZ_TOKEN", token)
    identity = ['flow = "static"', 'token = "env:AUTHZ_TOKEN"']
    profile = profile_file(fake_aws, moto_url, api.api_id, kind="http", identity=identity)
    assert main(["aws", "authorize", "--profile", str(profile), "--json"]) == 1
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document["decision"] == "deny" and document["source"] == "local evaluation"
    assert document["token_from"] == "static token from env:AUTHZ_TOKEN"
    assert document["client_response"]["status"] == 401
    assert "TestInvokeMethod" in document["note"]
    assert token not in out and token.rsplit(".", 1)[1] not in out


def test_rest_test_invoke_json_carries_statement_log_and_latency(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=0)
    api.method("/orders/{id}", "GET", auth="CUSTOM", authorizer=authorizer)
    api.deploy()
    arn = f"arn:aws:execute-api:eu-west-1:{MOTO_ACCOUNT}:{api.api_id}/dev/GET/orders/*"
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": arn}],
    }
    client = StubbedTestInvoke(moto_url)
    log = f"Starting authorizer\nIncoming identity: Bearer {TOKEN}\nSuccessfully completed authorizer execution"
    answer = {"clientStatus": 0, "log": log, "latency": 12, "principalId": "alice", "policy": json.dumps(policy)}
    client.stub.add_response("test_invoke_authorizer", answer)
    monkeypatch.setattr(
        "console.aws.authorizer_decide._default_factory", lambda profile, env: factory_for(moto_url, apigateway=client)
    )
    profile = profile_file(fake_aws, moto_url, api.api_id)
    args = ["aws", "authorize", "--profile", str(profile), "--token", TOKEN, "--path", "/orders/42", "--json"]
    assert main(args) == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document["source"] == "aws TestInvokeAuthorizer" and document["principal_id"] == "alice"
    assert document["statement"]["resources"] == [arn] and document["latency_ms"] == 12
    assert document["log"][1].startswith("Incoming identity: <redacted")
    assert document["request"]["path"] == "/orders/42"
    _no_secret(out)


def test_usage_errors_exit_2(fake_aws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    profile = profile_file(fake_aws, "http://127.0.0.1:9", "abc123")
    monkeypatch.delenv("NOPE_TOKEN", raising=False)
    assert main(["aws", "authorize", "--profile", str(profile), "--token-env", "NOPE_TOKEN"]) == 2
    assert "--token-env NOPE_TOKEN: the variable is not set" in capsys.readouterr().err
    assert main(["aws", "authorize", "--profile", str(profile), "--token", TOKEN, "--header", "NoColon"]) == 2
    assert "is not 'NAME: VALUE'" in capsys.readouterr().err
