"""The console's sandbox runs as a child process that stops with its parent and reports start failures."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from console.errors import SandboxError
from console.sandbox_process import SandboxProcess


def test_child_sandbox_serves_and_stops() -> None:
    child = SandboxProcess("iis-windows-auth")
    try:
        doc = httpx.get(f"{child.urls.gateway}/__baton/scenario", timeout=5).json()
        assert doc["name"] == "iis-windows-auth"
    finally:
        child.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{child.urls.gateway}/__baton/scenario", timeout=2)


def test_unknown_scenario_is_a_sandbox_error() -> None:
    with pytest.raises(SandboxError, match="unknown scenario 'nope'"):
        SandboxProcess("nope")


def test_child_stops_when_its_parent_dies() -> None:
    code = (
        "from console.sandbox_process import SandboxProcess; import sys, os;"
        "c = SandboxProcess('healthy'); print(c.urls.gateway, flush=True); os._exit(0)"
    )
    parent = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    gateway = parent.stdout.strip()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{gateway}/__baton/scenario", timeout=1)
        except httpx.ConnectError:
            return  # the orphan noticed its stdin closing and stopped
        time.sleep(0.2)
    raise AssertionError("the child sandbox outlived its parent")
