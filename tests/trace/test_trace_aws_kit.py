"""Helpers of the AWS-backed trace tests (no tests here): a loopback gateway answering with an x-amzn-RequestId (and
an IIS echo body), a REST API on the moto server with a Lambda authorizer and header mappings, execution-log lines for
that request id, and TestInvokeAuthorizer (not in moto 5) answered by botocore's Stubber."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.aws.motokit import MOTO_ACCOUNT, MotoRestApi
from tests.aws.motokit_authorizers import StubbedTestInvoke, factory_for
from tests.aws.motokit_logs import MotoLogs

RID = "5b2e9c41-7d3a-4f0e-9b1c-aa04c0ffee42"
CORRELATION = "corr-aws-trace-1"
REGION = "eu-west-1"


def token(sub: str = "alice", email: str = "alice@example.test") -> str:
    """A JWT-shaped token (never verified: no JWKS) whose signature part must never be printed."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    claims = {"sub": sub, "email": email, "exp": int(time.time()) + 600, "iat": int(time.time()) - 5}
    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part(claims)}.QmF0b25Bd3NTaWduYXR1cmVOZXZlclByaW50ZWQ"


@dataclass
class Gateway:
    """A loopback HTTP server playing API Gateway in front of an IIS echo: every answer carries ``x-amzn-RequestId``;
    ``echo`` decides which received headers the echo body reports (None: a plain-text body, no echo)."""

    status: int = 200
    echo: tuple[str, ...] | None = ("X-User-Id", "X-Correlation-Id")
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    seen: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """The loopback gateway; ``.url`` is its base."""
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received = {k: v for k, v in self.headers.items()}
            state.seen.append(received)
            if state.echo is not None and state.status == 200:
                shown = {k: v for k, v in received.items() if k in state.echo}
                if "X-User-Id" in state.echo:  # what the mapping from the authorizer would have set
                    shown["X-User-Id"] = "alice"
                body = json.dumps({"headers": shown, "user": "alice"}).encode()
                kind = "application/json"
            else:
                body, kind = (state.body or "ok").encode(), "application/json" if state.body else "text/plain"
            self.send_response(state.status)
            self.send_header("Content-Type", kind)
            self.send_header("x-amzn-RequestId", RID)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


def rest_api(moto_url: str, mappings: dict[str, str]) -> tuple[MotoRestApi, str]:
    """A REST API on moto: GET /orders/{id} behind a TOKEN Lambda authorizer, with ``mappings`` (header → source),
    deployed to ``dev``; returns the API and the authorizer id."""
    api = MotoRestApi(moto_url)
    authorizer = api.lambda_authorizer(ttl=0)
    api.method("/orders/{id}", "GET", auth="CUSTOM", authorizer=authorizer, headers=mappings)
    api.deploy()
    return api, authorizer


def arn(api_id: str, rest: str = "GET/orders/42") -> str:
    return f"arn:aws:execute-api:{REGION}:{MOTO_ACCOUNT}:{api_id}/dev/{rest}"


def authorizer_answer(statements: list[dict[str, Any]], principal: str = "alice") -> dict[str, Any]:
    """TestInvokeAuthorizer's answer (as the Stubber gives it)."""
    policy = {"Version": "2012-10-17", "Statement": statements}
    log = "Starting authorizer: x for request: test-request\nSuccessfully completed authorizer execution"
    return {
        "clientStatus": 0,
        "log": log,
        "latency": 21,
        "principalId": principal,
        "policy": json.dumps(policy),
        "authorization": {},
    }


def stub_decision(
    monkeypatch: pytest.MonkeyPatch, moto_url: str, answer: dict[str, Any] | None, times: int = 1
) -> StubbedTestInvoke:
    """The trace's authorizer question answered by the Stubber ``times`` times (everything else goes to moto)."""
    import console.aws.authorizer_decide as decide_module

    client = StubbedTestInvoke(moto_url)
    for _ in range(times if answer is not None else 0):
        client.stub.add_response("test_invoke_authorizer", answer)
    factory = factory_for(moto_url, apigateway=client)
    monkeypatch.setattr(decide_module, "_default_factory", lambda _profile, _env: factory)
    return client


def execution_log(moto_url: str, api_id: str, endpoint_headers: str, *, rid: str = RID) -> None:
    """The request's execution log in ``API-Gateway-Execution-Logs_{api_id}/dev``: authorizer lines, then the
    integration's ``Endpoint request headers`` as given (``Name=value, …``)."""
    logs = MotoLogs(moto_url)
    group = logs.group(f"API-Gateway-Execution-Logs_{api_id}/dev")
    body = [
        f"Starting authorizer: az1 for request: {rid}",
        'Authorizer result body before parsing: {"principalId":"alice","policyDocument":{"Version":"2012-10-17",'
        '"Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}}',
        "Successfully completed authorizer execution",
        f"Starting execution for request: {rid}",
        "HTTP Method: GET, Resource Path: /orders/42",
        "Endpoint request URI: https://iis.example.test/orders/42",
        f"Endpoint request headers: {{{endpoint_headers}}}",
        "Received response. Status: 200, Integration latency: 9 ms",
        "Method completed with status: 200",
    ]
    logs.put(group, *(f"({rid}) {line}" for line in body))


def profile(
    folder: Path,
    gateway_url: str,
    api_id: str,
    endpoint_url: str,
    *,
    log_wait: float = 6,
    headers: str = '"X-User-Id" = "sub", "X-User-Email" = "email"',
) -> Path:
    """A Baton profile: the loopback gateway, a static token from BATON_TEST_TOKEN, [aws] on ``endpoint_url``."""
    path = folder / "awstrace.toml"
    path.write_text(
        "\n".join(
            [
                'name = "awstrace"',
                'environment = "dev"',
                "[gateway]",
                f'url = "{gateway_url}/dev/orders/42"',
                'kind = "rest"',
                "[identity]",
                'flow = "static"',
                'token = "env:BATON_TEST_TOKEN"',
                "[propagation]",
                f"headers = {{ {headers} }}",
                "[aws]",
                f'region = "{REGION}"',
                f'api_id = "{api_id}"',
                'stage = "dev"',
                f'endpoint_url = "{endpoint_url}"',
                f"log_wait = {log_wait}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path
