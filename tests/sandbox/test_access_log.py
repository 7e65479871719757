"""The gateway's access log over real loopback HTTP: one JSON line per request, refusals too, no secret,
and a correlation value equal to the X-Correlation-Id IIS logged for the same request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sandboxkit import get_tokens

from console.sandbox import Sandbox, get_scenario, start_sandbox
from console.sandbox.gateway.logs import ACCESS_LOG_FORMAT

FIELDS = set(json.loads(ACCESS_LOG_FORMAT))
"""Every key of the documented $context format: each line has exactly these."""


def _access(sandbox: Sandbox) -> list[dict[str, str]]:
    text = sandbox.access_log_path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")  # whole lines only
    return [json.loads(line) for line in text.splitlines()]


def _iis(sandbox: Sandbox) -> dict[str, dict[str, str]]:
    """The W3C log's records, line -> {field: value} by the log's own #Fields line."""
    names: list[str] = []
    rows: dict[str, dict[str, str]] = {}
    for line in sandbox.iis_log_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#Fields: "):
            names = line.removeprefix("#Fields: ").split(" ")
        elif line and not line.startswith("#"):
            rows[line] = dict(zip(names, line.split(" "), strict=True))
    return rows


def _start(name: str, tmp_path: Path, **changes: object) -> Sandbox:
    scenario = get_scenario(name)
    if changes:
        scenario = replace(scenario, gateway=replace(scenario.gateway, **changes))  # type: ignore[arg-type]
    return start_sandbox(scenario, log_dir=tmp_path)


@pytest.fixture
def healthy(tmp_path: Path) -> Iterator[Sandbox]:
    with _start("healthy", tmp_path) as sandbox:
        yield sandbox


def _doc(sandbox: Sandbox) -> dict[str, object]:
    doc: dict[str, object] = httpx.get(f"{sandbox.urls.gateway}/__baton/scenario").json()
    return doc


def test_every_request_has_one_line_refusals_included(healthy: Sandbox) -> None:
    gateway = healthy.urls.gateway
    token = get_tokens(_doc(healthy))["access_token"]
    sent = [
        (httpx.get(f"{gateway}/prod/whoami", headers={"Authorization": token}), None),
        (httpx.get(f"{gateway}/prod/whoami"), "UNAUTHORIZED"),  # no token: the authorizer refuses
        (httpx.get(f"{gateway}/nope"), "MISSING_AUTHENTICATION_TOKEN"),  # no stage: refused before routing
        (httpx.post(f"{gateway}/prod/whoami", headers={"Authorization": "Bearer not-a-jwt"}), "UNAUTHORIZED"),
    ]
    httpx.get(f"{gateway}/__baton/requests")  # the sandbox's control plane is no API request: not logged
    lines = _access(healthy)
    assert len(lines) == len(sent)
    for line, (response, refusal) in zip(lines, sent, strict=True):
        assert set(line) == FIELDS
        assert line["status"] == str(response.status_code)
        assert line["requestId"] == response.headers["x-amzn-RequestId"]
        assert line["errorResponseType"] == (refusal or "-")
        assert line["responseLength"] == str(len(response.content))
    assert lines[0]["integrationStatus"] == "200" and lines[1]["integrationStatus"] == "-"
    assert lines[1]["errorMessage"] == "Unauthorized"  # $context.error.message: the message, not the JSON body
    assert lines[2]["path"] == "/nope" and lines[3]["httpMethod"] == "POST"


def test_the_log_path_is_exposed_beside_the_iis_log(healthy: Sandbox, tmp_path: Path) -> None:
    doc = _doc(healthy)
    assert healthy.access_log_path.parent == tmp_path / "apigateway"
    assert healthy.access_log_path.name.startswith("access_") and healthy.access_log_path.suffix == ".log"
    assert doc["gateway"]["access_log"] == str(healthy.access_log_path)  # type: ignore[index]
    assert doc["iis"]["log_path"] == str(healthy.iis_log_path)  # type: ignore[index]
    assert doc["iis"]["httperr_path"] == str(healthy.httperr_log_path)  # type: ignore[index]
    assert healthy.httperr_log_path == tmp_path / "HTTPERR" / "httperr1.log" and healthy.httperr_log_path.exists()


def test_no_token_or_api_key_in_the_access_log(tmp_path: Path) -> None:
    with _start("throttled", tmp_path) as sandbox:  # requires an API key; the burst is used up: 429
        doc = _doc(sandbox)
        tokens = get_tokens(doc)
        key = doc["client"]["api_key"]  # type: ignore[index]
        gateway = sandbox.urls.gateway
        throttled = httpx.get(
            f"{gateway}/prod/whoami", headers={"Authorization": tokens["access_token"], "x-api-key": key}
        )
        wrong_key = httpx.get(
            f"{gateway}/prod/whoami", headers={"Authorization": tokens["access_token"], "x-api-key": key[::-1]}
        )
        assert (throttled.status_code, wrong_key.status_code) == (429, 403)
        text = sandbox.access_log_path.read_text(encoding="utf-8")
        secrets = [tokens["access_token"], tokens["id_token"], key, key[::-1], sandbox.stage_variables["originSecret"]]
        for secret in secrets:
            assert secret not in text
            assert secret[-12:] not in text  # not even a tail of it
        assert [line["status"] for line in _access(sandbox)] == ["429", "403"]


def _one(sandbox: Sandbox, correlation: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Send one healthy request; its access-log line and its IIS line (by request id, not by correlation)."""
    tokens = get_tokens(_doc(sandbox))
    headers = {"Authorization": tokens["access_token"]}
    if correlation:
        headers["X-Correlation-Id"] = correlation
    response = httpx.get(f"{sandbox.urls.gateway}/prod/whoami", headers=headers)
    request_id = response.headers["x-amzn-RequestId"]
    line = next(a for a in _access(sandbox) if a["requestId"] == request_id)
    record = httpx.get(f"{sandbox.urls.gateway}/__baton/requests/{request_id}").json()
    return line, _iis(sandbox)[record["iis"]["log_line"]]  # IIS's own line for this request


@pytest.mark.parametrize("correlation", ["corr-7f3a", None])
def test_correlation_value_is_what_iis_logged(healthy: Sandbox, correlation: str | None) -> None:
    line, iis = _one(healthy, correlation)
    assert line["correlationId"] == iis["X-Correlation-Id"] == (correlation or "-")


def test_a_correlation_mapped_from_the_request_id_is_the_request_id(tmp_path: Path) -> None:
    # The real-AWS way to make both logs joinable (F21): map X-Correlation-Id from context.requestId.
    mapping = (*get_scenario("healthy").gateway.mapping, ("X-Correlation-Id", "context.requestId"))
    with _start("healthy", tmp_path, mapping=mapping) as sandbox:
        line, iis = _one(sandbox, "the-client-sent-this")
    assert line["correlationId"] == line["requestId"] == iis["X-Correlation-Id"]


def test_a_correlation_the_integration_drops_is_logged_as_absent(tmp_path: Path) -> None:
    # Non-proxy integration without a correlation mapping: IIS gets none, so the join key is "-" on both sides.
    with _start("correlation-id-dropped", tmp_path) as sandbox:
        line, iis = _one(sandbox, "corr-dropped-1")
    assert line["correlationId"] == iis["X-Correlation-Id"] == "-"
