"""A real local AWS API for the tests: a moto server on loopback, fake credentials, and no path to real AWS.

Imported as ``tests.aws.motokit`` everywhere (tests/aws/conftest.py and tests/cli/test_aws_whoami.py), so the
session's one server is shared."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

MOTO_ACCOUNT = "123456789012"
"""The account moto answers every call with."""
FAKE_KEY_ID = "AKIATESTINGBATON0001"
FAKE_SECRET = "bAtOnFakeSecretKey/ne3ver+Pr1nt3dANYWHERE0"  # a fake, for the never-printed tests
FAKE_SESSION_TOKEN = "FwoGZXIvYXdzEBatonFakeSessionTokenNeverPrinted0123456789abcdef"

_server: list[tuple[ThreadedMotoServer, str]] = []


def _moto_url() -> str:
    if not _server:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        _server.append((server, f"http://{host}:{port}"))
    return _server[0][1]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """The moto server's base URL (started once per session, stopped at its end)."""
    url = _moto_url()
    yield url
    while _server:
        _server.pop()[0].stop()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty AWS world: no AWS_* variables, empty config and credentials files, no instance metadata, a HOME
    with no SSO cache. Returns the folder holding the two files."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "aws-home"
    folder.mkdir()
    (folder / "config").write_text("")
    (folder / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no 169.254.169.254 probing, no delay
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def fake_aws(no_aws: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake static credentials in the environment (moto accepts any); nothing can reach real AWS with them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", FAKE_SESSION_TOKEN)
    return no_aws


WriteProfile = Callable[..., Path]


@pytest.fixture
def aws_profile_file(tmp_path: Path) -> WriteProfile:
    """Write a Baton profile with an ``[aws]`` table of the given keys; returns its path."""

    def write(name: str = "awsdemo", **aws: str) -> Path:
        lines = [
            f'name = "{name}"',
            'environment = "dev"',
            "[gateway]",
            'url = "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/orders"',
            "[aws]",
            *(f'{key} = "{value}"' for key, value in aws.items()),
        ]
        path = tmp_path / f"{name}.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    return write
