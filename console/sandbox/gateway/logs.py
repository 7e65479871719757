"""Execution-log and access-log lines in API Gateway's formats (domain §1.8), secrets masked."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from console.sandbox.records import SECRET_HEADERS, mask_secret

__all__ = ["ACCESS_LOG_FORMAT", "CORRELATION_KEY", "ExecutionLog", "access_line", "brace_map"]

MAX_EVENT_BYTES = 1024
"""CloudWatch log events are truncated at 1024 bytes; header dumps end in [TRUNCATED]."""

# The $context variables this sandbox logs per request, one JSON object per line; the format an
# operator would paste into the stage's access-log settings, plus one key (CORRELATION_KEY) below.
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId",'
    '"ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",'
    '"requestTimeEpoch":"$context.requestTimeEpoch","httpMethod":"$context.httpMethod",'
    '"resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status",'
    '"protocol":"$context.protocol","responseLength":"$context.responseLength",'
    '"principalId":"$context.authorizer.principalId","sub":"$context.authorizer.claims.sub",'
    '"integrationStatus":"$context.integration.status","integrationLatency":"$context.integrationLatency",'
    '"errorMessage":"$context.error.message","errorResponseType":"$context.error.responseType",'
    '"correlationId":"$context.requestId"}'
)

CORRELATION_KEY = "correlationId"
"""The X-Correlation-Id the integration request carries to IIS (IIS logs it in its X-Correlation-Id field).

An access log can hold only $context variables, never a request header. A real stage makes this key
joinable by mapping ``integration.request.header.X-Correlation-Id`` from ``context.requestId`` and logging
``$context.requestId`` here, as the format says (F21's fix). The sandbox's APIs instead pass the client's
own X-Correlation-Id through (HTTP_PROXY), so that a trace finds its IIS line by the id it chose; the
emulator then logs the value it sent IIS. That equals ``$context.requestId`` only when the mapping takes it
from there; with pass-through it is a value no real access log could hold (a sandbox-only deviation)."""


def brace_map(headers: Iterable[tuple[str, str]]) -> str:
    """`{k=v, k=v}` as in "Endpoint request headers:", secrets masked like AWS does."""
    parts = [f"{k}={mask_secret(v) if k.lower() in SECRET_HEADERS else v}" for k, v in headers]
    return "{" + ", ".join(parts) + "}"


class ExecutionLog:
    """The lines of one request, each prefixed with ``(<requestId>) `` as in CloudWatch.

    Expensive messages (header dumps, bodies) may be given as callables: they are formatted only when
    someone reads the log, which keeps the gateway's hot path cheap under load.
    """

    def __init__(self, request_id: str, enabled: bool) -> None:
        self.request_id = request_id
        self.enabled = enabled
        """HTTP APIs have access logs only (domain §2.5): no execution lines at all."""
        self._items: list[str | Callable[[], str]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, message: str | Callable[[], str]) -> None:
        """Append one event (formatted and truncated when read)."""
        if self.enabled:
            self._items.append(message)

    def clear(self) -> None:
        """Drop every event (requests API Gateway does not log)."""
        self._items.clear()

    @property
    def lines(self) -> list[str]:
        """The events as CloudWatch shows them, truncated at 1024 bytes."""
        out: list[str] = []
        for item in self._items:
            line = f"({self.request_id}) {item if isinstance(item, str) else item()}"
            raw = line.encode()
            if len(raw) > MAX_EVENT_BYTES:
                line = raw[: MAX_EVENT_BYTES - len(" [TRUNCATED]")].decode("utf-8", "ignore") + " [TRUNCATED]"
            out.append(line)
        return out


def _request_time(epoch: float) -> str:
    # $context.requestTime is CLF-formatted: 17/May/2026:10:00:00 +0000
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch))


def access_line(ctx: Mapping[str, Any]) -> str:
    """One access-log line for ACCESS_LOG_FORMAT; absent values are "-" as API Gateway writes them."""

    def v(key: str) -> str:
        value = ctx.get(key)
        return "-" if value is None or value == "" else str(value)

    epoch = float(ctx.get("requestTimeEpoch") or time.time())
    fields = {
        "requestId": v("requestId"),
        "extendedRequestId": v("extendedRequestId"),
        "ip": v("sourceIp"),
        "requestTime": _request_time(epoch),
        "requestTimeEpoch": str(int(epoch * 1000)),
        "httpMethod": v("httpMethod"),
        "resourcePath": v("resourcePath"),
        "path": v("path"),
        "status": v("status"),
        "protocol": v("protocol"),
        "responseLength": v("responseLength"),
        "principalId": v("principalId"),
        "sub": v("sub"),
        "integrationStatus": v("integrationStatus"),
        "integrationLatency": v("integrationLatency"),
        "errorMessage": v("errorMessage"),
        "errorResponseType": v("errorResponseType"),
        CORRELATION_KEY: v(CORRELATION_KEY),
    }
    return json.dumps(fields, separators=(",", ":"))
