"""The token finding catalogue: every code with its severity, title and fix, in one place.

docs/findings.md lists the same codes; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.findings import Finding, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Entry:
    """A catalogue row: what is the same for every occurrence of a code."""

    severity: Severity
    title: str
    fix: str


TOKEN_FINDINGS: dict[str, Entry] = {
    # -- what the text is ---------------------------------------------------------------
    "token.encrypted": Entry(
        E,
        "Encrypted JWE, not a signed JWT",
        "Send the signed access token (three segments); a gateway JWT or Cognito authorizer cannot read a JWE.",
    ),
    "token.not_jwt": Entry(
        E,
        "Opaque token, not a JWT",
        "JWT and Cognito authorizers need a JWT; ask the IdP for a JWT access token, or use a Lambda "
        "authorizer that introspects opaque tokens.",
    ),
    "token.not_utf8": Entry(
        E,
        "Header or claims are not UTF-8 JSON",
        "Issue tokens whose JSON is UTF-8 (RFC 8725 §3.7); .NET and API Gateway refuse other encodings "
        "even where pyjwt accepts them.",
    ),
    "token.duplicate_claim": Entry(
        W,
        "Duplicate member name",
        "Issue tokens with unique claim names (RFC 7519 §4); parsers disagree on which value wins, so "
        "two hops can see two identities.",
    ),
    "token.too_large_for_iis": Entry(
        E,
        "Token too large for IIS (http.sys header limit)",
        "Shrink the token (fewer groups/claims) or raise http.sys MaxFieldLength and MaxRequestBytes on "
        "the IIS host; IIS answers 400 before any code runs.",
    ),
    # -- the JOSE header ----------------------------------------------------------------
    "token.alg_none": Entry(
        E,
        "Unsigned token (alg none)",
        "Never accept alg none in any casing; re-issue a signed token (RS256 for Cognito).",
    ),
    "token.alg_unsupported": Entry(
        E,
        "Unsupported or missing signing algorithm",
        "Use an algorithm the authorizer accepts (RS256 for Cognito; RS*/PS*/ES*/EdDSA/HS* for JWT authorizers).",
    ),
    "token.untrusted_key_header": Entry(
        W,
        "Key material in the header (jwk/jku/x5u/x5c)",
        "Verifiers must ignore keys named by the token itself; Baton ignored them and fetched nothing. "
        "Check why the issuer (or an attacker) put them there.",
    ),
    "token.kid_suspicious": Entry(
        W,
        "Suspicious kid (path, SQL or shell characters)",
        "A kid is an opaque lookup key; make sure no verifier uses it as a path, query or command.",
    ),
    "token.crit_unsupported": Entry(
        E,
        "Unsupported critical header (crit)",
        "Remove the crit extension or use a verifier that implements it; RFC 7515 §4.1.11 requires "
        "refusing unknown critical headers.",
    ),
    # -- the signature ------------------------------------------------------------------
    "token.signature_unverified": Entry(
        INFO, "Signature not checked", "Give a key to check it: --jwks URL|FILE, --key PEM_FILE or --secret env:VAR."
    ),
    "token.signature_empty": Entry(
        E,
        "Empty signature",
        "A signed token needs its third segment; this one was stripped or forged (CVE-2020-28042 shape).",
    ),
    "token.signature_invalid": Entry(
        E,
        "Signature does not verify",
        "The token was altered or signed with another key: check the issuer's current JWKS and that "
        "the token was not edited.",
    ),
    "token.ecdsa_zero_signature": Entry(
        E,
        "ECDSA signature with r or s zero (psychic signature)",
        "Reject it: r=s=0 verifies on broken ECDSA stacks (CVE-2022-21449); the token is forged.",
    ),
    "token.alg_confusion": Entry(
        E,
        "HMAC token checked against a public key (algorithm confusion)",
        "Pin the algorithm to the key's (RS256 for an RSA key); never let the token's alg choose HMAC "
        "with a public key as the secret (CVE-2016-10555).",
    ),
    "token.alg_key_mismatch": Entry(
        E,
        "Token algorithm does not match the key",
        "Sign with the algorithm the key is bound to, or publish the key with the right alg.",
    ),
    "token.kid_unknown": Entry(
        E,
        "Signing key not in the key set (unknown kid)",
        "The IdP signs with a key the verifier does not have: refresh the JWKS (key rotation), or "
        "point the authorizer at the right issuer/user pool.",
    ),
    "token.hmac_secret_weak": Entry(
        W,
        "HMAC secret shorter than the hash",
        "Use a random secret at least as long as the hash output (32 bytes for HS256, RFC 7518 §3.2).",
    ),
    "token.jwks_symmetric_key": Entry(
        W,
        "Symmetric (oct) key in a public JWKS",
        "A published key set must hold public keys only; remove the oct key and rotate that secret.",
    ),
    "token.jwks_duplicate_kid": Entry(
        W,
        "Two keys under one kid in the JWKS",
        "Give every key in the set its own kid (RFC 7517 §4.5); after a rotation, publish the new key under a "
        "new kid and drop the old one when its tokens have expired.",
    ),
    "token.kid_ambiguous": Entry(
        E,
        "Token verifies only with a later key under a shared kid",
        "A kid lookup takes one key, and this token does not verify with it: sign with the first key published "
        "under the kid, or give each key its own kid.",
    ),
    # -- the claims ---------------------------------------------------------------------
    "token.expired": Entry(
        E, "Token expired", "Get a new token (refresh it before exp); if it looks freshly issued, check the clocks."
    ),
    "token.expired_within_leeway": Entry(
        INFO, "Token expired, but inside the leeway", "Accepted only thanks to the leeway; refresh tokens earlier."
    ),
    "token.not_yet_valid": Entry(
        E,
        "Token not yet valid (nbf or iat in the future)",
        "The issuer's clock is ahead of the verifier's: sync both with NTP, or allow a small leeway.",
    ),
    "token.too_old": Entry(
        E,
        "Token older than the allowed max age",
        "Get a fresh token; the verifier refuses tokens issued longer ago than its max age.",
    ),
    "token.exp_missing": Entry(
        E,
        "No exp claim",
        "Issue tokens with exp; authorizers (API Gateway JWT authorizers included) refuse tokens that never expire.",
    ),
    "token.claim_type_invalid": Entry(
        E,
        "Claim has the wrong type",
        "exp, nbf and iat must be NumericDate (seconds since the epoch, a number); aud a string or a list of strings.",
    ),
    "token.issuer_mismatch": Entry(
        E,
        "Issuer does not match",
        "Point the authorizer at this token's issuer, or get the token from the expected issuer (user pool / tenant).",
    ),
    "token.audience_mismatch": Entry(
        E,
        "Audience does not match",
        "Request the token for the audience the API expects (app client id for Cognito), or add this "
        "audience to the authorizer's list.",
    ),
    "token.wrong_token_use": Entry(
        E,
        "Wrong kind of token (token_use)",
        "Send the kind of token the API expects: an access token for APIs, not the ID token.",
    ),
    "token.scope_missing": Entry(
        E,
        "Required scope missing",
        "Request the token with the scopes the route requires (add them to the app client and the token request).",
    ),
    "token.claim_missing": Entry(
        E, "Required claim missing", "Add the claim to the token (IdP claim mapping / pre-token-generation trigger)."
    ),
    "token.clock_skew": Entry(
        W,
        "Clocks disagree",
        "Sync the client, IdP and gateway clocks with NTP; skew shows up as expired or not-yet-valid tokens.",
    ),
}


def finding(code: str, detail: str, *, evidence: tuple[str, ...] = ()) -> Finding:
    """A Finding for a catalogued code; an unknown code is a programming error."""
    entry = TOKEN_FINDINGS[code]
    return Finding(
        code=code,
        severity=entry.severity,
        title=entry.title,
        detail=detail,
        fix=entry.fix,
        evidence=evidence,
    )
