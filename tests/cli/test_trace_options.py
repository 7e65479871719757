"""Seconds options that are almost right are refused before anything starts (exit 2, one clear line)."""

from __future__ import annotations

import socket

import pytest

from console.cli import build_parser, main
from console.engine.transport import make_client, send


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


@pytest.mark.parametrize("command", ["trace", "token"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_timeout_must_be_positive_and_finite(command: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """nan and inf passed the old `<= 0` check and turned the per-hop deadline off (`token` let nan through)."""
    err = _refused([command, f"--timeout={value}"], capsys)
    assert "--timeout" in err and "positive, finite" in err


@pytest.mark.parametrize("command", ["trace", "token"])
@pytest.mark.parametrize("value", ["1e20", "99999999999999999999", "1e300", "3601"])
def test_a_huge_timeout_is_refused_with_its_limit(command: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """1e20 reached sock.settimeout and crashed with OverflowError (a traceback, exit 1 = "break found")."""
    err = _refused([command, f"--timeout={value}"], capsys)
    assert f"--timeout: '{value}' is too large: give at most 3600 seconds (1 hour)" in err


@pytest.mark.parametrize("command", ["trace", "token"])
def test_an_hour_is_still_a_timeout(command: str) -> None:
    args = build_parser(only=command).parse_args([command, "--timeout", "3600"])
    assert args.timeout == 3600.0


def test_the_engine_survives_a_client_with_a_huge_timeout() -> None:
    """Whatever a caller builds its client with, no socket gets a timeout the OS cannot hold."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def answer() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        conn.close()

    import threading

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        with make_client(1e20) as client:
            snapshot = send(client, "GET", f"http://127.0.0.1:{server.getsockname()[1]}/", [])
    finally:
        thread.join(5)
        server.close()
    assert snapshot.status == 204
