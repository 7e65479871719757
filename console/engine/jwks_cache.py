"""JWKS per URL, cached for five minutes; a failed fetch is remembered briefly so it is not retried per trace."""

from __future__ import annotations

import threading
import time

import httpx

from console.engine.tokens.keys import KeySet, fetch_jwks
from console.errors import KeyLoadError

TTL = 300.0
FAILURE_TTL = 10.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, KeySet | None]] = {}


def keys_for(url: str, client: httpx.Client | None = None) -> KeySet | None:
    """The key set at ``url``, or None when it cannot be fetched (the signature is then reported unverified)."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(url)
    if hit is not None and hit[0] > now:
        return hit[1]
    transport = getattr(client, "_transport", None) if client is not None else None
    try:
        keys: KeySet | None = fetch_jwks(url, transport=transport)
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
