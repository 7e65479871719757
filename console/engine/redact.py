"""Redaction: tokens, keys and secrets never reach output, logs or exports (security.md §3).

Two rules, applied together: values of credential-named headers are masked whole, and every *held* secret
(the client secret, password, API key and token Baton itself resolved or received) is masked wherever it
appears, whatever the header's name or the text around it, the way `op run` masks by value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from console.model.masking import mask_credential, mask_secret, mask_token

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
_SECRET_NAME = re.compile(r"(?i)(token|secret|session|api[-_]?key|signature|credential|password)")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
_AWS_KEY = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
# API Gateway (and the sandbox, which mimics it) masks as asterisks plus the value's last 6 characters;
# for a JWT those are signature characters, so the tail is dropped before Baton prints the line.
_TAIL_MASK = re.compile(r"\*{4,}[A-Za-z0-9._~+/=-]{1,8}(?![A-Za-z0-9._~+/=-])")
_MIN_SECRET = 6  # shorter held values would mask ordinary words


def is_secret_header(name: str) -> bool:
    """True for headers whose values are credentials."""
    lowered = name.lower()
    return lowered in SECRET_HEADERS or bool(_SECRET_NAME.search(lowered))


def redact_value(value: str) -> str:
    """A credential as it may be printed: scheme, length and (tokens only) a fingerprint.

    'Bearer <redacted JWT, 812 chars, sha256:1f3a9c0b>'; never a character of the token or secret."""
    return mask_credential(value)


def redact_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """Headers with credential values redacted and held secrets masked in every other value (names, order kept)."""
    held = _held_forms(secrets)
    return tuple((k, redact_value(v) if is_secret_header(k) else _redact(v, held)) for k, v in headers)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with JWTs, AWS key ids, masked tails and every held secret value masked."""
    return _redact(text, _held_forms(secrets))


def _redact(text: str, held: list[tuple[str, str]]) -> str:
    for form, shown in held:  # first: a held token must not be half-rewritten by the JWT pattern
        if form in text:
            text = text.replace(form, shown)
    text = _JWT.sub(lambda m: mask_token(m.group(0)), text)
    text = _AWS_KEY.sub(lambda m: f"{m.group(1)}<redacted>", text)
    return _TAIL_MASK.sub("********", text)


def _held_forms(secrets: Iterable[str]) -> list[tuple[str, str]]:
    """Each held secret as it may be echoed — raw, URL-encoded (a form post), JSON-escaped — with its mask."""
    forms: dict[str, str] = {}
    for secret in secrets:
        if not isinstance(secret, str) or len(secret) < _MIN_SECRET:
            continue
        shown = mask_token(secret) if _JWT.fullmatch(secret) else mask_secret(secret)
        for form in (secret, secret.strip(), *_url_forms(secret), json.dumps(secret)[1:-1]):
            if form and len(form) >= _MIN_SECRET:
                forms.setdefault(form, shown)
    return sorted(forms.items(), key=lambda item: -len(item[0]))  # longest first: no partial overlap left behind


def _url_forms(secret: str) -> tuple[str, ...]:
    try:
        return quote(secret, safe=""), quote_plus(secret, safe="")
    except UnicodeEncodeError:  # a lone surrogate cannot be URL-encoded, so it cannot be echoed that way either
        return ()
