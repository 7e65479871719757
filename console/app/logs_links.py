"""How the Logs view and the console screen reach each other: open the view, follow a profile switch, open a trace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.engine.logs.view_model import LogsModel, feed_key_for
from console.sanitize import inert

if TYPE_CHECKING:
    from console.app.screen import ConsoleScreen
    from console.session import Session


def trace_link(console: ConsoleScreen, correlation_id: str) -> tuple[str | None, str]:
    """The feed key of the trace of this session carrying ``correlation_id`` (the TraceBook's feed), and what to
    tell the user about it: how to open it, or why there is none."""
    if not correlation_id:
        return None, "This line carries no correlation id: no trace to open."
    key = feed_key_for(console.book.feed, correlation_id)
    if key is None:
        return None, f"No trace of this session carries correlation id {inert(correlation_id)}."
    return key, "enter: open the trace carrying this correlation id"


def session_target(session: Session) -> object | None:
    """The session's target; a real profile's is built from its file alone (no I/O), a sandbox's once it is up."""
    if session.target is not None or session.uses_sandbox:
        return session.target
    from console.engine.target import target_from_profile
    from console.errors import BatonError

    try:
        return target_from_profile(session.profile)
    except BatonError:  # the console screen shows what is wrong with the profile
        return None


def open_logs(console: ConsoleScreen) -> None:
    """Show the Logs view over the console screen, with the results it had when it was left."""
    from console.app.logs_screen import LogsScreen

    if console.logs_model is None:
        console.logs_model = LogsModel()
    console.app.push_screen(LogsScreen(console, console.logs_model))


async def run_on_console(console: ConsoleScreen, action: str) -> None:
    """A console-screen action asked for on the Logs view (send, switch profile…): back to that screen, run it there."""
    console.app.pop_screen()
    await console.run_action(action)


def session_changed(console: ConsoleScreen, session: Session) -> None:
    """The console switched profile: an open Logs view follows it (its tail stops, the new logs are searched)."""
    from console.app.logs_screen import LogsScreen

    for screen in console.app.screen_stack:
        if isinstance(screen, LogsScreen) and screen.console is console:
            screen.session_changed(session)
