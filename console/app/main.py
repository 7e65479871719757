"""The one app factory, used by `baton`, the tests and the screenshot job."""

from __future__ import annotations

import time
from collections.abc import Callable

from console.app.app import BatonApp, SessionFactory
from console.model.profile import Profile
from console.session import Session


def console_session(profile: Profile, scenario: str | None) -> Session:
    """The console's session: the sandbox runs as a child process, so its work never stalls the UI."""
    return Session(profile, scenario, sandbox_process=True)


def make_app(
    profile: str | None = None,
    scenario: str | None = None,
    *,
    session_factory: SessionFactory = console_session,
    clock: Callable[[], float] = time.time,
) -> BatonApp:
    """A BatonApp on a profile name or file (default: the sandbox profile)."""
    from console.config import load_profile

    return BatonApp(load_profile(profile or None), scenario, session_factory=session_factory, clock=clock)


def run_console(profile: str | None = None, scenario: str | None = None) -> int:
    """Run the console in this terminal; returns the process exit code."""
    app = make_app(profile, scenario)
    app.run()
    return app.return_code or 0
