"""IIS-side probes: the echo endpoint's view, the W3C log line for a correlation id, and the direct-spoof check."""

from __future__ import annotations

import json
import mmap
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from console.engine.target import join_url
from console.engine.transport import send
from console.errors import TraceError
from console.model.enums import HopName
from console.model.trace import ResponseSnapshot

SPOOF_SUBJECT_PREFIX = "baton-spoof-check-"


@dataclass(frozen=True, slots=True)
class IisView:
    """What IIS received, as its echo endpoint (or the sandbox) reports it."""

    headers: dict[str, str]
    user: str | None
    auth_type: str | None
    server_variables: dict[str, str]


def echo_view(response: ResponseSnapshot) -> IisView | None:
    """Parse an IIS echo body (JSON with the headers IIS received); None when the body is not one."""
    if "json" not in (response.header("content-type") or "") or not response.body.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(response.body)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("headers"), dict):
        return None
    return view_from(doc)


def view_from(doc: dict[str, Any]) -> IisView:
    """An IisView from the echo/sandbox shape {headers, user, auth_type, server_variables}."""
    headers = {str(k): str(v) for k, v in (doc.get("headers") or {}).items()}
    variables = {str(k): str(v) for k, v in (doc.get("server_variables") or {}).items()}
    user = doc.get("user")
    auth = doc.get("auth_type")
    return IisView(headers, str(user) if user else None, str(auth) if auth else None, variables)


def find_log_line(path: str, correlation_id: str) -> tuple[str | None, str]:
    """The W3C log line holding the correlation id, and a note on how the search went.

    Searches raw bytes (mmap) and decodes only the hit: a 1 M-line log is searched in tens of ms.
    """
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        if size == 0:
            return None, f"{file} is empty (IIS buffers log lines; 'netsh http flush logbuffer' writes them)"
        with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            hit = data.rfind(correlation_id.encode())
            if hit < 0:
                return None, f"no line with {correlation_id} in {file} (IIS may not have flushed its log buffer yet)"
            start = data.rfind(b"\n", 0, hit) + 1
            end = data.find(b"\n", hit)
            line = data[start : end if end >= 0 else size]
    except OSError as exc:
        return None, f"cannot read {file} ({exc.strerror})"
    return line.decode("utf-8", errors="replace").rstrip("\r"), f"found in {file}"


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
        return SpoofResult(url, header, forged, None, False, None, f"IIS not reachable directly ({exc.message})")
    user: str | None = None
    if (response.header("content-type") or "").startswith("application/json"):
        try:
            doc = json.loads(response.body)
            user = str(doc["user"]) if isinstance(doc, dict) and doc.get("user") is not None else None
        except ValueError:
            user = None
    accepted = user == forged  # the echo lists the headers it got: only the resolved user counts
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
