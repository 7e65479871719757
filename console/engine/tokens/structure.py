"""Findings about what a token is and what its header asks for, before any key is involved."""

from __future__ import annotations

import re
from typing import Any

from console.engine.tokens.catalogue import finding
from console.model.findings import Finding
from console.model.token import DecodedToken, TokenKind

HTTP_SYS_MAX_FIELD_LENGTH = 16384
"""http.sys MaxFieldLength default (bytes per header line); MaxRequestBytes is also 16384 by default."""
_AUTH_PREFIX = len("Authorization: Bearer ")
_KEY_HEADERS = ("jwk", "jku", "x5u", "x5c")
# Cognito kids are base64 ("abc/def+ghi="): a '/' inside is normal; a leading '/' or '../' is a path.
_KID_SUSPICIOUS = re.compile(r"(\.\.|^/|[\\|;`$'\"<>]|--|\x00|\s(?:union|select|or|and)\s)", re.IGNORECASE)
_KID_MAX = 256
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_PLAIN_HEADER = frozenset({"alg", "kid", "typ", "cty"})
_CRIT_UNDERSTOOD: frozenset[str] = frozenset()  # Baton implements no JWS extension, not even b64 (RFC 7797).


def structure_findings(token: DecodedToken) -> list[Finding]:
    """Findings that depend only on the token's form and header."""
    found: list[Finding] = []
    if token.kind is TokenKind.JWE:
        enc = token.header.get("enc")
        found.append(
            finding(
                "token.encrypted",
                (
                    f"five segments (JWE, alg {_short(token.header.get('alg'))}, enc {_short(enc)}): the claims are "
                    "encrypted, so neither Baton nor a gateway authorizer can read or verify them"
                ),
            )
        )
    elif token.kind is TokenKind.OPAQUE:
        found.append(
            finding(
                "token.not_jwt",
                (
                    f"a {len(token.compact)}-character bearer token with no dots: a reference (opaque) token "
                    "whose meaning only its issuer knows (introspection endpoint)"
                ),
            )
        )
    if token.size + _AUTH_PREFIX > HTTP_SYS_MAX_FIELD_LENGTH:
        found.append(
            finding(
                "token.too_large_for_iis",
                (
                    f"'Authorization: Bearer <token>' is {token.size + _AUTH_PREFIX:,} bytes; http.sys refuses header "
                    f"lines over {HTTP_SYS_MAX_FIELD_LENGTH:,} bytes (MaxFieldLength default) with "
                    "400 'Request Header Too Long' from Microsoft-HTTPAPI/2.0, before IIS logs anything"
                ),
            )
        )
    if token.kind is not TokenKind.JWS:
        return found
    if token.encoding != "utf-8":
        found.append(
            finding(
                "token.not_utf8",
                (
                    f"the JOSE JSON is {token.encoding}, not UTF-8 (RFC 8725 §3.7); pyjwt would accept it, "
                    "but a strict verifier refuses it"
                ),
            )
        )
    for dup in token.duplicates:
        shown = ", ".join(_short(v) for v in dup.values)
        found.append(
            finding(
                "token.duplicate_claim",
                (
                    f"{dup.part} member {_short(dup.name)} appears {len(dup.values)} times ({shown}); Python and pyjwt "
                    f"use the last ({_short(dup.values[-1])}), other parsers may use the first or refuse"
                ),
            )
        )
    if token.header.keys() <= _PLAIN_HEADER:
        kid = token.header.get("kid")
        if kid is None or (kid.__class__ is str and len(kid) <= _KID_MAX and not _KID_SUSPICIOUS.search(kid)):
            return found  # the common header (alg, kid, typ): nothing more to look at
    present = [h for h in _KEY_HEADERS if h in token.header]
    if present:
        where = "; ".join(f"{h}={_short(token.header[h])}" for h in present)
        found.append(
            finding(
                "token.untrusted_key_header",
                (f"the header carries {', '.join(present)} ({where}); Baton ignored it and made no request"),
            )
        )
    kid = token.header.get("kid")
    if "kid" in token.header and _kid_is_suspicious(kid):
        found.append(
            finding(
                "token.kid_suspicious",
                (f"kid {_short(kid)} ({_kid_reason(kid)}); Baton used it only as an opaque lookup key"),
            )
        )
    found.extend(_crit_findings(token.header))
    return found


def _kid_is_suspicious(kid: Any) -> bool:
    if not isinstance(kid, str) or len(kid) > _KID_MAX:
        return True
    if len(kid) % 4 == 0 and _BASE64.fullmatch(kid):
        return False  # a base64 thumbprint (Cognito's kids) may start with '/': it is not a path
    return bool(_KID_SUSPICIOUS.search(kid))


def _kid_reason(kid: Any) -> str:
    if not isinstance(kid, str):
        return f"a JSON {type(kid).__name__}, not a string"
    if len(kid) > _KID_MAX:
        return f"{len(kid):,} characters long"
    return "contains path, SQL or shell characters"


def _crit_findings(header: dict[str, Any]) -> list[Finding]:
    if header.get("b64") is False:
        return [
            finding(
                "token.crit_unsupported",
                "b64 false (RFC 7797 unencoded payload): not a JWT, and no gateway authorizer accepts it",
            )
        ]
    if "crit" not in header:
        return []
    crit = header["crit"]
    if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
        return [finding("token.crit_unsupported", f"crit is {_short(crit)}; it must be a non-empty list of names")]
    unknown = [c for c in crit if c not in _CRIT_UNDERSTOOD]
    if unknown:
        return [
            finding(
                "token.crit_unsupported",
                f"the header marks {', '.join(_short(c) for c in unknown)} as critical; no verifier here "
                "understands it, so the token must be refused",
            )
        ]
    return []


def _short(value: Any, limit: int = 60) -> str:
    """Repr-escaped and truncated: header values are attacker-controlled."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
