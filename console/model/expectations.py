"""What a verifier expects of a token: the rules an authorizer would apply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Expectations:
    """Claim rules; an empty field means "not checked"."""

    issuer: str | None = None
    audiences: tuple[str, ...] = ()
    """Any one of these must be in ``aud``, or equal ``client_id`` when ``aud`` is absent (Cognito access tokens)."""
    token_use: str | None = None
    """Cognito ``token_use``: ``access`` or ``id``."""
    scopes: tuple[str, ...] = ()
    required_claims: tuple[str, ...] = ()
    max_age: float | None = None
    """Seconds since ``iat`` after which the token is too old."""
    leeway: float = 0.0
    """Seconds of clock tolerance for exp, nbf and iat."""
    require_exp: bool = True
    """A token without ``exp`` never expires; authorizers refuse it (API Gateway JWT authorizers require it)."""
