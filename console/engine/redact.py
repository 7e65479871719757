"""Redaction: tokens, keys and secrets never reach output, logs or exports (security.md §3)."""

from __future__ import annotations

import re
from collections.abc import Iterable

SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie", "x-amz-security-token",
    "x-origin-verify", "x-amzn-remapped-authorization",
})
_SECRET_NAME = re.compile(r"(?i)(token|secret|session|api[-_]?key|signature|credential|password)")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
_AWS_KEY = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
_MIN_SECRET = 6  # shorter held values would mask ordinary words


def is_secret_header(name: str) -> bool:
    """True for headers whose values are credentials."""
    lowered = name.lower()
    return lowered in SECRET_HEADERS or bool(_SECRET_NAME.search(lowered))


def redact_value(value: str) -> str:
    """A credential shown as its scheme and size only: 'Bearer <redacted JWT, 812 chars>'."""
    scheme, sep, rest = value.partition(" ")
    if sep and scheme.lower() in {"bearer", "basic", "negotiate", "ntlm", "aws4-hmac-sha256"}:
        return f"{scheme} {redact_value(rest)}"
    kind = "JWT" if _JWT.fullmatch(value.strip()) else "value"
    return f"<redacted {kind}, {len(value)} chars>"


def redact_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Headers with credential values redacted (names and order kept)."""
    return tuple((k, redact_value(v) if is_secret_header(k) else redact_text(v)) for k, v in headers)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with JWTs, AWS key ids and every held secret value masked."""
    text = _JWT.sub(lambda m: f"<redacted JWT, {len(m.group(0))} chars>", text)
    text = _AWS_KEY.sub(lambda m: f"{m.group(1)}<redacted>", text)
    for secret in secrets:
        if len(secret) >= _MIN_SECRET:
            text = text.replace(secret, "<redacted secret>")
    return text
