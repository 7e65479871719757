"""JWT (HTTP API) and Cognito user-pool (REST) authorizers, evaluated locally from their configuration and the
issuer's JWKS, with the engine's own token verification (console.engine.tokens.inspect_token; no second verifier).

HTTP API JWT (domain §2.1): signature with a key of the issuer's ``jwks_uri`` (RSA only), ``iss`` exactly the
configured issuer, ``aud`` (or ``client_id`` when there is no ``aud``) one of the audiences, ``exp``/``nbf``/``iat``
with no leeway, and at least one of the route's scopes. REST Cognito (§1.5, §6): the pool's JWKS and issuer; with
method scopes the token must be an access token holding one of them, without scopes an ID token; the optional
validation expression applies to an ID token's ``aud``. A refusal names the check, and what the client would get.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from console.aws.config_read_http import is_cognito_issuer
from console.engine.redact import redact_text
from console.engine.tokens import decode_token, inspect_token
from console.engine.tokens.claims import granted_scopes
from console.engine.tokens.keys import RSA_ALGS, KeySet
from console.errors import TokenDecodeError
from console.model.authorizer_decision import AuthorizerResult, ClientResponse, Effect, Source
from console.model.enums import SignatureStatus
from console.model.expectations import Expectations

NOT_GATEWAY_CHECKS = frozenset({"token.too_large_for_iis", "token.too_old", "token.claim_missing"})
"""Engine findings about other hops (IIS's header limit) or Baton's own options: not an authorizer's refusal."""
MAX_DISCOVERY_BYTES = 150_000
AUDIENCE_DESCRIPTION = "the token does not have a valid audience"
"""The only ``error_description`` AWS documents verbatim (domain §2.2); the others are not published."""


@dataclass(frozen=True, slots=True)
class JwtRules:
    """What the authorizer checks."""

    kind: str
    """``JWT`` (HTTP API) or ``COGNITO_USER_POOLS`` (REST)."""
    issuers: tuple[str, ...]
    audiences: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    """The route's (method's) authorization scopes."""
    validation_expression: str = ""


def jwks_url(issuer: str, *, endpoint_url: str | None = None, timeout: float = 5.0) -> str:
    """Where the issuer's keys are. A Cognito pool publishes them at ``{issuer}/.well-known/jwks.json`` (at the
    emulator when ``[aws] endpoint_url`` points at one); any other issuer's come from its OIDC discovery document.
    KeyLoadError when discovery fails."""
    if is_cognito_issuer(issuer):
        if endpoint_url:
            pool = issuer.rstrip("/").rsplit("/", 1)[1]
            return f"{endpoint_url.rstrip('/')}/{pool}/.well-known/jwks.json"
        return f"{issuer.rstrip('/')}/.well-known/jwks.json"
    return _discovered(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout)


def _discovered(url: str, timeout: float) -> str:
    import httpx

    from console.engine.transport import make_client
    from console.errors import KeyLoadError

    body = bytearray()
    try:
        with make_client(timeout) as client, client.stream("GET", url, headers={"Accept": "application/json"}) as got:
            if got.status_code != 200:
                raise KeyLoadError(f"answered HTTP {got.status_code}", where=url, hint="check the authorizer's issuer")
            for chunk in got.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_DISCOVERY_BYTES:
                    raise KeyLoadError(f"is larger than {MAX_DISCOVERY_BYTES:,} bytes", where=url)
    except httpx.HTTPError as exc:
        raise KeyLoadError(f"could not be fetched ({type(exc).__name__})", where=url) from None
    try:
        doc = json.loads(bytes(body))
    except (ValueError, RecursionError):
        doc = None
    found = doc.get("jwks_uri") if isinstance(doc, dict) else None
    if not isinstance(found, str) or not found:
        raise KeyLoadError("has no jwks_uri", where=url, hint="the issuer's OIDC discovery document must name one")
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _refused(rules: JwtRules, codes: set[str], scope_only: bool) -> ClientResponse:
    if rules.kind != "JWT":
        return ClientResponse(401, "Unauthorized", "UnauthorizedException")
    if scope_only:  # RFC 6750's convention; AWS does not document it (domain §2.2, inferred)
        return ClientResponse(403, "Forbidden", 'Bearer error="insufficient_scope"')
    audience = "token.audience_mismatch" in codes
    described = f' error_description="{AUDIENCE_DESCRIPTION}"' if audience else ""
    return ClientResponse(401, "Unauthorized", f'Bearer scope="" error="invalid_token"{described}')


def evaluate(
    token: str,
    rules: JwtRules,
    keys: KeySet,
    *,
    method_arn: str,
    authorizer_id: str,
    authorizer_name: str,
    now: float | None = None,
) -> AuthorizerResult:
    """The authorizer's decision for ``token`` (bare, or after ``Bearer ``) under ``rules``, judged with ``keys``."""
    notes: list[str] = []
    bare = token.strip()
    if bare[:7].lower() == "bearer ":
        bare = bare[7:].strip()
        if rules.kind != "JWT":
            notes.append(
                "the header carries 'Bearer ' before the token; Cognito authorizers are documented with the "
                "raw token (no prefix) — judged without it"
            )

    codes: set[str] = set()

    def result(allowed: bool, reasons: list[str], claims: dict[str, Any], scope_only: bool = False) -> AuthorizerResult:
        shown = tuple((name, redact_text(_text(value), [bare])) for name, value in claims.items())
        return AuthorizerResult(
            allowed=allowed,
            source=Source.LOCAL,
            authorizer_type=rules.kind,
            authorizer_id=authorizer_id,
            authorizer_name=authorizer_name,
            method_arn=method_arn,
            effect=Effect.NO_POLICY,
            principal_id=str(claims["sub"]) if allowed and isinstance(claims.get("sub"), str) else None,
            claims=shown,
            response=None if allowed else _refused(rules, codes, scope_only),
            reasons=tuple(reasons),
            notes=tuple(notes),
        )

    try:
        decoded = decode_token(bare)
    except TokenDecodeError as exc:
        return result(False, [f"not a JWT: {exc.message}"], {})
    if rules.kind == "JWT" and isinstance(decoded.alg, str) and decoded.alg not in RSA_ALGS:
        return result(False, [f"algorithm {decoded.alg[:20]}: JWT authorizers accept only RSA signatures"], {})
    claims = decoded.claims
    iss = claims.get("iss")
    issuer = iss if isinstance(iss, str) and iss in rules.issuers else (rules.issuers[0] if rules.issuers else None)
    token_use = None
    if rules.kind == "COGNITO_USER_POOLS":
        token_use = "access" if rules.scopes else "id"
        notes.append(
            f"{'scopes are' if rules.scopes else 'no scopes are'} set on the method: Cognito expects an "
            f"{token_use} token"
        )
    expect = Expectations(issuer=issuer, audiences=rules.audiences, token_use=token_use, require_exp=True)
    report = inspect_token(decoded, keys=keys, expect=expect, now=now)
    refusing = [found for found in report.findings if found.refuses and found.code not in NOT_GATEWAY_CHECKS]
    codes.update(found.code for found in refusing)
    reasons = [f"{found.title.lower()}: {found.detail}" for found in refusing]
    if report.signature.status is not SignatureStatus.VALID and not refusing:
        reasons.append(f"signature not verified: {report.signature.detail or report.signature.status.value}")
    reasons += _cognito_expression(rules, claims)
    scope_only = False
    if rules.scopes and not reasons:
        granted = granted_scopes(claims)
        if not granted & set(rules.scopes):
            has = " ".join(sorted(granted)) or "none"
            reasons.append(f"scope missing: the route requires one of {' '.join(rules.scopes)}; the token has {has}")
            scope_only = True
    return result(not reasons, reasons, claims, scope_only)


def _cognito_expression(rules: JwtRules, claims: dict[str, Any]) -> list[str]:
    expression = rules.validation_expression
    if rules.kind != "COGNITO_USER_POOLS" or not expression:
        return []
    aud = claims.get("aud")
    if not isinstance(aud, str):
        return [f"token validation expression {expression!r} applies to aud, and this token has none (an access token)"]
    try:
        matched = re.fullmatch(expression, aud) is not None
    except re.error:
        return []  # a Java regex Python cannot read: not judged (the notes of the caller say nothing more)
    return [] if matched else [f"aud {aud!r} does not match the token validation expression {expression!r}"]
