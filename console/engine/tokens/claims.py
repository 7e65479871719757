"""Claim checks against what the verifier expects: times, issuer, audience, token_use, scopes."""

from __future__ import annotations

from typing import Any

from console.engine.tokens.catalogue import finding
from console.model.expectations import Expectations
from console.model.findings import Finding
from console.timefmt import numeric_date, span, utc_text

_NO_EXPECTATIONS = Expectations(require_exp=False)


def check_claims(claims: dict[str, Any], expect: Expectations | None, now: float) -> list[Finding]:
    """Findings for the claims; ``now`` is the verifier's clock (the server's when it is known)."""
    e = expect or _NO_EXPECTATIONS
    found = _time_findings(claims, e, now)
    if e.issuer is not None:
        found += _issuer(claims, e.issuer)
    if e.audiences:
        found += _audience(claims, e.audiences)
    if e.token_use is not None and claims.get("token_use") != e.token_use:
        got = claims.get("token_use")
        what = f"an {got} token" if got in ("id", "access") else f"token_use {_show(got)}"
        found.append(finding("token.wrong_token_use", f"expected an {e.token_use} token, got {what}"))
    if e.scopes:
        scope = claims.get("scope")
        granted = scope.split() if scope.__class__ is str and "scp" not in claims else granted_scopes(claims)
        missing = [s for s in e.scopes if s not in granted]
        if missing:
            has = " ".join(sorted(set(granted))) or "none"
            found.append(finding("token.scope_missing", f"missing {' '.join(missing)}; the token has: {has}"))
    for name in e.required_claims:
        if name not in claims:
            found.append(finding("token.claim_missing", f"the token has no {name!r} claim"))
    return found


def _time_findings(claims: dict[str, Any], e: Expectations, now: float) -> list[Finding]:
    found: list[Finding] = []
    times: dict[str, float] = {}
    for name in ("exp", "nbf", "iat"):
        raw = claims.get(name)
        if raw is None and name not in claims:
            continue
        value = numeric_date(raw)
        if value is None:
            found.append(
                finding(
                    "token.claim_type_invalid", f"{name} is {_show(raw)}; it must be a NumericDate (seconds since 1970)"
                )
            )
        else:
            times[name] = value
    exp = times.get("exp")
    if exp is None:
        if "exp" not in claims and e.require_exp:
            found.append(finding("token.exp_missing", "the token has no exp claim, so it never expires"))
    elif exp <= now:
        ago = f"expired {span(now - exp)} ago at {utc_text(exp)}"
        if exp <= now - e.leeway:
            found.append(finding("token.expired", f"{ago}{_leeway(e)}"))
        else:
            found.append(finding("token.expired_within_leeway", f"{ago}, inside the {e.leeway:g} s leeway"))
    future = now + e.leeway
    for name, label in (("nbf", "not valid before"), ("iat", "issued at")):
        when = times.get(name)
        if when is not None and when > future:
            found.append(
                finding(
                    "token.not_yet_valid",
                    (
                        f"{name} is {span(when - now)} in the future ({label} {utc_text(when)}){_leeway(e)}: "
                        "the issuer's clock is ahead of the verifier's"
                    ),
                )
            )
    if e.max_age is not None and "iat" in times and now - times["iat"] > e.max_age + e.leeway:
        age = span(now - times["iat"])
        found.append(finding("token.too_old", f"issued {age} ago; the max age is {span(e.max_age)}"))
    return found


def _leeway(e: Expectations) -> str:
    return f" (leeway {e.leeway:g} s)" if e.leeway else " (no leeway)"


def _issuer(claims: dict[str, Any], expected: str) -> list[Finding]:
    iss = claims.get("iss")
    if iss == expected:  # exact match only: substring matching was CVE-2024-53861
        return []
    if iss is None:
        return [finding("token.issuer_mismatch", f"the token has no iss; expected {expected!r}")]
    detail = f"the token's iss is {_show(iss)}; expected {expected!r}"
    if isinstance(iss, str) and not iss.isascii():
        odd = ", ".join(f"{ch!r} U+{ord(ch):04X} at {i + 1}" for i, ch in enumerate(iss) if not ch.isascii())
        detail += f" (non-ASCII look-alikes: {odd})"
    elif isinstance(iss, str) and iss.rstrip("/") == expected.rstrip("/"):
        detail += " (they differ only by a trailing slash, and issuers compare exactly)"
    return [finding("token.issuer_mismatch", detail)]


def _audience(claims: dict[str, Any], audiences: tuple[str, ...]) -> list[Finding]:
    aud = claims.get("aud")
    if aud.__class__ is str and aud in audiences:
        return []
    if aud is None:
        client_id = claims.get("client_id")
        if client_id is None:
            return [finding("token.audience_mismatch", "the token has neither aud nor client_id")]
        if client_id in audiences:
            return []
        return [
            finding(
                "token.audience_mismatch",
                (f"client_id is {_show(client_id)} (no aud, a Cognito access token); expected {_list(audiences)}"),
            )
        ]
    values = [aud] if isinstance(aud, str) else aud
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [finding("token.claim_type_invalid", f"aud is {_show(aud)}; it must be a string or a list of strings")]
    if any(v in audiences for v in values):
        return []
    return [finding("token.audience_mismatch", f"aud is {_show(aud)}; expected {_list(audiences)}")]


def granted_scopes(claims: dict[str, Any]) -> set[str]:
    """The scopes a token grants: ``scope`` (space-separated or a list) and ``scp``."""
    granted: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            granted.update(value.split())
        elif isinstance(value, list):
            granted.update(v for v in value if isinstance(v, str))
    return granted


def _list(values: tuple[str, ...]) -> str:
    return " or ".join(repr(v) for v in values)


def _show(value: Any, limit: int = 80) -> str:
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
