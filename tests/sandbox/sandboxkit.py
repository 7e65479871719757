"""Test helpers for the sandbox: a client that acts as each scenario's client app, and polling."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.sandbox import Sandbox

TIMEOUT_MS = 300
"""Integration timeout used in tests (IIS then takes twice it)."""


@dataclass
class Observed:
    """What the client, the gateway's control plane and the IIS log showed for one scenario request."""

    sandbox: Sandbox
    doc: dict[str, Any]
    tokens: dict[str, Any]
    correlation_id: str
    warmups: list[httpx.Response]
    response: httpx.Response
    record: dict[str, Any]
    logs: dict[str, list[str]]
    secrets: list[str] = field(default_factory=list)

    def iis_log_lines(self) -> list[str]:
        """Record lines (not directives) of the W3C log."""
        text = self.sandbox.iis_log_path.read_text(encoding="utf-8")
        return [line for line in text.splitlines() if line and not line.startswith("#")]


def get_tokens(doc: dict[str, Any]) -> dict[str, Any]:
    """Tokens from the IdP the way the scenario's client app gets them."""
    client = doc["client"]
    form = {"grant_type": client["grant_type"], "scope": client["scope"]}
    if client["grant_type"] == "password":
        form.update(username=client["username"], password=client["password"])
    response = httpx.post(doc["token_url"], data=form, auth=(client["client_id"], client["client_secret"]))
    response.raise_for_status()
    tokens: dict[str, Any] = response.json()
    return tokens


def act(sandbox: Sandbox, correlation_id: str | None = None) -> Observed:
    """Act as the scenario's client: get a token, warm up, send the request, read the ground truth."""
    gateway = sandbox.urls.gateway
    doc = httpx.get(f"{gateway}/__baton/scenario").json()
    tokens = get_tokens(doc)
    client = doc["client"]
    correlation = correlation_id or f"corr-{uuid.uuid4()}"
    headers = {"Authorization": tokens[client["send"]], **client["headers"]}
    if client["api_key"]:
        headers["x-api-key"] = client["api_key"]
    base = gateway if client["request"]["target"] == "gateway" else sandbox.urls.iis
    with httpx.Client(base_url=base, timeout=30) as http:
        warmups = [
            http.get(path, headers={**headers, "X-Correlation-Id": f"{correlation}-w"}) for path in client["warmup"]
        ]
        response = http.request(
            client["request"]["method"], client["request"]["path"], headers={**headers, "X-Correlation-Id": correlation}
        )
    record = httpx.get(f"{gateway}/__baton/requests/{correlation}").json()
    logs = httpx.get(f"{gateway}/__baton/logs/{record['request_id']}").json()
    secrets = [
        t
        for t in (
            tokens.get("access_token"),
            tokens.get("id_token"),
            tokens.get("refresh_token"),
            client["client_secret"],
            client.get("password"),
            client["api_key"],
            sandbox.stage_variables["originSecret"],
        )
        if t
    ]
    return Observed(sandbox, doc, tokens, correlation, warmups, response, record, logs, secrets)


def wait_for(predicate: Callable[[], Any], seconds: float = 15.0) -> Any:
    """Poll until ``predicate()`` is truthy (a generous ceiling, never a timing assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)
