"""Peers that answer HTTP in ways Baton must name: redirects (kept for the diagnosis, never followed), a malformed
header (not "did not answer with HTTP"), a token endpoint that redirects (not "check client_id")."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from loopback import peer, read_request, responder

from console.cli import main
from console.engine.transport import make_client, send
from console.errors import TraceError, UsageError


def raw(answer: bytes):  # type: ignore[no-untyped-def]
    def handle(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(answer)

    return handle


def profile(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "answers.toml"
    path.write_text(
        f'environment = "dev"\n[gateway]\nurl = "{url}"\nkind = "http"\nauth = "none"\n'
        f'[propagation]\nheaders = {{ "X-User-Id" = "sub" }}\n{extra}',
        encoding="utf-8",
    )
    return str(path)


def trace(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["trace", "--no-color", "--timeout", "5", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_redirect_is_kept_with_its_status_and_location() -> None:
    location = ("Location", "https://api.example.com/prod/orders")
    with peer(responder(307, [location], b"")) as port, make_client(5.0) as client:
        snapshot = send(client, "GET", f"http://127.0.0.1:{port}/orders", [])
    assert snapshot.status == 307
    assert snapshot.header("location") == "https://api.example.com/prod/orders"


def test_a_redirect_whose_location_holds_escapes_is_still_an_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """httpx refuses such a Location before handing the response over; it used to read "did not answer with HTTP"."""
    location = "http://localhost/x\x1b[2J\x07"
    answer = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with peer(raw(answer.encode())) as port:
        code, out, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}/gw"), "--json")
        _code, text, text_err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}/gw"))
    assert code != 3 and "did not answer with HTTP" not in err
    doc = json.loads(out)
    assert doc["response"]["status"] == 302
    assert ["location", location] in doc["response"]["headers"]  # kept for the diagnosis to name (inert on screen)
    assert "\x1b" not in text + text_err and "\x07" not in text + text_err


@pytest.mark.parametrize(
    "answer,reason",
    [
        (b"HTTP/1.1 200 OK\r\nBad Header Line\r\nContent-Length: 0\r\n\r\n", "answered HTTP with a malformed header"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "answered HTTP with a malformed body framing"),
        (b"", "did not answer with HTTP"),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "did not answer with HTTP (is this the right port and scheme?)"),
    ],
)
def test_a_malformed_answer_is_named_for_what_it_is(answer: bytes, reason: str) -> None:
    with peer(raw(answer)) as port, make_client(5.0) as client, pytest.raises(TraceError) as info:
        send(client, "GET", f"http://127.0.0.1:{port}/", [])
    assert reason in info.value.one_line()
    assert "Bad Header Line" not in info.value.one_line()  # the peer's bytes are not quoted


def test_a_request_http_cannot_carry_is_a_usage_error_not_the_peers_fault() -> None:
    """h11 refuses it locally: nothing reached the peer, so it is not "did not answer with HTTP" (exit 3)."""
    with peer(responder(200, [], b"")) as port, make_client(5.0) as client, pytest.raises(UsageError) as info:
        send(client, "GET", f"http://127.0.0.1:{port}/", [("X-B", "a\r\nX-Injected: 1")])
    assert "is not valid HTTP" in info.value.one_line() and "X-Injected" not in info.value.one_line()


def test_a_token_endpoint_that_redirects_is_named_a_redirect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_CLIENT_SECRET", "s3cret-for-redirect-test")
    final = "https://idp.example.com/oauth2/token"
    with peer(responder(302, [("Location", final)], b"")) as port:
        extra = (
            f'[identity]\nflow = "client_credentials"\ntoken_url = "http://127.0.0.1:{port}/oauth2/token"\n'
            'client_id = "abc"\nclient_secret = "env:BATON_TEST_CLIENT_SECRET"\n'
        )
        code, _out, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}/gw", extra))
    assert code == 3
    assert f"answered 302, a redirect to {final}; Baton does not follow token endpoint redirects" in err
    assert "token_url to the final URL" in err and "check client_id" not in err
