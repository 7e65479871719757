"""Each scheme's transport is built on first use: plain http never reads the CA bundle; https still verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from loopback import peer, responder, self_signed_context

from console.engine.transport import make_client, send
from console.errors import TraceError


@pytest.fixture
def ssl_contexts_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every TLS context built with the CA bundle (httpx.create_ssl_context is what reads it)."""
    built: list[Any] = []
    real = httpx.create_ssl_context

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs.get("verify", args[0] if args else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    return built


def test_plain_http_never_reads_the_ca_bundle(ssl_contexts_built: list[Any]) -> None:
    with peer(responder(200, [], b"ok")) as port, make_client(5.0) as client:
        snapshot = send(client, "GET", f"http://127.0.0.1:{port}/", [])
        assert snapshot.status == 200
        assert send(client, "GET", f"http://127.0.0.1:{port}/", []).status == 200
    assert ssl_contexts_built == []


def test_https_is_verified_with_the_ca_bundle_when_first_used(tmp_path: Path, ssl_contexts_built: list[Any]) -> None:
    with peer(responder(200, [], b"ok"), tls=self_signed_context(tmp_path)) as port, make_client(5.0) as client:
        for _ in range(2):
            with pytest.raises(TraceError, match="not trusted"):
                send(client, "GET", f"https://localhost:{port}/", [])
    assert ssl_contexts_built == [True]  # built once, verifying, and reused


def test_the_plain_http_transport_could_never_complete_a_tls_handshake() -> None:
    from console.engine.transport import _no_tls

    context = _no_tls()
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname
    assert context.get_ca_certs() == []
