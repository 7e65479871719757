"""JWKS over HTTP: fetched from real loopback servers; redirects, schemes, sizes and failures are refused clearly."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jwtkit import Keys, access_claims, sign

from console.engine.tokens import MAX_TOKEN_BYTES, fetch_jwks, inspect_token
from console.engine.tokens.keys import MAX_JWKS_BYTES
from console.errors import KeyLoadError
from console.model import SignatureStatus


@contextmanager
def serve(status: int, body: bytes, headers: dict[str, str] | None = None) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def test_a_jwks_url_verifies_a_token(keys: Keys) -> None:
    doc = json.dumps({"keys": [keys.jwk(keys.rsa, "k1", "RS256"), keys.jwk(keys.ec256, "k2", "ES256")]}).encode()
    with serve(200, doc, {"Content-Type": "application/json"}) as url:
        keyset = fetch_jwks(url)
    assert keyset.kids() == ["k1", "k2"]
    text = sign({"alg": "RS256", "kid": "k1"}, access_claims(), keys.rsa, "RS256")
    assert inspect_token(text, keys=keyset).signature.status is SignatureStatus.VALID


def test_redirects_are_not_followed() -> None:
    with (
        serve(302, b"", {"Location": "https://evil.example/jwks.json"}) as url,
        pytest.raises(KeyLoadError, match=r"302 redirect to https://evil\.example/jwks\.json"),
    ):
        fetch_jwks(url)


def test_errors_and_oversized_bodies_are_refused() -> None:
    with serve(500, b"oops") as url, pytest.raises(KeyLoadError, match="answered HTTP 500"):
        fetch_jwks(url)
    with (
        serve(200, b"{" + b" " * (MAX_JWKS_BYTES + 10) + b"}") as url,
        pytest.raises(KeyLoadError, match="larger than 1,048,576 bytes"),
    ):
        fetch_jwks(url)
    with serve(200, b"<html>not json</html>") as url, pytest.raises(KeyLoadError, match="is not JSON"):
        fetch_jwks(url)


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(KeyLoadError, match="only http"):
        fetch_jwks("file:///etc/passwd")


def test_nothing_listening_is_named() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(KeyLoadError, match=f"127.0.0.1:{port}.*could not be fetched"):
        fetch_jwks(f"http://127.0.0.1:{port}/jwks.json")


def test_decode_cli_with_a_sandbox_jwks_url(capsys: pytest.CaptureFixture[str]) -> None:
    import httpx

    from console.cli import main
    from console.sandbox import start_sandbox

    with start_sandbox("healthy") as sandbox, httpx.Client() as client:
        doc = client.get(f"{sandbox.urls.gateway}/__baton/scenario").json()
        c = doc["client"]
        form = {
            "grant_type": "password",
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "scope": c["scope"],
            "username": c["username"],
            "password": c["password"],
        }
        token = client.post(doc["token_url"], data=form).json()["access_token"]
        code = main(
            [
                "decode",
                token,
                "--jwks",
                doc["jwks_url"],
                "--issuer",
                doc["idp_issuer"],
                "--token-use",
                "access",
                "--json",
            ]
        )
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out["findings"]
    assert out["signature"]["status"] == "valid" and len(token) < MAX_TOKEN_BYTES
