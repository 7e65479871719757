"""`baton trace` against bad peers and bad input: each gives its specific one-line message and exit code."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from loopback import free_port, not_http, peer, responder, self_signed_context, silent

from console.cli import main


def profile(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "target.toml"
    path.write_text(f'''name = "target"
description = "a gateway under test"
environment = "dev"

[gateway]
url = "{url}"
kind = "rest"
auth = "none"

[propagation]
headers = {{ "X-User-Sub" = "sub" }}
{extra}''')
    return str(path)


def trace(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["trace", "--no-color", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_refused_connection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    code, out, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"))
    assert code == 3
    assert one_line(err) == f"baton: gateway: connection refused by 127.0.0.1:{port} (nothing listening?)"
    assert "could not run" in out


def test_dns_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "api.baton-test.invalid":  # never ask a real resolver from a test
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    code, _, err = trace(capsys, "--profile", profile(tmp_path, "https://api.baton-test.invalid"))
    assert code == 3
    assert one_line(err) == "baton: gateway: DNS: cannot resolve api.baton-test.invalid"


def test_tls_failure_self_signed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with peer(responder(200, [], b"ok"), tls=self_signed_context(tmp_path)) as port:
        code, _, err = trace(capsys, "--profile", profile(tmp_path, f"https://localhost:{port}"))
    assert code == 3
    line = one_line(err)
    assert line.startswith(f"baton: gateway: TLS: the certificate of localhost:{port} is not trusted")
    assert "self-signed" in line or "self signed" in line


def test_timeout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with peer(silent) as port:
        code, _, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), "--timeout", "0.5")
    assert code == 3
    expected = f"baton: gateway: timed out waiting for an answer from 127.0.0.1:{port} after 0.5 s"
    assert one_line(err).startswith(expected)


def test_non_http_peer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with peer(not_http) as port:
        code, _, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), "--timeout", "2")
    assert code == 3
    assert one_line(err) == (
        f"baton: gateway: 127.0.0.1:{port} did not answer with HTTP (is this the right port and scheme?)"
    )


def test_ten_megabyte_body_is_capped_and_judged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = b"x" * (10 * 1024 * 1024)
    with peer(responder(200, [("Server", "Microsoft-IIS/10.0")], body)) as port:
        code, out, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), "--json")
    doc = json.loads(out)
    assert code == 1 and err == ""
    assert doc["response"]["status"] == 200
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed"
    assert "echo_path" in doc["verdict"]["missing_evidence"]
    assert len(out) < 200_000  # the body is not copied into the document


def test_invalid_profile_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[gateway\nurl = "http://x"\n')
    code, _, err = trace(capsys, "--profile", str(bad))
    assert code == 2
    assert f"{bad}:2" in err and "Traceback" not in err


def test_missing_secret_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BATON_TEST_MISSING_SECRET", raising=False)
    extra = """
[identity]
flow = "client_credentials"
token_url = "http://127.0.0.1:9/oauth2/token"
client_id = "abc"
client_secret = "env:BATON_TEST_MISSING_SECRET"
"""
    path = profile(tmp_path, "http://127.0.0.1:9", extra)
    code, _, err = trace(capsys, "--profile", path)
    assert code == 2
    assert "BATON_TEST_MISSING_SECRET" in one_line(err)


def test_bad_header_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = trace(capsys, "--profile", profile(tmp_path, "http://127.0.0.1:9"), "--header", "no colon here")
    assert code == 2 and "is not NAME:VALUE" in one_line(err)


def test_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = trace(capsys, "--scenario", "no-such-scenario")
    assert code == 2 and "unknown scenario 'no-such-scenario'" in one_line(err)
