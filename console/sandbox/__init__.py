"""Embedded sandbox: a Cognito-shaped IdP, an API Gateway emulator and an IIS emulator on loopback.

    with start_sandbox("iis-windows-auth") as sandbox:
        sandbox.urls.gateway   # http://127.0.0.1:<port>; control plane under /__baton/

It shares no code with console.engine: an emulator that reused the checker could not catch its bugs.
The servers (uvicorn, starlette) load only when a sandbox starts: listing scenarios stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.sandbox.config import SandboxUrls, Scenario
from console.sandbox.scenarios import SCENARIOS, get_scenario, list_scenarios

if TYPE_CHECKING:
    from console.sandbox.runtime import Sandbox, start_sandbox

__all__ = ["SCENARIOS", "Sandbox", "SandboxUrls", "Scenario", "get_scenario", "list_scenarios", "start_sandbox"]


def __getattr__(name: str) -> Any:
    if name in {"Sandbox", "start_sandbox"}:
        from console.sandbox import runtime

        return getattr(runtime, name)
    raise AttributeError(f"module 'console.sandbox' has no attribute {name!r}")
