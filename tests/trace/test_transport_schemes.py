"""Each scheme's transport is built on first use: plain http never reads the CA bundle; https still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import peer, responder, self_signed_context

from console.engine.transport import make_client, send
from console.errors import TraceError


def test_plain_http_builds_only_the_http_transport() -> None:
    with peer(responder(200, [], b"ok")) as port, make_client(5.0) as client:
        snapshot = send(client, "GET", f"http://127.0.0.1:{port}/", [])
        assert snapshot.status == 200
        assert set(client._transport._transports) == {"http"}  # type: ignore[attr-defined]


def test_https_is_verified_with_the_ca_bundle_when_first_used(tmp_path: Path) -> None:
    with peer(responder(200, [], b"ok"), tls=self_signed_context(tmp_path)) as port, make_client(5.0) as client:
        with pytest.raises(TraceError, match="not trusted"):
            send(client, "GET", f"https://localhost:{port}/", [])
        assert "https" in client._transport._transports  # type: ignore[attr-defined]


def test_the_plain_http_transport_could_never_complete_a_tls_handshake() -> None:
    from console.engine.transport import _no_tls

    context = _no_tls()
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname
    assert context.get_ca_certs() == []
