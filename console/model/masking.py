"""How a credential is shown when it must not be: its length and, for a token, a short fingerprint. Pure functions.

No part of a token's signature or of a secret is ever printed, not even a tail (API Gateway's own masking keeps
the last characters, which for a JWT are its signature). A fingerprint lets two tokens be told apart
without revealing either; secrets (passwords, client secrets, API keys) get their length only, since a
hash of a low-entropy secret could be brute-forced offline. Widgets, the engine and the sandbox all mask
through here so every surface shows the same text.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote_plus, urlsplit

__all__ = [
    "AUTH_SCHEMES",
    "SECRET_HEADERS",
    "SECRET_QUERY_WORDS",
    "fingerprint",
    "is_credential_param",
    "looks_like_token",
    "mask_credential",
    "mask_secret",
    "mask_token",
    "query_credentials",
]

AUTH_SCHEMES = frozenset({"bearer", "basic", "negotiate", "ntlm", "aws4-hmac-sha256", "digest"})
"""Authorization schemes kept in front of a masked credential (they say what kind of credential it is)."""

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "cookie",
        "set-cookie",
        "x-amz-security-token",
        "x-origin-verify",
        "x-amzn-remapped-authorization",
    }
)
"""Header names whose values are credentials: masked whole wherever they are shown (engine and widgets)."""

_FINGERPRINT_HEX = 8
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?")
_OPAQUE_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{20,}")


def fingerprint(value: str | bytes) -> str:
    """``sha256:1f3a9c0b`` — the first 32 bits of the SHA-256 of the whole value (enough to tell tokens apart)."""
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return f"sha256:{hashlib.sha256(data).hexdigest()[:_FINGERPRINT_HEX]}"


def looks_like_token(value: str) -> bool:
    """True for a JWT/JWE or a long opaque bearer token (high entropy: a fingerprint reveals nothing useful)."""
    bare = value.strip()
    return _JWT.fullmatch(bare) is not None or _OPAQUE_TOKEN.fullmatch(bare) is not None


def mask_token(value: str) -> str:
    """``<redacted JWT, 977 chars, sha256:1f3a9c0b>``: kind, length and fingerprint, never a character of it."""
    kind = "JWT" if _JWT.fullmatch(value.strip()) else "token"
    return f"<redacted {kind}, {len(value)} chars, {fingerprint(value)}>"


def mask_secret(value: str) -> str:
    """``<redacted secret, 24 chars>``: the length only."""
    return f"<redacted secret, {len(value)} chars>"


def mask_credential(value: str) -> str:
    """A credential as it may be shown: its scheme (if any), then the token or secret mask.

    ``Bearer eyJ…`` → ``Bearer <redacted JWT, 977 chars, sha256:1f3a9c0b>``; ``hunter2`` →
    ``<redacted secret, 7 chars>``."""
    scheme, sep, rest = value.partition(" ")
    if sep and scheme.lower() in AUTH_SCHEMES and rest.strip():
        inner = rest.strip()
        # Basic carries base64("user:password"): a low-entropy secret, so no fingerprint.
        return f"{scheme} {mask_secret(inner) if scheme.lower() == 'basic' else mask_credential(inner)}"
    return mask_token(value) if looks_like_token(value) else mask_secret(value)


SECRET_QUERY_WORDS = (
    "secret",
    "password",
    "passwd",
    "token",
    "key",
    "credential",
    "signature",
    "sig",
    "auth",
    "code",
    "session",
)
"""A query parameter whose name holds one of these words carries a credential (``api_key``, ``access_token``)."""
SECRET_SHAPE = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----")


def is_credential_param(name: str, value: str) -> bool:
    """True for a query parameter that carries a credential, by its name or by the shape of its value."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_QUERY_WORDS) or bool(SECRET_SHAPE.search(value))


def query_credentials(url: str) -> list[tuple[str, str, str]]:
    """(name, decoded value, value as written) of every credential-looking parameter in ``url``'s query."""
    found = []
    for item in urlsplit(url).query.split("&"):
        name, _, raw = item.partition("=")
        value = unquote_plus(raw)
        if name and is_credential_param(unquote_plus(name), value):
            found.append((unquote_plus(name), value, raw))
    return found
