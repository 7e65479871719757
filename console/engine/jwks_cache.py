"""JWKS per URL, cached for five minutes; a failed fetch is remembered briefly so it is not retried per trace."""

from __future__ import annotations

import threading
import time

import httpx

from console.engine.tokens.jwks import fetch_jwks
from console.engine.tokens.keys import KeySet
from console.engine.transport import hop_budget
from console.errors import KeyLoadError

TTL = 300.0
FAILURE_TTL = 10.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, KeySet | None]] = {}


def keys_for(url: str, client: httpx.Client | None = None) -> KeySet | None:
    """The key set at ``url``, or None when it cannot be fetched (the signature is then reported unverified).

    The trace's ``client`` is used as it is (its TLS settings, e.g. the sandbox's CA), with its timeout
    as the fetch's deadline."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(url)
    if hit is not None and hit[0] > now:
        return hit[1]
    timeout = hop_budget(client) if client is not None else 5.0
    try:
        keys: KeySet | None = fetch_jwks(url, timeout=timeout, client=client)
        expires = now + TTL
    except KeyLoadError:
        keys, expires = None, now + FAILURE_TTL
    with _lock:
        _cache[url] = (expires, keys)
    return keys


def clear() -> None:
    """Forget every cached key set (a profile switch, or a test)."""
    with _lock:
        _cache.clear()
