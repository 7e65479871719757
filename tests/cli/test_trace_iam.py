"""`baton trace` on an `auth = "iam"` profile signs the request with SigV4; without credentials to sign with it sends
nothing and says why (it once sent the request unsigned with a warning: tests/trace/test_trace_sigv4.py signs)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

BATON = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]
CANNOT_SIGN = "cannot sign the request with SigV4"


class Gateway(BaseHTTPRequestHandler):
    """Records each request with what baton had written to stderr by the time it arrived."""

    stderr_file: Path
    seen: ClassVar[list[tuple[str, dict[str, str], str]]] = []

    def do_GET(self) -> None:
        told = self.stderr_file.read_text(encoding="utf-8") if self.stderr_file.exists() else ""
        self.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, told))
        body = b'{"user": null, "headers": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    Gateway.stderr_file = tmp_path / "stderr.txt"
    Gateway.seen = []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def iam_profile(url: str, auth: str = "iam") -> str:
    return f"""\
environment = "dev"
[gateway]
url = "{url}/dev/orders"
kind = "http"
auth = "{auth}"
[propagation]
headers = {{ "X-User-Id" = "userArn" }}
[iis]
echo_path = "/_echo"
[aws]
region = "eu-west-1"
profile = "baton-test-no-such-aws-profile"
"""


def _trace(tmp_path: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with Gateway.stderr_file.open("w", encoding="utf-8") as err:
        return subprocess.run(
            [*BATON, "trace", "--profile", str(profile), "--no-color", "--timeout", "5"],
            stdout=subprocess.PIPE,
            stderr=err,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=60,
            env={**env, "HOME": str(tmp_path)},
            check=False,
        )


def test_iam_trace_without_its_aws_profile_sends_nothing_and_names_it(gateway: str, tmp_path: Path) -> None:
    profile = tmp_path / "iam.toml"
    profile.write_text(iam_profile(gateway), encoding="utf-8")
    done = _trace(tmp_path, profile)
    err = Gateway.stderr_file.read_text(encoding="utf-8")
    assert CANNOT_SIGN in err and "baton-test-no-such-aws-profile" in err, err
    assert Gateway.seen == [], "an unsigned request went out"
    assert done.returncode != 0
    assert "Traceback" not in err


def test_other_auth_modes_get_no_sigv4_line(gateway: str, tmp_path: Path) -> None:
    profile = tmp_path / "open.toml"
    profile.write_text(iam_profile(gateway, auth="none"), encoding="utf-8")
    _trace(tmp_path, profile)
    assert "SigV4" not in Gateway.stderr_file.read_text(encoding="utf-8")
    assert Gateway.seen
