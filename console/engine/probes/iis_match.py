"""Whether a log line could be one request's when no correlation id ties it: its time, method, path and client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from console.engine.logs.model import LogRecord
from console.engine.probes.w3c import correlation_field

WINDOW = 5.0
"""Seconds of slack around the request: W3C times have one-second resolution and the two clocks differ a little."""


@dataclass(frozen=True, slots=True)
class LogQuery:
    """The request a log line must be: its id, and what a line without the id must agree with."""

    correlation_id: str
    header: str = "X-Correlation-Id"
    sent_at: float = 0.0
    """Epoch seconds when the request was sent."""
    finished_at: float = 0.0
    """Epoch seconds when its answer had arrived (IIS stamps its line when it finishes, in UTC)."""
    method: str = ""
    path: str = ""
    """The URL path as sent; the gateway may drop its stage or base path before IIS (/dev/orders → /orders)."""
    client: str | None = None
    """The client address IIS would log (c-ip), when known."""


def by_time(
    records: Iterable[LogRecord], query: LogQuery, uri_field: str = "cs-uri-stem"
) -> tuple[list[LogRecord], str]:
    """The records that could be the request by time window, method, path (and client), nearest in time first;
    and the criteria used, in words."""
    out: list[tuple[float, LogRecord]] = []
    for record in records:
        at = _window_distance(record, query)
        if at is None:
            continue
        method = record.get("cs-method")
        if query.method and method and method.upper() != query.method.upper():
            continue
        uri = record.get(uri_field)
        if query.path and uri and not same_route(query.path, uri):
            continue
        address = record.get("c-ip")
        if query.client and address and address != query.client:
            continue
        out.append((at, record))
    out.sort(key=lambda pair: pair[0])
    criteria = "time, method, path and client address" if query.client else "time, method and path"
    return [record for _at, record in out], criteria


def _window_distance(record: LogRecord, query: LogQuery) -> float | None:
    """How far the line's time is from the request's end; None when it lies outside the window.

    IIS stamps the line when the request ends; it began time-taken (ms) earlier, which must be after it was sent."""
    logged = record.logged_at()
    if logged is None:
        return None
    end = logged.timestamp()
    taken = (record.number("time-taken") or 0) / 1000
    if end > query.finished_at + WINDOW or end - taken < query.sent_at - WINDOW:
        return None
    return abs(end - query.finished_at)


def same_route(sent: str, logged: str) -> bool:
    """True when the path IIS logged is the sent path, allowing for a stage or base path the gateway dropped or an
    integration prefix it added (compared by whole segments, case-insensitively as IIS does)."""
    a, b = _segments(sent), _segments(logged)
    if not b:
        return len(a) <= 1  # the stage's root (/dev) maps to IIS's root
    if not a:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long[-len(short) :] == short


def _segments(path: str) -> list[str]:
    main = urlsplit(path).path if "://" in path else path.split("?", 1)[0]
    return [unquote(s).lower() for s in main.split("/") if s]


def elsewhere(records: Iterable[LogRecord], query: LogQuery) -> str:
    """Where the id appears outside the correlation-id field (the newest such line), in words; empty if nowhere.

    Such a line is another request's: an id in a User-Agent, a Referer or a query string proves nothing."""
    cid = query.correlation_id
    for record in reversed(list(records)):
        if not cid or not any(cid in value for value in record.raw):
            continue
        own = correlation_field(record.schema, query.header)
        for name in record.schema.fields:
            value = record.get(name) or ""
            if name != own and (value == cid or cid in (record.raw_value(name) or "")):
                where = f"{record.source}:{record.line}"
                kept = f"its {own} field" if own else f"a {query.header} field (the log has none)"
                return f"{cid} is in the {name} field of {where}, not in {kept}: another request's line"
    return ""
