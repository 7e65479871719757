"""The sandbox as a child process (`baton sandbox --json`): its work never competes with the console's UI.

UI-free and light: it starts Python, not uvicorn, in this process.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time

from console import sandbox_registry
from console.errors import SandboxError
from console.sandbox.config import SandboxUrls

START_TIMEOUT = 30.0


class SandboxProcess:
    """A running `baton sandbox` child; ``stop()`` (or this process ending) stops it."""

    def __init__(self, scenario: str) -> None:
        self.scenario = scenario
        self._proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
            [sys.executable, "-m", "console.cli", "sandbox", "--scenario", scenario, "--json", "--until-stdin-closes"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.urls = self._read_urls()
        # `baton token` in another terminal finds this sandbox: its fresh keys sign the only tokens it accepts.
        self._record = sandbox_registry.register(scenario, self.urls.gateway, self.urls.idp)

    def _read_urls(self) -> SandboxUrls:
        assert self._proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self._proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT
        line = ""
        while not line:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                self.stop()
                raise SandboxError(f"the sandbox did not start within {START_TIMEOUT:g} s")
            line = self._proc.stdout.readline()
            if not line:  # the child exited: its one-line error is on stderr
                error = self._proc.stderr.read().strip().splitlines() if self._proc.stderr else []
                self.stop()
                raise SandboxError(error[-1].removeprefix("baton: ") if error else "the sandbox exited at start")
        selector.close()
        doc = json.loads(line)
        return SandboxUrls(doc["idp"], doc["gateway"], doc["iis"])

    def stop(self) -> None:
        """Stop the child (closing its stdin asks it to stop; terminate and kill if it does not)."""
        sandbox_registry.unregister(getattr(self, "_record", None))
        if self._proc.poll() is None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()
