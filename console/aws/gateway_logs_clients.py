"""boto3 clients for the CloudWatch searches whose timeouts and retries come from the time left before a deadline.

`baton aws logs --wait S` (and `aws query --wait S`) is a deadline for the whole command: botocore's own defaults
(60 s read timeout, several attempts) would let one unanswered call run for minutes. Each client is made with a
read and connect timeout no longer than the time left (at least MIN_CALL_S, so a call at the deadline can still be
answered by a live endpoint) and one retry only while there is time for it; once the time left drops below a
client's timeout, the next call gets a new client with a shorter one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error

if TYPE_CHECKING:
    from console.aws.session import AwsTarget
    from console.model.profile import AwsSettings

__all__ = ["MIN_CALL_S", "CloudWatchClients", "call_budget", "cloudwatch_client_factory", "target_of"]

MIN_CALL_S = 1.0
CONNECT_S = 5.0
READ_S = 20.0


def call_budget(remaining: float | None) -> tuple[float, float, int]:
    """(connect timeout, read timeout, attempts) for a call with ``remaining`` seconds left (None: no deadline)."""
    if remaining is None:
        return CONNECT_S, READ_S, 3
    attempts = 2 if remaining >= 4 * MIN_CALL_S else 1
    per_try = max(MIN_CALL_S, remaining / attempts)
    return min(CONNECT_S, per_try), min(READ_S, per_try), attempts


class CloudWatchClients:
    """service → a boto3 client on one profile's region and endpoint (one session for all); with a ``deadline``
    (time.monotonic()), each client's timeouts fit the time left when it is handed out."""

    def __init__(self, settings: AwsSettings, deadline: float | None = None) -> None:
        from console.aws.session import target_for

        self.target: AwsTarget = target_for(settings)
        """Where the clients go: AWS errors name its endpoint and the fix."""
        self.deadline = deadline
        self._made: dict[str, tuple[Any, float]] = {}
        self._session: Any = None

    def __call__(self, service: str) -> Any:
        remaining = None if self.deadline is None else self.deadline - time.monotonic()
        known = self._made.get(service)
        if known is not None and (remaining is None or known[1] <= max(remaining, MIN_CALL_S)):
            return known[0]
        if self._session is None:
            from console.aws.session import make_session

            self._session = make_session(self.target)
        connect, read, attempts = call_budget(remaining)
        client = _client(self._session, service, self.target, connect, read, attempts)
        self._made[service] = (client, read * attempts)
        return client


def cloudwatch_client_factory(settings: AwsSettings, deadline: float | None = None) -> Callable[[str], Any]:
    """A :class:`CloudWatchClients` for ``settings`` (kept as a function: callers pass it as a plain factory)."""
    return CloudWatchClients(settings, deadline)


def _client(session: Any, service: str, target: AwsTarget, connect: float, read: float, attempts: int) -> Any:
    import botocore.config
    import botocore.exceptions

    config = botocore.config.Config(
        connect_timeout=connect, read_timeout=read, retries={"mode": "standard", "total_max_attempts": attempts}
    )
    try:
        return session.client(service, endpoint_url=target.endpoint_url or None, config=config)
    except (botocore.exceptions.BotoCoreError, ValueError) as exc:
        raise aws_error(exc, target=target, service=service) from None


def target_of(factory: Callable[[str], Any]) -> AwsTarget | None:
    """The target of a factory made here; None for one a caller passed in (a test's Stubber, the trace's own)."""
    return factory.target if isinstance(factory, CloudWatchClients) else None
