"""`baton token` finds the console's running sandbox: its fresh keys sign the only tokens the copied curl can use."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from console import sandbox_registry
from console.config import load_profile
from console.model.trace import TraceRequest
from console.sandbox_process import SandboxProcess
from console.session import Session


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sandboxes"
    monkeypatch.setattr(sandbox_registry, "registry_dir", lambda: folder)
    return folder


def test_a_record_is_private_listed_while_its_owner_lives_and_removed(registry: Path) -> None:
    path = sandbox_registry.register("healthy", "http://127.0.0.1:1", "http://127.0.0.1:2")
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [e.gateway for e in sandbox_registry.running()] == ["http://127.0.0.1:1"]
    assert sandbox_registry.running("expired-token") == []
    sandbox_registry.unregister(path)
    assert sandbox_registry.running() == []


def test_records_of_dead_consoles_and_junk_are_ignored(registry: Path) -> None:
    registry.mkdir(parents=True)
    (registry / "sandbox-1.json").write_text(
        '{"owner_pid": 999999999, "scenario": "healthy", "gateway": "x", "idp": "y", "started_at": 1}'
    )
    (registry / "sandbox-2.json").write_text("not json")
    (registry / "sandbox-3.json").write_text("{" + " " * 10000 + "}")
    assert sandbox_registry.running() == []
    assert list(registry.iterdir()) == []  # left-overs of consoles that died are cleared as they are seen


def test_a_session_attaches_to_the_consoles_sandbox_and_its_token_verifies(registry: Path) -> None:
    """Before: `baton token` started a sandbox of its own, whose token the console's sandbox refused."""
    console_sandbox = SandboxProcess("healthy")  # what the console runs; it records itself
    try:
        assert [e.gateway for e in sandbox_registry.running()] == [console_sandbox.urls.gateway]
        session = Session(load_profile("sandbox"), attach=True)
        try:
            target = session.start()
            assert session.attached == console_sandbox.urls.gateway
            assert target.gateway_url.rstrip("/") == console_sandbox.urls.gateway.rstrip("/")
            trace = session.trace(TraceRequest())
            assert trace.verdict.ok, trace.verdict.summary  # the token came from, and verified at, that sandbox
        finally:
            session.close()
    finally:
        console_sandbox.stop()
    assert sandbox_registry.running() == []


def test_a_recorded_sandbox_off_this_machine_is_never_used(registry: Path) -> None:
    # Never contacted: the record is skipped on its host name alone.
    sandbox_registry.register("healthy", "http://sandbox.example.invalid:80", "http://sandbox.example.invalid:81")
    session = Session(load_profile("sandbox"), attach=True)
    try:
        session.start()
        assert session.attached is None  # it started a sandbox of its own instead
    finally:
        session.close()
