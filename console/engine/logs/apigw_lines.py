"""API Gateway execution-log messages: prefixes (timestamp, ``(requestId)``), kinds, and file text → messages.

Prefix forms seen in public captures (../shared/conformance/logs/apigw/): CloudWatch's ``(requestId) message``; an
export's ``2017-06-05T17:52:57.673Z (requestId) message`` (or without the id); the console's copy
``2022-04-23T18:37:47.070+09:00<TAB>(requestId) message``; the console Test output ``Thu Aug 31 01:07:25 UTC 2017 :
message`` under an ``Execution log for request X`` heading; a capture with its timestamps redacted to ``***``.
Message wording: shared/domain/gateway-iis-identity.md §1.8 (the canonical line sequence and error lines).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = ["KINDS", "Message", "classify", "group_messages", "parse_time", "split_prefix", "split_requests"]

_ISO = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
_CONSOLE = r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d UTC \d{4} :"
_PREFIX = re.compile(
    rf"^(?:(?P<ts>{_ISO}|{_CONSOLE})[ \t]+|\*\*\* : )?(?:\((?P<rid>[^()\s]{{1,128}})\)(?: |$))?",
)
_REDACTED_TAIL = re.compile(r"[ \t]*\*\*\* :[ \t]*$")  # a capture whose next line's timestamp was redacted to ***

KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.DOTALL))
    for kind, pattern in (
        ("exec_header", r"^Execution log for request (?P<id>\S+)"),
        ("extended_id", r"^Extended Request Id: (?P<id>\S+)"),
        ("authorizer_start", r"^Starting authorizer: (?P<auth>\S+) for request: (?P<id>\S+)"),
        ("incoming_identity", r"^Incoming identity: ?(?P<value>.*)"),
        ("endpoint_uri", r"^Endpoint request URI: ?(?P<value>.*)"),
        ("endpoint_headers", r"^Endpoint request headers: ?(?P<value>.*)"),
        ("endpoint_body", r"^Endpoint request body after transformations:"),
        ("sending", r"^Sending request to "),
        ("received", r"^Received response\. (?:Status: (?P<status>\d{3}), )?Integration latency: (?P<ms>\d+) ms"),
        ("authorizer_result", r"^Authorizer result body before parsing: ?(?P<value>.*)"),
        ("authorizer_policy", r"^Using valid authorizer policy for principal: ?(?P<value>.*)"),
        ("authorizer_done", r"^Successfully completed authorizer execution"),
        ("unauthorized_request", r"^Unauthorized request: ?(?P<id>\S*)"),
        ("unauthorized", r"^Unauthorized\s*$"),
        ("authorizer_config_error", r"^AuthorizerConfigurationException\b"),
        ("usage_plan", r"^(?:Verifying Usage Plan for request: (?P<id>[^.\s]+)|Usage Plan check |API Key)"),
        ("throttled", r"^Key throttle limit exceeded for RestApi "),
        ("execution_start", r"^Starting execution for request: ?(?P<id>\S*)"),
        ("http_method", r"^HTTP Method: (?P<method>[^,]+), Resource Path: ?(?P<path>.*)"),
        ("method_path", r"^Method request path: "),
        ("method_query", r"^Method request query string: ?(?P<value>.*)"),
        ("method_headers", r"^Method request headers: ?(?P<value>.*)"),
        ("method_body", r"^Method request body before transformations:"),
        ("validation", r"^Request (?:validation|body does not match)"),
        ("endpoint_response_body", r"^Endpoint response body before transformations:"),
        ("endpoint_response_headers", r"^Endpoint response headers: ?(?P<value>.*)"),
        ("method_response_body", r"^Method response body after transformations:"),
        ("method_response_headers", r"^Method response headers: ?(?P<value>.*)"),
        ("execution_done", r"^Successfully completed execution"),
        ("execution_failed", r"^Execution failed due to (?P<value>.*)"),
        ("endpoint_timeout", r"^Endpoint request timed out"),
        ("access_denied", r"^Access denied\. Reason: (?P<value>.*)"),
        ("status", r"^Method completed with status: (?P<status>\d{3})"),
    )
)
_BODY_KINDS = frozenset(
    {"endpoint_body", "method_body", "endpoint_response_body", "method_response_body", "authorizer_result"}
)
_MAP_KINDS = frozenset({"endpoint_headers", "method_headers", "endpoint_response_headers", "method_response_headers"})
_MONTHS = {
    m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}


class Message(NamedTuple):
    """One message with its prefix split off."""

    timestamp: str | None
    request_id: str | None
    body: str


def split_prefix(text: str) -> Message:
    """The timestamp and ``(requestId)`` in front of a message, and the message itself."""
    match = _PREFIX.match(text)
    timestamp = rid = None
    body = text
    if match is not None and match.end():
        timestamp = match.group("ts")
        rid = match.group("rid")
        body = text[match.end() :]
    body = _REDACTED_TAIL.sub("", body)
    if timestamp and timestamp.endswith(" :"):
        timestamp = timestamp[:-2]
    return Message(timestamp, rid, body)


def classify(body: str) -> tuple[str, re.Match[str] | None]:
    """The kind of a message body and its match; ("", None) when no known wording matches."""
    for kind, pattern in KINDS:
        match = pattern.match(body)
        if match is not None:
            return kind, match
    return "", None


def _is_open(kind: str, text: str) -> bool:
    """A message the next unprefixed physical line continues: a body, or a header map cut by a line wrap."""
    if kind in _BODY_KINDS:
        return True
    if kind in _MAP_KINDS:
        end = text.rstrip()
        return end.endswith(",") and "{" in end
    return False


def group_messages(lines: Iterable[str]) -> Iterator[str]:
    """Physical lines of a log file → messages: an unprefixed, unrecognised line continues an open message (a
    multi-line body, a wrapped header map); otherwise it is a message of its own (kept even if not understood)."""
    current: list[str] = []
    kind = ""
    for raw in lines:
        line = raw.rstrip("\r\n")
        message = split_prefix(line)
        prefixed = message.timestamp is not None or message.request_id is not None
        new_kind, _ = classify(message.body)
        if current and not prefixed and not new_kind and _is_open(kind, "\n".join(current)):
            current.append(line)
            continue
        if current:
            yield "\n".join(current)
        current = [line]
        kind = new_kind
    if current:
        yield "\n".join(current)


def split_requests(messages: Iterable[str]) -> list[list[str]]:
    """Messages of several requests (a file) → one list per request, cut where the request id changes."""
    blocks: list[list[str]] = []
    current: list[str] = []
    current_id: str | None = None
    from_heading = False
    for text in messages:
        message = split_prefix(text)
        kind, match = classify(message.body)
        rid = message.request_id
        if rid is None and match is not None and "id" in match.re.groupindex and match.group("id"):
            rid = match.group("id")
        if kind == "exec_header":
            if current:
                blocks.append(current)
            current, current_id, from_heading = [text], rid, True
            continue
        if rid is not None:
            if current_id is None or from_heading:
                current_id, from_heading = rid, False
            elif rid != current_id and current:
                blocks.append(current)
                current, current_id = [], rid
        current.append(text)
    if current:
        blocks.append(current)
    return blocks


def parse_time(text: str | None) -> datetime.datetime | None:
    """A prefix timestamp as aware UTC; None when absent or unreadable."""
    if not text:
        return None
    try:
        if text[0].isdigit():
            value = text.replace(",", ".").replace(" ", "T", 1)
            value = value[:-1] + "+00:00" if value.endswith("Z") else value
            moment = datetime.datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
        _day, month, day, clock, _utc, year = text.split()[:6]
        hour, minute, second = (int(part) for part in clock.split(":"))
        return datetime.datetime(int(year), _MONTHS[month], int(day), hour, minute, second, tzinfo=datetime.UTC)
    except (ValueError, KeyError, IndexError):
        return None
