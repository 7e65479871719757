"""Shared sandboxes (one per scenario per session) and the one observed request per scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sandboxkit import TIMEOUT_MS, Observed, act

from console.sandbox import Sandbox, start_sandbox


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[Callable[[str], Sandbox]]:
    """get(name): the session's sandbox for that scenario, started on first use."""
    started: dict[str, Sandbox] = {}

    def get(name: str) -> Sandbox:
        if name not in started:
            started[name] = start_sandbox(name, integration_timeout_ms=TIMEOUT_MS)
        return started[name]

    yield get
    for sandbox in started.values():
        sandbox.stop()


@pytest.fixture(scope="session")
def observed(sandboxes: Callable[[str], Sandbox]) -> Callable[[str], Observed]:
    """get(name): the one scenario request of the session (stateful scenarios are acted once)."""
    cache: dict[str, Observed] = {}

    def get(name: str) -> Observed:
        if name not in cache:
            cache[name] = act(sandboxes(name))
        return cache[name]

    return get
