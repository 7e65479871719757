"""IIS-side probes: the echo endpoint's view, the W3C log line for a correlation id, and the direct-spoof check."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

import httpx

from console.engine.target import join_url
from console.engine.transport import send
from console.errors import TraceError
from console.model.enums import HopName
from console.model.trace import ResponseSnapshot

SPOOF_SUBJECT_PREFIX = "baton-spoof-check-"
UNREACHABLE = "IIS not reachable directly"


@dataclass(frozen=True, slots=True)
class IisView:
    """What IIS received, as its echo endpoint (or the sandbox, or its W3C log line) reports it."""

    headers: dict[str, str]
    user: str | None
    auth_type: str | None
    server_variables: dict[str, str]
    duplicates: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Names given more than once, with every value: header names compared case-insensitively (HTTP's rule),
    and the echo's own keys (two ``user`` keys). Which copy IIS used is not known: the identity is ambiguous."""
    malformed: tuple[str, ...] = ()
    """Echo values that are not what the echo shape says (a user that is a list, not a string), as JSON."""
    path: str | None = None
    method: str | None = None
    """The path and method the echo says it answered, when it says (an echo of another request's path is not
    this request's answer)."""


def echo_view(response: ResponseSnapshot) -> IisView | None:
    """Parse an IIS echo body (JSON with the headers IIS received); None when the body is not one."""
    if "json" not in (response.header("content-type") or "") or not response.body.lstrip().startswith("{"):
        return None
    repeated: list[tuple[str, tuple[str, ...]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        # json.loads keeps the last of two equal keys: note every repeated key so the ambiguity is not lost.
        seen: dict[str, list[Any]] = {}
        for key, value in items:
            seen.setdefault(key, []).append(value)
        repeated.extend((k, tuple(shown(v) for v in vs)) for k, vs in seen.items() if len(vs) > 1)
        return dict(items)

    try:
        doc = json.loads(response.body, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("headers"), dict):
        return None
    view = view_from(doc)
    known = {name.casefold() for name, _ in view.duplicates}
    extra = tuple(d for d in repeated if d[0].casefold() not in known)
    return replace(view, duplicates=view.duplicates + extra) if extra else view


def shown(value: Any) -> str:
    """A JSON value as one line of text: strings as they are, anything else as compact JSON (never a repr)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:200]
    except (TypeError, ValueError):
        return type(value).__name__


def _kind(value: Any) -> str:
    return {list: "a list", dict: "an object", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def view_from(doc: dict[str, Any]) -> IisView:
    """An IisView from the echo/sandbox shape {headers, user, auth_type, server_variables}."""
    malformed: list[str] = []
    headers: dict[str, str] = {}
    copies: dict[str, list[str]] = {}
    for key, value in (doc.get("headers") or {}).items():
        if value is not None and not isinstance(value, str):
            malformed.append(f"the header {key} is {_kind(value)} ({shown(value)}), not a string")
        headers[str(key)] = shown(value)
        copies.setdefault(str(key).casefold(), []).append(str(key))
    duplicates = tuple((names[0], tuple(headers[n] for n in names)) for names in copies.values() if len(names) > 1)
    variables = {str(k): shown(v) for k, v in (doc.get("server_variables") or {}).items()}
    user = doc.get("user")
    if user is not None and not isinstance(user, str):
        malformed.append(f"the user is {_kind(user)} ({shown(user)}), not a string")
        user = None
    auth = doc.get("auth_type")
    path, method = doc.get("path"), doc.get("method")
    return IisView(
        headers,
        user or None,
        shown(auth) if auth else None,
        variables,
        duplicates,
        tuple(malformed),
        shown(path) if path is not None else None,
        shown(method) if method is not None else None,
    )


@dataclass(frozen=True, slots=True)
class SpoofResult:
    """The direct-to-IIS check: does IIS take an identity header from a caller that is not the gateway?"""

    url: str
    header: str
    forged: str
    status: int | None
    accepted: bool
    resolved_user: str | None
    detail: str


def spoof_check(
    client: httpx.Client, iis_url: str, path: str, header: str, correlation: tuple[str, str] | None = None
) -> SpoofResult:
    """Send a request straight to IIS with a forged, clearly marked identity and see whether IIS believes it."""
    forged = f"{SPOOF_SUBJECT_PREFIX}{uuid.uuid4().hex[:8]}"
    url = join_url(iis_url, path)
    extra = [correlation] if correlation else []
    try:  # through send(): a wall deadline and a body cap, like every other request of the trace
        response = send(
            client, "GET", url, [(header, forged), ("X-Baton-Probe", "spoof-check"), *extra], hop=HopName.IIS
        )
    except TraceError as exc:
        return SpoofResult(url, header, forged, None, False, None, f"{UNREACHABLE} ({exc.message})")
    user: str | None = None
    # Any JSON type (application/json, text/json, …+json), as echo_view reads the echo itself.
    if "json" in (response.header("content-type") or "").lower():
        try:
            doc = json.loads(response.body)
            user = shown(doc["user"]) if isinstance(doc, dict) and doc.get("user") is not None else None
        except (ValueError, RecursionError):
            user = None
    # The echo lists the headers it got: only the resolved user counts. The marker is unique to this check, so
    # a user holding it at all (CORP\marker, marker@domain) is IIS taking the forged value.
    accepted = user is not None and forged in user
    detail = (
        f"IIS answered {response.status} to a direct request with {header}: {forged} "
        f"and resolved the user as {user or 'nobody'}"
    )
    return SpoofResult(url, header, forged, response.status, accepted, user, detail)


SPOOF_CHECK_TTL = 60.0
"""Seconds a spoof-check answer is reused: it describes the deployment, not one request."""
_spoof_cache: dict[tuple[str, str, str], tuple[float, SpoofResult]] = {}
_spoof_lock = threading.Lock()


def cached_spoof_check(
    client: httpx.Client, iis_url: str, path: str, header: str, correlation: tuple[str, str] | None = None
) -> SpoofResult:
    """spoof_check, answered from a per-(IIS, path, header) cache for SPOOF_CHECK_TTL seconds."""
    key = (iis_url, path, header)
    now = time.monotonic()
    with _spoof_lock:
        hit = _spoof_cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    result = spoof_check(client, iis_url, path, header, correlation)
    with _spoof_lock:
        _spoof_cache[key] = (now + SPOOF_CHECK_TTL, result)
    return result
