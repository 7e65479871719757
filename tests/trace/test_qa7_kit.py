"""Helpers of the QA7 regression tests (no tests here): a loopback gateway whose IIS echo shows chosen headers (with
this request's correlation id, so the echo is taken as this request's), execution-log lines written as given for the
request id it answers with, and a trace run through the real Session and CLI."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from console.config.load import load_profile
from console.model.trace import HopName, Trace, TraceRequest
from console.session import Session
from tests.aws.motokit_logs import MotoLogs
from tests.trace.test_trace_aws_kit import CORRELATION

RID = "7a7a7a7a-0007-4000-8000-0000000qa700"
ALLOW_BODY = (
    'Authorizer result body before parsing: {"principalId":"alice","policyDocument":{"Version":"2012-10-17",'
    '"Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]},'
    '"context":{"email":"alice@example.test"}}'
)
DENY_BODY = (
    'Authorizer result body before parsing: {"principalId":"alice","policyDocument":{"Version":"2012-10-17",'
    '"Statement":[{"Action":"execute-api:Invoke","Effect":"Deny","Resource":"*"}]}}'
)
NOT_AUTHORIZED = "The client is not authorized to perform this operation."


@dataclass
class EchoGateway:
    """Plays API Gateway in front of IIS: answers ``status`` with ``x-amzn-RequestId: RID``; with ``echo`` set, the
    body is an IIS echo of those headers plus the correlation id this request carried."""

    status: int = 200
    echo: dict[str, str] | None = field(default_factory=lambda: {"X-User-Id": "alice"})
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    url: str = ""


@pytest.fixture
def echo_gateway() -> Iterator[EchoGateway]:
    state = EchoGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if state.echo is not None and state.status < 400:
                shown = {**state.echo, "X-Correlation-Id": self.headers.get("X-Correlation-Id", "")}
                user = state.echo.get("X-User-Id", "alice")
                body, kind = json.dumps({"headers": shown, "user": user}).encode(), "application/json"
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


def put_log(moto_url: str, api_id: str, *lines: str) -> None:
    """``lines`` in the stage's execution log, each prefixed with ``(RID)``."""
    logs = MotoLogs(moto_url)
    group = logs.group(f"API-Gateway-Execution-Logs_{api_id}/dev")
    logs.put(group, *(f"({RID}) {line}" for line in lines))


def allowed_lines(endpoint: str, *, correlation: str = CORRELATION, status: int = 200) -> list[str]:
    """An allowed request's log: the authorizer (allow, context email), then the endpoint request headers given."""
    return [
        f"Starting authorizer: az1 for request: {RID}",
        ALLOW_BODY,
        "Successfully completed authorizer execution",
        f"Starting execution for request: {RID}",
        "HTTP Method: GET, Resource Path: /orders/42",
        f"Method request headers: {{X-Correlation-Id={correlation}}}",
        "Endpoint request URI: https://iis.example.test/orders/42",
        f"Endpoint request headers: {{{endpoint}}}",
        "Received response. Status: 200, Integration latency: 9 ms",
        f"Method completed with status: {status}",
    ]


def trace_of(path: Path) -> Trace:
    session = Session(load_profile(str(path)))
    try:
        return session.trace(TraceRequest(headers=(("X-Correlation-Id", CORRELATION),)))
    finally:
        session.close()


def aws_observations(trace: Trace, hop: HopName) -> list[object]:
    return [o for o in trace.hop(hop).observations if o.probe == "aws"]


def assert_broken_names_its_finding(trace: Trace) -> None:
    """A broken verdict always names a finding with a fix, never a raw evidence line."""
    verdict = trace.verdict
    if verdict.broken_at is not None:
        assert verdict.finding is not None and verdict.fix, verdict
