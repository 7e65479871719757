"""The gateway's own token checks: REST Cognito user-pool authorizer (§1.5) and HTTP API JWT authorizer (§2.1).

Written independently of console.engine on purpose: an emulator sharing the checker's code could not
catch the checker's bugs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt

__all__ = ["AuthOutcome", "JwksCache", "check_cognito", "check_http_jwt"]

REFETCH_AFTER_S = 300.0
"""An unknown kid triggers a JWKS refetch at most this often."""


@dataclass(frozen=True, slots=True)
class AuthOutcome:
    """The authorizer's verdict, with why, and the claims it would expose to mappings."""

    allowed: bool
    reason: str
    claims: dict[str, Any] | None = None
    status: int = 401
    """401, or 403 for the HTTP API scope failure."""
    description: str = ""
    """error_description for the HTTP API www-authenticate header."""
    error: str = "invalid_token"


class JwksCache:
    """Keys fetched from the issuer's jwks_uri, cached like a real authorizer caches them."""

    def __init__(self, url: str, fetch: Callable[[str], Awaitable[dict[str, Any]]]) -> None:
        self.url = url
        self._fetch = fetch
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = -REFETCH_AFTER_S
        self.verified: dict[str, dict[str, Any]] = {}
        """Claims of tokens whose signature already checked out with the current key set. A signature does
        not change, so this only skips repeated RSA/parse work; every claim rule still runs per request."""

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key for ``kid``; refetches the set when the kid is unknown and the cache is stale."""
        now = time.monotonic()
        if kid not in self._keys and now - self._fetched_at >= REFETCH_AFTER_S:
            self._fetched_at = now
            document = await self._fetch(self.url)
            self._keys = {k["kid"]: jwt.PyJWK(k) for k in document.get("keys", []) if "kid" in k}
            self.verified.clear()
        return self._keys.get(kid)

    async def all_keys(self) -> dict[str, jwt.PyJWK]:
        """Every cached key, fetching the set first if it never was (a Lambda's cold start)."""
        if not self._keys:
            await self.key("")
        return dict(self._keys)

    def kids(self) -> list[str]:
        """The kids currently cached."""
        return list(self._keys)


def _bare(token: str) -> str:
    return token[7:].strip() if token[:7].lower() == "bearer " else token.strip()


async def _verified(token: str, jwks: JwksCache) -> tuple[dict[str, Any] | None, str, str]:
    """(claims, reason, description): claims only when the signature checks out with a known kid."""
    known = jwks.verified.get(token)
    if known is not None:
        return dict(known), "", ""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None, "token is not a JWT", "the token is malformed"
    kid = header.get("kid")
    key = await jwks.key(kid) if isinstance(kid, str) else None
    if key is None:
        return (
            None,
            f"kid {kid!r} is not in the JWKS at {jwks.url} (cached kids: {', '.join(jwks.kids())})",
            "the token's kid was not found in the JWKS",
        )  # wording [inf]: AWS documents only the audience text
    if header.get("alg") != "RS256":
        return None, f"alg {header.get('alg')!r} is not RS256", "the token's algorithm is not supported"
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.PyJWTError:
        return None, "signature does not verify with the JWKS key", "the token's signature is invalid"
    if len(jwks.verified) >= 10_000:
        jwks.verified.clear()
    jwks.verified[token] = claims
    return dict(claims), "", ""


def _scopes(claims: dict[str, Any]) -> set[str]:
    raw = claims.get("scope", claims.get("scp", ""))
    return set(raw.split()) if isinstance(raw, str) else {str(s) for s in raw} if isinstance(raw, list) else set()


def _stringified(claims: dict[str, Any]) -> dict[str, Any]:
    # REST exposes claims to mappings as strings; lists become comma-joined [inf].
    out: dict[str, Any] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            out[name] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, dict):
            out[name] = json.dumps(value, separators=(",", ":"))
        else:
            out[name] = str(value)
    return out


async def check_cognito(header_value: str | None, jwks: JwksCache, issuer: str, scopes: tuple[str, ...]) -> AuthOutcome:
    """REST COGNITO_USER_POOLS: signature, exp, iss; access token + scope when scopes are set, else ID token."""
    if not header_value or not header_value.strip():
        return AuthOutcome(False, "no token in the Authorization header")
    # Documented form is the raw JWT; a "Bearer " prefix is accepted too (observed in practice) [inf].
    claims, reason, _ = await _verified(_bare(header_value), jwks)
    if claims is None:
        return AuthOutcome(False, reason)
    now = time.time()
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
        return AuthOutcome(False, f"token expired at {claims.get('exp')} (now {int(now)})")
    if claims.get("iss") != issuer:
        return AuthOutcome(False, f"iss {claims.get('iss')!r} is not the user pool {issuer!r}")
    if scopes:
        if claims.get("token_use") != "access":
            return AuthOutcome(
                False,
                f"token_use {claims.get('token_use')!r}: OAuth scopes are configured, so an access token is required",
            )
        if not _scopes(claims) & set(scopes):
            return AuthOutcome(False, f"token scope {claims.get('scope', '')!r} has none of {list(scopes)}")
    elif claims.get("token_use") != "id":
        return AuthOutcome(False, "no OAuth scopes configured, so an ID token is required")
    return AuthOutcome(True, "valid Cognito token", _stringified(claims), status=0)


async def check_http_jwt(
    header_value: str | None, jwks: JwksCache, issuer: str, audiences: tuple[str, ...], scopes: tuple[str, ...]
) -> AuthOutcome:
    """HTTP API JWT authorizer, its validation steps in the documented order; no clock leeway."""
    if not header_value or not header_value.strip():
        return AuthOutcome(
            False, "identity source $request.header.Authorization is missing", description="the token is missing"
        )
    claims, reason, description = await _verified(_bare(header_value), jwks)
    if claims is None:
        return AuthOutcome(False, reason, description=description)
    now = time.time()
    if claims.get("iss") != issuer:
        return AuthOutcome(
            False,
            f"iss {claims.get('iss')!r} does not match the configured issuer {issuer!r}",
            description="the token does not have a valid issuer",
        )  # wording [inf]
    aud = claims.get("aud", claims.get("client_id"))  # client_id only when aud is absent
    aud_values = aud if isinstance(aud, list) else [aud]
    if not any(a in audiences for a in aud_values):
        return AuthOutcome(
            False,
            f"aud/client_id {aud!r} is not one of {list(audiences)}",
            description="the token does not have a valid audience",
        )  # verbatim [doc]
    for claim, must_be_after in (("exp", True), ("nbf", False), ("iat", False)):
        value = claims.get(claim)
        if value is None and claim != "exp":
            continue
        if not isinstance(value, int | float) or (value <= now if must_be_after else value > now):
            text = "the token has expired" if claim == "exp" else "the token is not valid yet"  # [inf]
            return AuthOutcome(False, f"{claim} {value} vs now {int(now)}", description=text)
    if scopes and not _scopes(claims) & set(scopes):
        return AuthOutcome(
            False,
            f"token scope {claims.get('scope', '')!r} has none of {list(scopes)}",
            status=403,
            error="insufficient_scope",
            description="the token does not have the required scopes",
        )
    return AuthOutcome(True, "valid JWT", dict(claims), status=0)
