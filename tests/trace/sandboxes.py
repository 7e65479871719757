"""Sandboxes for trace tests: one per scenario, started on first use, shared by the session."""

from __future__ import annotations

import httpx

from console.config import load_profile
from console.config.secrets import resolve_secret
from console.engine.target import Target, target_from_sandbox
from console.engine.trace import run_trace
from console.model.trace import Trace, TraceRequest
from console.sandbox import Sandbox, start_sandbox


class Sandboxes:
    """Lazily started sandboxes by scenario, stopped at the end of the session."""

    def __init__(self) -> None:
        self.running: dict[str, Sandbox] = {}
        self.client = httpx.Client(timeout=10)

    def target(self, scenario: str) -> Target:
        if scenario not in self.running:
            self.running[scenario] = start_sandbox(scenario).__enter__()
        return target_from_sandbox(load_profile("sandbox"), self.running[scenario].urls.gateway, self.client)

    def trace(self, scenario: str, request: TraceRequest | None = None) -> Trace:
        return run_trace(self.target(scenario), request or TraceRequest(), resolve=resolve_secret, client=self.client)

    def close(self) -> None:
        for sandbox in self.running.values():
            sandbox.stop()
        self.client.close()
