"""A profile pointing at a gateway Baton has no access to: the verdict comes from the response (and an echo)."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from loopback import peer, read_request, responder

from console.cli import main


def unsigned_jwt(sub: str) -> str:
    def b64(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256', 'kid': 'k1'})}.{b64({'sub': sub, 'exp': 4102444800})}.c2lnbmF0dXJl"


def profile(tmp_path: Path, port: int, *, echo: bool = False) -> str:
    path = tmp_path / "real.toml"
    path.write_text(
        f"""name = "real"
description = "a gateway we only see from outside"
environment = "staging"

[gateway]
url = "http://127.0.0.1:{port}/prod"
kind = "rest"
auth = "lambda"

[identity]
flow = "static"
token = "env:BATON_TEST_TOKEN"

[propagation]
headers = {{ "X-User-Sub" = "sub" }}
"""
        + ('\n[iis]\necho_path = "/whoami"\n' if echo else "")
    )
    return str(path)


def trace_json(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, dict[str, object]]:
    code = main(["trace", "--profile", path, "--json"])
    return code, json.loads(capsys.readouterr().out)


RECORDED = {
    "authorizer-401": (
        401,
        [("x-amzn-ErrorType", "UnauthorizedException"), ("x-amzn-RequestId", "1b2c")],
        b'{"message":"Unauthorized"}',
        "authorizer",
        "authorizer.unauthorized",
    ),
    "explicit-deny": (
        403,
        [("x-amzn-ErrorType", "AccessDeniedException"), ("x-amzn-RequestId", "1b2c")],
        b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
        "authorizer",
        "authorizer.explicit_deny",
    ),
    "iis-negotiate": (
        401,
        [
            ("x-amzn-Remapped-WWW-Authenticate", "Negotiate"),
            ("x-amzn-Remapped-Server", "Microsoft-IIS/10.0"),
            ("x-amzn-RequestId", "1b2c"),
        ],
        b"401 - Unauthorized: Access is denied due to invalid credentials.",
        "iis",
        "iis.windows_auth_challenge",
    ),
    "http-sys-400": (
        400,
        [("x-amzn-Remapped-Server", "Microsoft-HTTPAPI/2.0"), ("x-amzn-RequestId", "1b2c")],
        b"<h2>Bad Request - Request Too Long</h2><hr><p>HTTP Error 400. The size of the request headers "
        b"is too long.</p>",
        "iis",
        "iis.request_header_too_large",
    ),
    "timeout-504": (
        504,
        [("x-amzn-ErrorType", "InternalServerErrorException"), ("x-amzn-RequestId", "1b2c")],
        b'{"message": "Endpoint request timed out"}',
        "integration",
        "gateway.integration_timeout",
    ),
}


@pytest.mark.parametrize("name", list(RECORDED))
def test_recorded_response_gives_the_verdict(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, headers, body, hop, code = RECORDED[name]
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(responder(status, headers, body)) as port:
        exit_code, doc = trace_json(capsys, profile(tmp_path, port))
    verdict = doc["verdict"]
    assert exit_code == 1
    assert (verdict["broken_at"], verdict["finding"]) == (hop, code), verdict  # type: ignore[index]


def echo(user: str, sub_header: str | None) -> Callable[[socket.socket], None]:
    """An IIS echo endpoint: returns the headers it received, with the correlation id it was sent."""

    def handle(conn: socket.socket) -> None:
        request = read_request(conn).decode("latin-1")
        headers = dict(line.split(": ", 1) for line in request.split("\r\n")[1:] if ": " in line)
        echoed = {k.lower(): v for k, v in headers.items()}
        if sub_header is not None:
            echoed["x-user-sub"] = sub_header
        body = json.dumps({"headers": echoed, "user": user, "auth_type": "TrustedHeader"}).encode()
        responder(
            200,
            [
                ("Content-Type", "application/json"),
                ("x-amzn-Remapped-Server", "Microsoft-IIS/10.0"),
                ("x-amzn-RequestId", "1b2c"),
            ],
            body,
        )(_Replay(conn))

    return handle


class _Replay:
    """Lets a responder answer on a connection whose request was already read."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def recv(self, _size: int) -> bytes:
        return b"\r\n\r\n"

    def sendall(self, data: bytes) -> None:
        self.conn.sendall(data)


def test_echo_confirms_the_identity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(echo("alice", "alice")) as port:
        exit_code, doc = trace_json(capsys, profile(tmp_path, port, echo=True))
    assert exit_code == 0, doc["verdict"]
    assert doc["verdict"]["ok"] is True  # type: ignore[index]


def test_echo_with_another_identity_is_a_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(echo("mallory", "mallory")) as port:
        exit_code, doc = trace_json(capsys, profile(tmp_path, port, echo=True))
    assert exit_code == 1
    assert doc["verdict"]["finding"] == "integration.identity_altered"  # type: ignore[index]


def test_no_echo_means_unconfirmed_not_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(responder(200, [("x-amzn-Remapped-Server", "Microsoft-IIS/10.0")], b"<html>ok</html>")) as port:
        exit_code, doc = trace_json(capsys, profile(tmp_path, port))
    assert exit_code == 1
    verdict = doc["verdict"]
    assert verdict["finding"] == "trace.identity_unconfirmed" and verdict["broken_at"] is None  # type: ignore[index]
    assert "echo_path" in verdict["missing_evidence"]  # type: ignore[index]
    assert [h["status"] for h in doc["hops"]][-1] == "unknown"  # type: ignore[index]
