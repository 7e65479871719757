"""App-wide messages: workers post these; the screen turns them into pane updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from console.model.trace import FeedItem, Trace, TraceEvent


@dataclass
class TraceEventArrived(Message):
    """The engine reported progress of a trace."""

    event: TraceEvent
    ticket: int | None = None
    """The ticket of the request that started this trace (events of a superseded request are stale)."""


@dataclass
class FeedArrived(Message):
    """Requests the sandbox gateway saw since the last poll."""

    items: list[FeedItem]


@dataclass
class SessionReady(Message):
    """The session (sandbox, target) is ready to trace."""

    description: str
    scenarios: tuple[tuple[str, str], ...]
    """(name, description) of each sandbox scenario."""
    scenario: str | None
    session: object = None
    """The session that became ready (a late answer from a session already replaced is ignored)."""


@dataclass
class RecordedTraceReady(Message):
    """A feed item someone else sent, diagnosed from the sandbox's record."""

    key: str
    """The feed item's key."""
    trace: Trace


@dataclass
class WorkFailed(Message):
    """A worker failed; ``pane`` names where the error belongs."""

    pane: str
    message: str
