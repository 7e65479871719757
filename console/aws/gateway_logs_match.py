"""Which CloudWatch events are this request's: its executions (one or, for a reused id, several) and access records.

``x-amzn-RequestId`` can be set by the client (shared/domain/gateway-iis-identity.md §1.10), so one id can name
several executions; ``Extended Request Id`` (``x-amz-apigw-id``) is API Gateway's own and cannot be overridden. The
events of one request id are therefore split per log stream, and within a stream wherever a new Extended Request Id
starts or a request starts again after its ``Method completed`` line; the parts are never merged into one. An
access record is the request's own only when its ``requestId`` (or ``extendedRequestId``) is the id searched for; a
record found by correlation id alone belongs to whichever request carried that id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from console.aws.gateway_logs_groups import access_record
from console.engine.logs.apigw_lines import classify, split_prefix
from console.engine.logs.gateway_fields import CORRELATION_KEYS
from console.model.gateway_log import AccessRecord

__all__ = ["AccessMatches", "match_access", "split_executions"]

_STARTS = frozenset({"extended_id", "authorizer_start", "execution_start"})


def split_executions(events: Iterable[dict[str, Any]], request_id: str) -> tuple[list[list[str]], int]:
    """The messages of each execution logged under ``request_id`` (time order kept), and how many events were other
    requests' lines that merely mention the id."""
    parts: dict[str, list[str]] = {}
    current: dict[str, tuple[str, bool]] = {}  # stream → (its current part's key, that part has its final status)
    others = 0
    for event in events:
        message = str(event.get("message", ""))
        prefix = split_prefix(message)
        if prefix.request_id is not None and prefix.request_id != request_id:
            others += 1  # another request's line that mentions this id (e.g. in a header it logged)
            continue
        stream = str(event.get("logStreamName", ""))
        kind, match = classify(prefix.body)
        key, finished = current.get(stream, (f"stream {stream}", False))
        if kind == "extended_id" and match is not None:
            extended = f"ext {match.group('id')}"
            if not key.startswith("ext ") and not finished:
                parts[extended] = parts.pop(key, []) + parts.get(extended, [])  # the part gets its real name
                key = extended
            elif key != extended:
                key, finished = extended, False
        elif finished and kind in _STARTS:
            key, finished = f"{key} #{len(parts) + 1}", False  # the same id starting over in this stream
        parts.setdefault(key, []).append(message)
        current[stream] = (key, finished or kind == "status")
    return [lines for lines in parts.values() if lines], others


class AccessMatches:
    """The access records seen so far for one search: the request's own, and other requests' by correlation id."""

    def __init__(self, request_id: str, correlation_id: str | None) -> None:
        self.request_id = request_id
        self.correlation_id = correlation_id
        self.own: dict[str, AccessRecord] = {}
        self.related: dict[str, AccessRecord] = {}

    def add(self, events: Iterable[dict[str, Any]]) -> None:
        """Read each event's record and file it as this request's, another request's, or neither."""
        for event in events:
            message = str(event.get("message", ""))
            record = match_access(message, self.request_id, self.correlation_id)
            if record is None:
                continue
            key = message if record.request_id is None else f"{record.request_id} {record.extended_request_id}"
            mine = self.request_id and record.matched_by in ("requestId", "extendedRequestId")
            (self.own if mine else self.related)[key] = record

    def records(self) -> tuple[tuple[AccessRecord, ...], tuple[AccessRecord, ...]]:
        """(the request's own records, other requests' records carrying the correlation id)."""
        own = tuple(self.own.values())
        return own, tuple(r for r in self.related.values() if all(_other(r, o) for o in own))


def _other(record: AccessRecord, own: AccessRecord) -> bool:
    return (record.request_id, record.extended_request_id) != (own.request_id, own.extended_request_id)


def match_access(message: str, request_id: str, correlation_id: str | None) -> AccessRecord | None:
    """The record in ``message`` with the field it matched by, or None when it is not a record or matches neither."""
    record = access_record(message)
    if record is None:
        return None
    if request_id and record.request_id == request_id:
        return _with(record, "requestId")
    if request_id and record.extended_request_id == request_id:
        return _with(record, "extendedRequestId")
    if correlation_id and record.correlation_id == correlation_id:
        raw = dict(record.raw)
        field = next((key for key in CORRELATION_KEYS if raw.get(key) == correlation_id), "correlation id")
        return _with(record, field)
    return None


def _with(record: AccessRecord, field: str) -> AccessRecord:
    from dataclasses import replace

    return replace(record, matched_by=field)
