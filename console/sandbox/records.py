"""Ground truth of what each hop saw, per request, with a bounded history and a long-poll feed."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

__all__ = ["RequestStore", "mask_headers", "mask_secret", "new_record"]

SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-origin-verify", "cookie", "proxy-authorization"})
"""Values never echoed, logged or served: tokens, API keys, the origin secret."""


def mask_secret(value: str) -> str:
    """API Gateway's masking: asterisks and the last 6 characters of long values only."""
    scheme, sep, rest = value.partition(" ")
    if sep and scheme.lower() in {"bearer", "basic", "negotiate", "ntlm"}:
        return f"{scheme} {mask_secret(rest)}"
    return "********" + value[-6:] if len(value) >= 20 else "********"


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` (any case) in a list of (name, value) pairs, or None."""
    low = name.lower()
    return next((v for k, v in headers if k.lower() == low), None)


def mask_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict (repeats comma-joined, order kept) with secret values masked."""
    out: dict[str, str] = {}
    for name, value in headers:
        shown = mask_secret(value) if name.lower() in SECRET_HEADERS else value
        out[name] = f"{out[name]},{shown}" if name in out else shown
    return out


def new_record(
    request_id: str, correlation_id: str | None, method: str, path: str, headers: dict[str, str] | list[tuple[str, str]]
) -> dict[str, Any]:
    """A record in the /__baton/requests/{id} shape, every hop not yet reached."""
    return {
        "seq": 0,
        "request_id": request_id,
        "correlation_id": correlation_id,
        "received_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "client": {"method": method, "path": path, "headers": headers},
        "gateway": {
            "outcome": "refused",
            "status": 0,
            "error_type": None,
            "api_key": "not_required",
            "throttled": False,
        },
        "authorizer": {
            "type": "none",
            "decision": "skipped",
            "reason": "not reached",
            "principal_id": None,
            "claims": None,
            "context": None,
            "policy": None,
            "cached": False,
            "cache_key": None,
            "matched_resource": None,
        },
        "integration": {"sent": False, "headers": {}, "mapping": {}, "timed_out": False, "status": None},
        "iis": {
            "received": False,
            "headers": {},
            "server_variables": {},
            "user": None,
            "auth_type": None,
            "status": None,
            "substatus": None,
            "log_line": None,
        },
        "logs": {"execution": [], "access": []},
    }


class RequestStore:
    """The last ``capacity`` records, findable by request id or correlation id, in arrival order."""

    def __init__(self, capacity: int = 2000) -> None:
        self._records: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._by_id: dict[str, dict[str, Any]] = {}
        self._seq = itertools.count(1)
        self.last_seq = 0
        self._changed: asyncio.Event | None = None
        self._closing = False
        self.pending: dict[str, dict[str, Any]] = {}
        """Records of requests the gateway is forwarding, by the private hop id IIS reports against."""

    def add(self, record: dict[str, Any]) -> None:
        """Keep a finished record, forget the oldest beyond capacity, wake long-pollers.

        seq is given here, when the gateway has answered, so the feed never skips a slow request."""
        self.last_seq = record["seq"] = next(self._seq)
        if len(self._records) == self._records.maxlen:
            old = self._records[0]
            for key in (old["request_id"], old["correlation_id"]):
                if key and self._by_id.get(key) is old:
                    del self._by_id[key]
        self._records.append(record)
        self._by_id[record["request_id"]] = record
        if record["correlation_id"]:
            self._by_id[record["correlation_id"]] = record
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def release_waiters(self) -> None:
        """Answer every long poll now (the sandbox is stopping); call on the sandbox's event loop."""
        self._closing = True
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def get(self, key: str) -> dict[str, Any] | None:
        """The latest record with this request id or correlation id."""
        return self._by_id.get(key)

    def after(self, seq: int) -> list[dict[str, Any]]:
        """Summaries of records newer than ``seq``, oldest first."""
        return [summary(r) for r in self._records if r["seq"] > seq]

    async def wait_after(self, seq: int, timeout: float) -> list[dict[str, Any]]:
        """Like after(), but wait up to ``timeout`` seconds for at least one new record."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.after(seq)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self._closing:
                return found
            if self._changed is None:
                self._changed = asyncio.Event()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return self.after(seq)


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """The feed's one-line view of a record."""
    return {
        "seq": record["seq"],
        "request_id": record["request_id"],
        "correlation_id": record["correlation_id"],
        "method": record["client"]["method"],
        "path": record["client"]["path"],
        "status": record["gateway"]["status"] or record["iis"]["status"],
        "received_at": record["received_at"],
    }
