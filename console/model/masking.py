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

__all__ = ["AUTH_SCHEMES", "fingerprint", "looks_like_token", "mask_credential", "mask_secret", "mask_token"]

AUTH_SCHEMES = frozenset({"bearer", "basic", "negotiate", "ntlm", "aws4-hmac-sha256", "digest"})
"""Authorization schemes kept in front of a masked credential (they say what kind of credential it is)."""

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
