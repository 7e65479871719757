"""CloudWatch Logs on the moto server for the gateway-log tests: groups, streams, events, and a profile pointing there.

Every log line here is written for these tests, modelled on the execution-log wording of
shared/domain/gateway-iis-identity.md §1.8 (no public sample is copied).

moto notes (moto 5.2.5, moto/logs/utils.py): FilterLogEvents understands a quoted term (``"abc-123"`` matches messages
containing it) and space-separated bare words, and ignores every other pattern (it returns all events); Baton only
sends a quoted term, which moto matches as CloudWatch does. moto's StartQuery runs at once and GetQueryResults is
"Complete" with ``fields`` applied (no ``filter``/``parse``); it has no StopQuery: those paths use botocore's Stubber.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

REGION = "eu-west-1"
RID = "7c1f3a52-0b6e-4d7a-9a35-2f8e51c0d9aa"
OTHER_RID = "0d2b6c9e-1111-4a5b-8c7d-9e0f1a2b3c4d"
CORRELATION = "corr-42-baton"


def fake_jwt(subject: str = "alice") -> str:
    """A JWT-shaped string (never a real token) whose signature must never be printed."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part({'sub': subject})}.U2lnbmF0dXJlTmV2ZXJQcmludGVkQmF0b24xMjM0NQ"


def execution_lines(rid: str = RID, *, email: str = "alice@example.test", status: int = 200) -> list[str]:
    """A Lambda-authorized REST request's execution log, one CloudWatch message per line."""
    token = fake_jwt()
    result = {
        "principalId": "alice",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "arn:aws:execute-api:*"}],
        },
        "context": {"email": email, "session_token": "ctx-secret-value-123456"},
    }
    body = [
        "Extended Request Id: QkF0b25FeHQ=",
        f"Starting authorizer: ab12cd for request: {rid}",
        "Incoming identity: ******************************************qrstuv",
        "Endpoint request URI: https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/auth/invocations",
        "Endpoint request headers: {x-amzn-lambda-integration-tag="
        + rid
        + ", Authorization="
        + "*" * 49
        + "c0ffee, User-Agent=AmazonAPIGateway_abc123}",
        "Authorizer result body before parsing: " + json.dumps(result),
        "Using valid authorizer policy for principal: *****lice",
        "Successfully completed authorizer execution",
        f"Starting execution for request: {rid}",
        "HTTP Method: GET, Resource Path: /orders/42",
        f"Method request headers: {{Authorization=Bearer {token}, X-Correlation-Id={CORRELATION}}}",
        "Endpoint request URI: https://iis.example.test/orders/42",
        f"Endpoint request headers: {{X-User-Email={email}, X-Correlation-Id={CORRELATION}, "
        "Date=Tue, 02 Jun 2026 10:00:00 GMT, User-Agent=AmazonAPIGateway_abc123, Host=iis.example.test}",
        f"Received response. Status: {status}, Integration latency: 12 ms",
        f"Method completed with status: {status}",
    ]
    return [f"({rid}) {line}" for line in body]


def access_line(rid: str = RID, status: int = 200, correlation: str = CORRELATION) -> str:
    """An access-log record in JSON, with the keys `baton logs join` reads."""
    return json.dumps(
        {
            "requestId": rid,
            "status": str(status),
            "httpMethod": "GET",
            "resourcePath": "/orders/{id}",
            "principalId": "alice",
            "correlationId": correlation,
            "integrationStatus": str(status),
        }
    )


class MotoLogs:
    """Log groups and events on the moto server, through boto3."""

    def __init__(self, moto_url: str, region: str = REGION) -> None:
        import boto3

        self.client = boto3.client("logs", region_name=region, endpoint_url=moto_url)

    def group(self, name: str) -> str:
        """Create ``name`` with one stream; returns the name."""
        self.client.create_log_group(logGroupName=name)
        self.client.create_log_stream(logGroupName=name, logStreamName="s1")
        return name

    def put(self, group: str, *messages: str, at_ms: int | None = None) -> None:
        """Append ``messages`` to the group's stream, a millisecond apart."""
        start = at_ms if at_ms is not None else int(time.time() * 1000)
        events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
        self.client.put_log_events(logGroupName=group, logStreamName="s1", logEvents=events)


def logs_profile(folder: Path, moto_url: str, *, api_id: str, stage: str = "dev", **aws: str | float) -> Path:
    """A Baton profile whose [aws] table points at moto (extra [aws] keys as given)."""
    lines = [
        'name = "gwlogs"',
        'environment = "dev"',
        "[gateway]",
        f'url = "https://{api_id}.execute-api.{REGION}.amazonaws.com/{stage}/orders/42"',
        "[aws]",
        f'region = "{REGION}"',
        f'api_id = "{api_id}"',
        f'stage = "{stage}"',
        f'endpoint_url = "{moto_url}"',
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in aws.items()]
    path = folder / "gwlogs.toml"
    path.write_text("\n".join(lines) + "\n")
    return path
