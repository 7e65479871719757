"""QA round 3: a client-sent identity header, a forgery IIS took, contradictory echoes are never ✓."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from loopback import peer, read_request
from sandboxes import Sandboxes
from test_diag_verdict import Answer, answering, codes, echo, hop, jwt, run, write_profile

from console.model.trace import TraceRequest


def _token(monkeypatch: pytest.MonkeyPatch, **claims: Any) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800, **claims}))


def _not_ok(code: int, doc: dict[str, Any]) -> None:
    assert code == 1 and doc["verdict"]["ok"] is False, doc["verdict"]


def passthru(request: dict[str, str]) -> dict[str, Any]:
    """No mapping at all: IIS gets whatever X-User-Id the client sent, and trusts it."""
    got = request.get("X-User-Id")
    headers = {"X-Correlation-Id": request.get("X-Correlation-Id", "-"), **({"X-User-Id": got} if got else {})}
    return {"headers": headers, "user": got}


def test_the_clients_own_identity_header_does_not_prove_the_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    with peer(answering(echo(passthru))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port), "--header", "X-User-Id: alice")
    _not_ok(code, doc)
    assert "client.identity_header_sent" in codes(doc), doc["findings"]
    sent = next(f for f in doc["findings"] if f["code"] == "client.identity_header_sent")
    assert "X-User-Id" in sent["detail"] and "gateway must set it" in sent["fix"], sent
    assert hop(doc, "integration")["status"] != "ok", hop(doc, "integration")
    assert "intact" not in doc["verdict"]["summary"]


def test_without_the_clients_header_the_unmapped_integration_is_still_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    with peer(answering(echo(passthru))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    _not_ok(code, doc)
    assert doc["verdict"]["broken_at"] == "integration", doc["verdict"]
    assert "client.identity_header_sent" not in codes(doc)


def _iis_taking(user_of: Any, content_type: str = "application/json") -> Answer:
    """A directly reachable IIS that resolves whatever X-User-Id it is sent (``user_of`` shapes the name)."""

    def answer(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        forged = request.get("X-User-Id", "")
        body = {"headers": {"X-User-Id": forged}, "user": user_of(forged)}
        return 200, [("Content-Type", content_type)], json.dumps(body).encode()

    return answer


def _honest(request: dict[str, str]) -> dict[str, Any]:
    return {
        "headers": {"X-User-Id": "alice", "X-Correlation-Id": request.get("X-Correlation-Id", "-")},
        "user": "alice",
    }


@pytest.mark.parametrize(
    ("user_of", "content_type"),
    [
        (lambda forged: f"CORP\\{forged}", "application/json"),
        (lambda forged: forged, "text/json"),
        (lambda forged: forged, "application/problem+json; charset=utf-8"),
        (lambda forged: f"{forged}@corp.example", "application/json"),
    ],
)
def test_an_iis_that_took_the_forged_header_is_spoofable(
    user_of: Any,
    content_type: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _token(monkeypatch)
    with peer(answering(echo(_honest))) as port, peer(answering(_iis_taking(user_of, content_type))) as iis_port:
        code, doc = run(capsys, write_profile(tmp_path, port, iis_url=f"http://127.0.0.1:{iis_port}"))
    _not_ok(code, doc)
    assert doc["verdict"]["finding"] == "iis.spoofable_identity_header", doc["verdict"]


def test_an_echo_with_two_headers_objects_is_ambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)

    def body(request: dict[str, str]) -> str:
        cid = request.get("X-Correlation-Id", "-")
        first = json.dumps({"X-User-Id": "mallory", "X-Correlation-Id": cid})
        second = json.dumps({"X-User-Id": "alice", "X-Correlation-Id": cid})
        return f'{{"headers": {first}, "headers": {second}, "user": "alice"}}'

    with peer(answering(echo(body))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    _not_ok(code, doc)
    assert "iis.identity_ambiguous" in codes(doc), doc["findings"]
    assert "mallory" in doc["verdict"]["summary"], doc["verdict"]


@pytest.mark.parametrize(
    "variables",
    [
        {"AUTH_USER": "CORP\\mallory"},
        {"LOGON_USER": "mallory", "REMOTE_USER": "mallory"},
        {"HTTP_X_USER_ID": "mallory"},
    ],
)
def test_server_variables_naming_another_user_contradict_the_echo(
    variables: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    with peer(answering(echo(lambda r: {**_honest(r), "server_variables": variables}))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    _not_ok(code, doc)
    assert "iis.identity_ambiguous" in codes(doc), doc["findings"]
    name, value = next(iter(variables.items()))
    assert name in doc["verdict"]["summary"] and value in doc["verdict"]["summary"], doc["verdict"]


def test_server_variables_that_agree_with_the_echo_keep_it_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    agree = {"AUTH_USER": "CORP\\alice", "LOGON_USER": "", "HTTP_X_USER_ID": "alice"}
    with peer(answering(echo(lambda r: {**_honest(r), "server_variables": agree}))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 0 and doc["verdict"]["ok"] is True, doc["verdict"]


def test_an_identity_header_arriving_only_with_underscores_is_not_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    underscore = echo(
        lambda r: {
            "headers": {"X_User_Id": "alice", "X-Correlation-Id": r.get("X-Correlation-Id", "-")},
            "user": "alice",
        }
    )
    with peer(answering(underscore)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    _not_ok(code, doc)
    assert "iis.header_name_underscore" in codes(doc), doc["findings"]
    assert "X_User_Id" in doc["verdict"]["summary"], doc["verdict"]


def test_both_spellings_of_the_identity_header_with_different_values_are_ambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """X-User-Id: alice beside X_User_Id: mallory gave ✓ when the echo listed headers only (no server variables)."""
    _token(monkeypatch)
    twins = echo(
        lambda r: {
            "headers": {
                "X-User-Id": "alice",
                "X_User_Id": "mallory",
                "X-Correlation-Id": r.get("X-Correlation-Id", "-"),
            },
            "user": "alice",
        }
    )
    with peer(answering(twins)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    _not_ok(code, doc)
    assert "iis.identity_ambiguous" in codes(doc), doc["findings"]


def test_a_given_authorization_replaces_the_profiles_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)  # the profile's token is alice's
    mallory = jwt({"sub": "mallory", "exp": 4102444800})
    seen: list[list[str]] = []

    def handle(conn: socket.socket) -> None:
        lines = read_request(conn).decode("latin-1").split("\r\n\r\n", 1)[0].split("\r\n")[1:]
        auth = [line.split(": ", 1)[1] for line in lines if line.lower().startswith("authorization: ")]
        cid = next((line.split(": ", 1)[1] for line in lines if line.startswith("X-Correlation-Id: ")), "-")
        seen.append(auth)
        # The gateway maps the sub of the LAST credential: two on the wire would let it pick either user.
        sub = json.loads(base64.urlsafe_b64decode(auth[-1].split(".")[1] + "==")).get("sub") if auth else None
        body = json.dumps({"headers": {"X-User-Id": sub, "X-Correlation-Id": cid}, "user": sub}).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        conn.sendall(f"{head}Connection: close\r\n\r\n".encode() + body)

    with peer(handle) as port:
        code, doc = run(capsys, write_profile(tmp_path, port), "--header", f"Authorization: Bearer {mallory}")
    assert seen and all(len(auth) == 1 for auth in seen), seen
    assert code == 0 and doc["verdict"]["ok"] is True, doc["verdict"]
    assert "mallory" in doc["verdict"]["summary"]
    assert any("replaces the profile's token" in line for line in hop(doc, "client")["evidence"]), hop(doc, "client")


def test_a_preflight_answered_by_the_gateway_does_not_pass_the_authorizer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    cors = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET,OPTIONS"),
        ("apigw-requestid", "abc123="),
    ]
    with peer(answering(lambda _r: (204, cors, b""))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port), "--method", "OPTIONS")
    _not_ok(code, doc)
    authorizer = hop(doc, "authorizer")
    assert authorizer["status"] == "unknown", authorizer
    assert any("preflight" in line for line in authorizer["evidence"]), authorizer
    assert "OPTIONS" in doc["verdict"]["fix"], doc["verdict"]


def test_claims_are_compared_as_the_gateway_renders_them_and_empty_is_not_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch, tenant_id=42, admin=True, roles=["a", "b"], email="")

    def mapped(request: dict[str, str]) -> dict[str, Any]:
        # An HTTP API JWT authorizer's mapping: true, 42, arrays as [a b], the empty claim empty.
        headers = {"X-User-Id": "alice", "X-Tenant": "42", "X-Admin": "true", "X-Roles": "[a b]", "X-Email": ""}
        return {"headers": {**headers, "X-Correlation-Id": request.get("X-Correlation-Id", "-")}, "user": "alice"}

    propagation = (
        '{ "X-User-Id" = "sub", "X-Tenant" = "tenant_id", "X-Admin" = "admin", "X-Roles" = "roles", '
        '"X-Email" = "email" }'
    )
    with peer(answering(echo(mapped))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, propagation=propagation))
    _not_ok(code, doc)  # the empty email is a break at the client, said as empty
    assert "integration.identity_altered" not in codes(doc), doc["findings"]
    missing = next(f for f in doc["findings"] if f["code"] == "token.claim_missing")
    assert "empty string" in missing["detail"] and "no email claim" not in missing["detail"], missing
    shown = json.dumps(doc)
    assert "True" not in shown and "['a'" not in shown, [f["detail"] for f in doc["findings"]]


def test_an_echo_without_a_server_header_still_fills_iis_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)

    def bare(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        # IIS with removeServerHeader (or a proxy stripping it): the echo alone shows IIS's answer.
        return 200, [("Content-Type", "application/json")], json.dumps(_honest(request)).encode()

    with peer(answering(bare)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 0 and doc["verdict"]["ok"] is True, doc["verdict"]
    assert doc["iis"] is not None and doc["iis"]["user"] == "alice" and doc["iis"]["status"] == 200, doc["iis"]


def test_the_sandboxes_unmapped_header_sent_by_the_client_is_not_intact(sandboxes: Sandboxes) -> None:
    first = sandboxes.trace("claims-header-unmapped")
    assert first.token is not None
    sub = str(first.token.token.claims["sub"])
    header = next(h for h, claim in sandboxes.target("claims-header-unmapped").propagation if claim == "sub")
    trace = sandboxes.trace("claims-header-unmapped", TraceRequest(headers=((header, sub),)))
    assert not trace.verdict.ok, trace.verdict
    assert "client.identity_header_sent" in [f.code for f in trace.findings], trace.findings


@pytest.mark.parametrize("path", ["/a%2Fb", "/42.", "/42%2e"])
def test_an_echo_reporting_the_path_as_iis_normalises_it_is_this_requests(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    iis_form = "/dev/orders" + path.replace("%2F", "/").replace("%2e", ".").rstrip(".")
    with peer(answering(echo(lambda r: {**_honest(r), "path": iis_form, "method": "GET"}))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port), "--path", path)
    assert code == 0 and doc["verdict"]["ok"] is True, doc["verdict"]


def test_head_is_told_to_trace_with_get(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    with peer(answering(lambda _r: (200, [("Content-Type", "application/json")], b""))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port), "--method", "HEAD")
    _not_ok(code, doc)
    assert "trace with GET" in doc["verdict"]["fix"] and "check that echo_path" not in doc["verdict"]["fix"]


def test_a_customised_200_gateway_refusal_says_the_status_that_came_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _token(monkeypatch)
    refusal = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "UnauthorizedException")]
    with peer(answering(lambda _r: (200, refusal, b'{"message":"Unauthorized"}'))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, kind="rest"))
    _not_ok(code, doc)
    assert "answered 200 with x-amzn-ErrorType UnauthorizedException" in doc["verdict"]["summary"], doc["verdict"]
