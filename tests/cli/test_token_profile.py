"""`baton token --profile NAME` acquires that profile's token; without --profile it says the sandbox's was used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import platformdirs
import pytest

from console.cli import main
from console.engine.identity import SHARED_CACHE

BATON = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]
ISSUED = "eyJ-issued-to-orders-client.payload.sig"


class TokenEndpoint(BaseHTTPRequestHandler):
    """An OAuth token endpoint on loopback: client_credentials for client 'orders-client' with its secret only."""

    seen: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.seen.append(form)
        good = form.get("client_id") == ["orders-client"] and form.get("client_secret") == ["s3cret-value"]
        status, doc = (200, {"access_token": ISSUED, "expires_in": 300}) if good else (401, {"error": "invalid"})
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def token_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), TokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    TokenEndpoint.seen = []
    SHARED_CACHE.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/oauth2/token"
    finally:
        server.shutdown()
        server.server_close()
        SHARED_CACHE.clear()


def profile_text(token_url: str) -> str:
    return f"""\
environment = "dev"
[gateway]
url = "https://api.example.com/dev/orders"
auth = "jwt"
[identity]
flow = "client_credentials"
token_url = "{token_url}"
client_id = "orders-client"
client_secret = "env:BATON_TEST_ORDERS_SECRET"
"""


@pytest.fixture
def discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ./profiles directory discovery searches (the user config dir is an empty temp dir)."""
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(tmp_path / "userconfig" / app))
    work = tmp_path / "work"
    (work / "profiles").mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("BATON_TEST_ORDERS_SECRET", "s3cret-value")
    return work / "profiles"


def test_token_for_a_named_profile_comes_from_its_own_token_endpoint(
    token_url: str, discovered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (discovered / "orders.toml").write_text(profile_text(token_url), encoding="utf-8")
    assert main(["token", "--profile", "orders"]) == 0
    out, err = capsys.readouterr()
    assert out == ISSUED + "\n"
    assert [f["grant_type"] for f in TokenEndpoint.seen] == [["client_credentials"]]
    assert f"token for profile 'orders': client credentials grant at {token_url}" in err
    assert "s3cret-value" not in out + err and ISSUED not in err
    assert "sandbox" not in err


def test_token_for_a_profile_file(
    token_url: str, discovered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(profile_text(token_url), encoding="utf-8")
    assert main(["token", "--profile", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ISSUED + "\n" and "token for profile 'mine'" in err


def test_without_profile_stderr_says_the_sandbox_was_used_and_how_to_pick_another(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["token"]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and out.strip() not in err
    assert "no --profile given: this is the token of the default profile 'sandbox'" in err
    assert "baton token --profile NAME" in err


def test_help_says_to_name_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["token", "--help"])
    assert "export TOKEN=$(baton token --profile NAME)" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "export TOKEN=$(baton token --profile NAME)" in " ".join(capsys.readouterr().out.split())


STATIC = """\
environment = "dev"
[gateway]
url = "https://api.example.com/dev/orders"
auth = "jwt"
[identity]
flow = "static"
token = "env:BATON_TEST_STATIC_REF"
"""


def test_static_reference_token_goes_into_a_pipe_but_the_terminal_hint_names_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "static api.toml"
    path.write_text(STATIC, encoding="utf-8")
    env = {**os.environ, "BATON_TEST_STATIC_REF": "eyJ-static-ref.payload.sig"}
    piped = subprocess.run(
        [*BATON, "token", "--profile", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert piped.returncode == 0 and piped.stdout == "eyJ-static-ref.payload.sig\n"
    assert "static token from env:BATON_TEST_STATIC_REF" in piped.stderr
    assert "eyJ-static-ref" not in piped.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX")
def test_static_reference_token_never_reaches_a_terminal(tmp_path: Path) -> None:
    from test_token_cli import _on_a_terminal

    path = tmp_path / "static api.toml"
    path.write_text(STATIC, encoding="utf-8")
    env = {**os.environ, "BATON_TEST_STATIC_REF": "eyJ-static-ref.payload.sig"}
    code, screen, err = _on_a_terminal("token", "--profile", str(path), env=env)
    assert code == 2 and screen == "" and "eyJ-static-ref" not in err
    assert f"export TOKEN=$(baton token --profile '{path}')" in err
    code, screen, _ = _on_a_terminal("token", "--profile", str(path), "--reveal", env=env)
    assert code == 0 and screen.strip() == "eyJ-static-ref.payload.sig"


SECRETSMANAGER = """\
environment = "dev"
[gateway]
url = "https://api.example.com/dev/orders"
auth = "jwt"
[identity]
flow = "static"
token = "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders-token-AbCdEf"
[aws]
profile = "baton-test-no-such-aws-profile"
region = "eu-west-1"
"""


@pytest.fixture
def no_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS profile, credentials or instance metadata: boto3 fails locally, before any request."""
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_aws")
@pytest.mark.parametrize("command", ["token", "trace"])
def test_a_secrets_manager_token_is_read_with_the_profiles_aws_profile(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The [aws] profile was silently ignored: boto3 read the secret with the default credentials instead."""
    path = tmp_path / "sm.toml"
    path.write_text(SECRETSMANAGER, encoding="utf-8")
    ref = SECRETSMANAGER.split('token = "')[1].split('"', maxsplit=1)[0]
    argv = (
        ["token", "--profile", str(path)] if command == "token" else ["trace", "--profile", str(path), "--token", ref]
    )
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "AWS profile 'baton-test-no-such-aws-profile' is not configured" in err


def test_sandbox_token_comes_from_the_running_consoles_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console's copy-curl says `export TOKEN=$(baton token)` asks its sandbox: a sandbox of the command's own
    has other keys, and its token would not verify at the console's."""
    import jwt

    from console import sandbox_registry
    from console.sandbox_process import SandboxProcess

    monkeypatch.setattr(sandbox_registry, "registry_dir", lambda: tmp_path / "sandboxes")
    console_sandbox = SandboxProcess("healthy")
    try:
        assert main(["token"]) == 0
        out, err = capsys.readouterr()
    finally:
        console_sandbox.stop()
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert claims["iss"].startswith(console_sandbox.urls.idp.rstrip("/"))
    assert f"the running console's sandbox at {console_sandbox.urls.gateway}" in err
    assert "stops when this command exits" not in err
