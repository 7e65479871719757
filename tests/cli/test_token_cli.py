"""`baton token`: the token a trace would send on stdout alone; never onto a terminal without --reveal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from console.cli import main

BATON = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]
STATIC = """\
environment = "dev"
[gateway]
url = "https://api.example.com/dev/orders"
auth = "jwt"
[identity]
flow = "static"
token = "env:BATON_TEST_STATIC_TOKEN"
"""


def test_sandbox_token_is_the_only_thing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token"]) == 0  # starts the real sandbox, acquires as its client does, stops it
    out, err = capsys.readouterr()
    assert out.endswith("\n") and out.count("\n") == 1
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert claims["iss"].startswith("http://127.0.0.1:") and claims["token_use"] == "access"
    assert "profile 'sandbox' (scenario healthy): password grant at http://127.0.0.1:" in err
    assert out.strip() not in err


def test_static_token_of_a_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inv.toml").write_text(STATIC, encoding="utf-8")
    monkeypatch.setenv("BATON_TEST_STATIC_TOKEN", "eyJ-example.static.token")
    assert main(["token", "--profile", str(tmp_path / "inv.toml")]) == 0
    out, err = capsys.readouterr()
    assert out == "eyJ-example.static.token\n"
    assert "static token from env:BATON_TEST_STATIC_TOKEN" in err and "eyJ-example" not in err


def test_profile_without_a_token_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "open.toml").write_text('environment = "dev"\n[gateway]\nurl = "https://h/dev/x"\n', "utf-8")
    assert main(["token", "--profile", str(tmp_path / "open.toml")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "profile 'open' has no token to print: auth = none" in err


def test_scenario_with_a_real_profile_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--profile", "rest-cognito", "--scenario", "healthy"]) == 2
    assert "points at a real gateway" in capsys.readouterr().err


def _on_a_terminal(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run baton with stdout on a pseudo-terminal: (exit code, what reached the terminal, stderr)."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [*BATON, *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    return proc.returncode, seen.decode(), proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX")
def test_refuses_a_terminal_unless_revealed(tmp_path: Path) -> None:
    (tmp_path / "inv.toml").write_text(STATIC, encoding="utf-8")
    env = {**os.environ, "BATON_TEST_STATIC_TOKEN": "eyJ-on-screen.static.token"}
    code, screen, err = _on_a_terminal("token", "--profile", str(tmp_path / "inv.toml"), env=env)
    assert code == 2 and screen == ""
    assert err == (
        "baton: refusing to print a token to a terminal — capture it (export TOKEN=$(baton token --profile "
        f"{tmp_path / 'inv.toml'})) or pass --reveal to show it here\n"
    )
    code, screen, _ = _on_a_terminal("token", "--profile", str(tmp_path / "inv.toml"), "--reveal", env=env)
    assert code == 0 and screen.strip() == "eyJ-on-screen.static.token"
