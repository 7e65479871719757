"""Acquire the client's token as the profile says (client_credentials, password, cognito, static), cached until near
expiry."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from console.engine.aws_hooks import TokenSource
from console.engine.deadline import deadline
from console.engine.redact import redact_text, redact_url
from console.engine.target import ClientPlan
from console.engine.tokens.decode import MAX_TOKEN_BYTES
from console.engine.transport import hop_budget
from console.errors import AwsError, TraceError
from console.model.enums import HopName
from console.model.profile import SecretRef

REFRESH_BEFORE = 60.0
"""Seconds before expiry at which a cached token is fetched anew."""
MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024
"""A token endpoint's answer larger than this is refused, as a JWKS is (a token response is a few KiB)."""

Resolver = Callable[[SecretRef], str]


@dataclass(frozen=True, slots=True)
class AcquiredToken:
    """A token and where it came from (never the secrets used to get it)."""

    value: str
    source: str
    """e.g. "password grant at http://…/oauth2/token (access_token)", "static token from env:TOKEN"."""
    cached: bool = False


class TokenCache:
    """Tokens by (token URL, client, user, scope, which token): reused until REFRESH_BEFORE seconds before expiry."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, ...], tuple[str, float]] = {}
        self._clock = clock

    def get(self, key: tuple[str, ...]) -> str | None:
        with self._lock:
            entry = self._tokens.get(key)
        if entry is None or entry[1] - REFRESH_BEFORE <= self._clock():
            return None
        return entry[0]

    def put(self, key: tuple[str, ...], token: str, expires_in: float) -> None:
        with self._lock:
            self._tokens[key] = (token, self._clock() + expires_in)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


SHARED_CACHE = TokenCache()


def value_of(item: SecretRef | str | None, resolve: Resolver) -> str | None:
    """A plain value, or a secret reference resolved now (at use, never stored on disk)."""
    if item is None or isinstance(item, str):
        return item
    return resolve(item)


def acquire_token(
    plan: ClientPlan,
    client: httpx.Client,
    resolve: Resolver,
    *,
    cache: TokenCache = SHARED_CACHE,
    held: list[str] | None = None,
    token_source: TokenSource | None = None,
) -> AcquiredToken | None:
    """The token the client sends, or None for a client without one; ``held`` collects secret values to mask.

    ``token_source`` serves the ``cognito`` flow (the Target's, filled from the profile's [aws] session)."""
    held = held if held is not None else []
    if plan.flow == "none":
        return None
    if plan.flow == "static":
        if plan.token is None:
            return None
        token = value_of(plan.token, resolve) or ""
        held.append(token)
        return AcquiredToken(token.strip(), f"static token from {plan.token}")
    if plan.flow == "cognito":
        return _from_source(plan, token_source, resolve, held, cache)
    if not plan.token_url:
        raise TraceError(f"the {plan.flow} flow needs [identity] token_url", hop=HopName.CLIENT)
    key = _cache_key(plan)
    hit = cached_token(plan, held, cache=cache)
    if hit is not None:
        return hit
    source = _source(plan)
    form = {"grant_type": plan.flow, "client_id": plan.client_id or ""}
    # Every secret is held before the first byte goes out: whatever the endpoint echoes is then masked.
    secret = value_of(plan.client_secret, resolve)
    password = value_of(plan.password, resolve) if plan.flow == "password" else None
    api_key = value_of(plan.api_key, resolve)
    held.extend(v for v in (secret, password, api_key) if v)
    if secret:
        form["client_secret"] = secret
    if plan.scope:
        form["scope"] = plan.scope
    if plan.flow == "password":
        form.update(username=plan.username or "", password=password or "")
    doc = _post_token(client, plan.token_url, form, held)
    sent = doc.get(plan.send)
    if not isinstance(sent, str) or not sent:
        raise TraceError(
            f"the token endpoint's answer has no {plan.send}",
            hop=HopName.CLIENT,
            hint="check the flow and scopes (an id_token needs the openid scope)",
        )
    if len(sent) > MAX_TOKEN_BYTES:  # never sent on: no gateway or IIS takes a header this large
        raise TraceError(
            f"the token endpoint's {plan.send} is {len(sent):,} characters; Baton sends tokens of up "
            f"to {MAX_TOKEN_BYTES:,}",
            hop=HopName.CLIENT,
            hint="http.sys refuses header lines over 16 KiB; check the token endpoint",
        )
    expires_in = doc.get("expires_in")
    cache.put(key, sent, float(expires_in) if isinstance(expires_in, int | float) else 300.0)
    return AcquiredToken(sent, source)


def _from_source(
    plan: ClientPlan, source: TokenSource | None, resolve: Resolver, held: list[str], cache: TokenCache
) -> AcquiredToken:
    """The cognito flow: InitiateAuth through the Target's TokenSource, the answer cached like a token endpoint's."""
    if source is None:
        raise TraceError(
            "the cognito flow needs the profile's [aws] session, and this target has none",
            hop=HopName.CLIENT,
            hint="run the profile through baton trace / the console, which connect [aws]",
        )
    hit = cached_token(plan, held, cache=cache, token_source=source)
    if hit is not None:
        return hit
    # Every secret is held before the call: whatever comes back (or is logged) is then masked.
    secret = value_of(plan.client_secret, resolve)
    password = value_of(plan.password, resolve) or ""
    held.extend(v for v in (secret, password) if v)
    try:
        grant = source.fetch(
            client_id=plan.client_id or "", username=plan.username or "", password=password, client_secret=secret
        )
    except AwsError as exc:
        raise TraceError(redact_text(exc.one_line(), held), hop=HopName.CLIENT) from None
    held.extend(v for v in (grant.access_token, grant.id_token) if v)
    sent = grant.get(plan.send)
    if not sent:
        raise TraceError(f"{source.label} answered without an {plan.send}", hop=HopName.CLIENT)
    cache.put(_cache_key(plan, source), sent, grant.expires_in if grant.expires_in else 300.0)
    return AcquiredToken(sent, _source(plan, source))


def _cache_key(plan: ClientPlan, source: TokenSource | None = None) -> tuple[str, ...]:
    where = plan.token_url or (source.label if source is not None else "")
    return (where, plan.client_id or "", plan.username or "", plan.scope, plan.send, plan.flow)


def _source(plan: ClientPlan, source: TokenSource | None = None) -> str:
    if plan.flow == "cognito":
        return f"{source.label if source is not None else 'Cognito'} ({plan.send})"
    return f"{plan.flow.replace('_', ' ')} grant at {plan.token_url} ({plan.send})"


def cached_token(
    plan: ClientPlan, held: list[str], *, cache: TokenCache = SHARED_CACHE, token_source: TokenSource | None = None
) -> AcquiredToken | None:
    """The token from the cache when it is still fresh (no I/O); None otherwise or for static/no-token flows."""
    if plan.flow in ("none", "static") or not (plan.token_url or (plan.flow == "cognito" and token_source)):
        return None
    value = cache.get(_cache_key(plan, token_source))
    if value is None:
        return None
    held.append(value)
    return AcquiredToken(value, _source(plan, token_source), cached=True)


def _redirected(shown: str, status: int | None, location: str | None, held: list[str]) -> TraceError:
    """A token endpoint that redirects: Baton never follows (the client secret would go to another URL)."""
    answered = f"answered {status}, a redirect" if status else "answered with a redirect"
    where = f" to {redact_url(location, held)[:200]}" if location else ""
    if status and location is None:
        where = " without a Location"
    elif status is None:
        where = " whose Location is not a valid URL"
    return TraceError(
        f"the token endpoint {shown} {answered}{where}; Baton does not follow token endpoint redirects",
        hop=HopName.CLIENT,
        hint="set [identity] token_url to the final URL (often https://, or the path without a trailing slash)",
    )


def _post_token(client: httpx.Client, url: str, form: dict[str, str], held: list[str]) -> dict[str, Any]:
    """POST the token request; the answer is streamed, capped and bounded by the client's timeout as a deadline."""
    shown = redact_text(url, held)
    budget = hop_budget(client)
    body = bytearray()
    try:
        with (
            deadline(budget) as end,
            client.stream("POST", url, data=form, headers={"Accept": "application/json"}) as response,
        ):
            status, location = response.status_code, response.headers.get("location")
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_TOKEN_RESPONSE_BYTES:
                    raise TraceError(
                        f"the token endpoint {shown} answered with more than "
                        f"{MAX_TOKEN_RESPONSE_BYTES:,} bytes; Baton stopped reading",
                        hop=HopName.CLIENT,
                        hint="a token response is a few KiB: is token_url the token endpoint?",
                    )
                if time.monotonic() >= end:  # a proxy from the environment bypasses the deadline backend
                    raise httpx.ReadTimeout("deadline")
    except httpx.TimeoutException:
        got = f" ({len(body):,} bytes had arrived)" if body else ""
        raise TraceError(
            f"the token endpoint {shown} did not answer within {budget:g} s{got}",
            hop=HopName.CLIENT,
            hint="--timeout bounds the whole token request",
        ) from None
    except httpx.RemoteProtocolError as exc:
        if str(exc).startswith("Invalid URL in location header"):
            raise _redirected(shown, None, None, held) from None
        raise TraceError(f"the token endpoint {shown} answered with malformed HTTP", hop=HopName.CLIENT) from None
    except httpx.HTTPError as exc:
        raise TraceError(
            f"cannot reach the token endpoint {shown} ({type(exc).__name__})", hop=HopName.CLIENT
        ) from None
    if 300 <= status < 400:
        raise _redirected(shown, status, location, held)
    try:
        doc = json.loads(bytes(body))
    except (ValueError, RecursionError):
        doc = None
    if status != 200 or not isinstance(doc, dict):
        error = doc.get("error") if isinstance(doc, dict) else None
        # The endpoint's own words: capped, and masked for every held secret (one_line makes them inert).
        described = f" {redact_text(error, held)[:160]}" if isinstance(error, str) else ""
        raise TraceError(
            f"the token endpoint answered {status}{described}",
            hop=HopName.CLIENT,
            hint="check client_id, the client secret reference and the scopes",
        )
    return doc
