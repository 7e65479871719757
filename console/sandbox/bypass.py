"""Traffic around the gateway: a scenario's internal callers call the IIS emulator straight (F33).

They run once, when the sandbox has started and before start_sandbox() returns, so the IIS log already
holds their lines (with no access-log line beside them) when anyone reads the logs. A trace adds its own
direct request too: its spoof check calls IIS without the gateway (console/engine/probes/iis.py).
"""

from __future__ import annotations

import http.client
import uuid
from urllib.parse import urlsplit

from console.errors import SandboxError
from console.sandbox.config import CORRELATION_HEADER, DirectCaller

__all__ = ["send_direct"]

TIMEOUT_S = 10.0


def send_direct(iis_url: str, callers: tuple[DirectCaller, ...]) -> list[str]:
    """Send every caller's requests to IIS; the correlation ids they carried, in order."""
    if not callers:
        return []
    parts = urlsplit(iis_url)
    sent: list[str] = []
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    try:
        for caller in callers:
            for _ in range(caller.requests):
                # Its own correlation id, as a well-behaved internal service sends one: the IIS line is
                # then keyed, and the join can say it has no gateway record (bypassed), not just "unkeyed".
                correlation = f"{caller.name.split('/')[0]}-{uuid.uuid4()}"
                headers = {"User-Agent": caller.name, CORRELATION_HEADER: correlation, **dict(caller.headers)}
                connection.request("GET", caller.path, headers=headers)
                connection.getresponse().read()
                sent.append(correlation)
    except (OSError, http.client.HTTPException) as exc:
        raise SandboxError(
            f"the scenario's direct caller could not reach the IIS emulator at {iis_url}", hint=str(exc)
        ) from None
    finally:
        connection.close()
    return sent
