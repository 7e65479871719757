"""Whether an echo body can be this request's answer: not from a cache, and for this request's path and method."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.iis import IisView

DATE_SKEW = 900.0
"""Seconds an answer's Date may be off before, with no correlation id of ours in it, it reads as a stored copy."""
CACHE_FIX = (
    "The echo's answer was served from a cache, so it shows an earlier request, not this one: exempt the echo "
    "path from caching (API Gateway stage cache, CloudFront behaviour: no caching, or the correlation id in the "
    "cache key) and trace again."
)
STALE_FIX = (
    "The echo answered, but with another request's correlation id: make sure nothing caches or replays it (a CDN "
    "or proxy keyed without the correlation id) and that it echoes the headers of the request it answers."
)
ROUTE_FIX = (
    "The echo answered for another path or method than this request: check that [iis] echo_path is the route "
    "under test and that no rewrite or default document sends it elsewhere, then trace again."
)


def cached(ev: Evidence, carries_our_id: bool) -> str | None:
    """Why the response is a cache's stored copy (Age, X-Cache: Hit, an old Date), or None."""
    response = ev.response
    if response is None:
        return None
    age = (response.header("age") or "").strip()
    if age.isdigit() and int(age) > 0:
        return f"Age: {age}"
    hit = response.header("x-cache") or ""
    if "hit" in hit.lower():
        return f"X-Cache: {hit[:80]}"
    date = response.header("date")
    if date and not carries_our_id:  # our fresh id in the echo proves it was made for this request, whatever Date says
        try:
            sent = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            return None
        now = ev.started_at if ev.started_at is not None else time.time()
        if abs(sent - now) > DATE_SKEW:
            return f"Date: {date[:60]}"
    return None


def other_route(view: IisView, ev: Evidence) -> str | None:
    """What the echo says it answered when that is not this request's method or path, else None.

    The gateway may strip the stage or map the path, so the path must end in this request's last segment."""
    if view.method and ev.method and view.method.strip().upper() != ev.method.upper():
        return f"method {view.method[:20]}, but this request was {ev.method}"
    if view.path is None or not ev.url:
        return None
    sent = _segments(urlsplit(ev.url).path)
    echoed = _segments(view.path.split("?", 1)[0])
    if (sent[-1:] or [""]) != (echoed[-1:] or [""]):
        return f"path {view.path[:120]}, but this request went to {urlsplit(ev.url).path[:120]}"
    return None


def _segments(path: str) -> list[str]:
    # IIS paths are case-insensitive (/_Echo and /_echo are one resource), and IIS/http.sys report them decoded
    # (%2F is /, %2e is .) with trailing dots trimmed: both sides are compared in that form.
    return [t.lower() for s in unquote(path).split("/") if (t := s.rstrip(".") or s)]
