"""The hosted domain's /oauth2/token is the client_credentials flow: checked against a loopback endpoint that answers
as Cognito's does (form post, client secret, scopes), and its error bodies (``{"error":"invalid_client"}``) shown
as one inert line with no secret in it."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from console.config.load import load_profile
from console.model.trace import HopName, TraceRequest
from console.session import Session

CLIENT_ID = "hostedclient0123456789abcd"
SECRET = "hosted-client-secret-never-printed-0123456789"  # a loopback test value


def _jwt(claims: dict[str, Any]) -> str:
    def part(doc: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


class TokenEndpoint:
    """Answers like Cognito's /oauth2/token; ``error`` makes it refuse with that OAuth error body."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.forms: list[dict[str, list[str]]] = []
        self.url = ""

    def answer(self, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        form = parse_qs(body.decode())
        self.forms.append(form)
        if self.error is not None:
            return 400, {"error": self.error}
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return 400, {"error": "invalid_request"}
        if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [SECRET]:
            return 400, {"error": "invalid_client"}
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        claims = {"sub": CLIENT_ID, "client_id": CLIENT_ID, "token_use": "access", "scope": "orders/read"}
        return 200, {"access_token": _jwt(claims), "expires_in": 3600, "token_type": "Bearer"}


@pytest.fixture
def endpoint() -> Iterator[TokenEndpoint]:
    state = TokenEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status, doc = state.answer(self.headers.get("content-type", ""), body)
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json;charset=UTF-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def _trace(folder: Path, endpoint: TokenEndpoint, gateway: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BATON_TEST_HOSTED_SECRET", SECRET)
    path = folder / "hosted.toml"
    path.write_text(
        'name = "hosted"\nenvironment = "dev"\n'
        f'[gateway]\nurl = "{gateway}/staging/orders"\nauth = "cognito"\n'
        '[identity]\nflow = "client_credentials"\n'
        f'token_url = "{endpoint.url}/oauth2/token"\nclient_id = "{CLIENT_ID}"\n'
        'client_secret = "env:BATON_TEST_HOSTED_SECRET"\nscopes = ["orders/read"]\ntoken_use = "access"\n',
        encoding="utf-8",
    )
    session = Session(load_profile(str(path)))
    try:
        return session.trace(TraceRequest())
    finally:
        session.close()


def test_client_credentials_at_a_cognito_like_token_endpoint(
    endpoint: TokenEndpoint, closed_port_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = _trace(tmp_path, endpoint, closed_port_url, monkeypatch)
    assert endpoint.forms[-1]["scope"] == ["orders/read"]
    assert trace.token is not None and trace.token.token.claims["token_use"] == "access"
    client = next(h for h in trace.hops if h.name is HopName.CLIENT)
    assert any("client credentials grant at" in line and "/oauth2/token" in line for line in client.evidence)
    assert SECRET not in repr(trace)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("invalid_client", "the token endpoint answered 400 invalid_client"),
        (
            "invalid_client\x1b[2J\x1b]8;;http://evil.example\x07\u202e",
            "the token endpoint answered 400 invalid_client",
        ),
        (f"invalid_client {SECRET}", "the token endpoint answered 400 invalid_client <redacted secret"),
    ],
)
def test_cognito_error_bodies_are_one_inert_line(
    endpoint: TokenEndpoint,
    closed_port_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
    shown: str,
) -> None:
    endpoint.error = error
    trace = _trace(tmp_path, endpoint, closed_port_url, monkeypatch)
    assert trace.error is not None and shown in trace.error
    assert "\x1b" not in trace.error and "\x07" not in trace.error and "\u202e" not in trace.error
    assert "\n" not in trace.error and SECRET not in trace.error
