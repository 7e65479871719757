"""Embedded sandbox: a Cognito-shaped IdP, an API Gateway emulator and an IIS emulator on loopback.

    with start_sandbox("iis-windows-auth") as sandbox:
        sandbox.urls.gateway   # http://127.0.0.1:<port>; control plane under /__baton/

It shares no code with console.engine: an emulator that reused the checker could not catch its bugs.
"""

from console.sandbox.config import Scenario
from console.sandbox.runtime import Sandbox, SandboxUrls, start_sandbox
from console.sandbox.scenarios import SCENARIOS, get_scenario, list_scenarios

__all__ = ["SCENARIOS", "Sandbox", "SandboxUrls", "Scenario", "get_scenario", "list_scenarios", "start_sandbox"]
