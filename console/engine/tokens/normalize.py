"""Turn what people paste into a compact token, and say what was removed."""

from __future__ import annotations

import re
from urllib.parse import unquote

_AUTH_HEADER = re.compile(r"(?im)^\s*(?:-H\s*['\"]?)?authorization\s*:\s*(?P<value>[^\r\n'\"]*)")
_BEARER = re.compile(r"(?i)^bearer\s+")
_JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?")
_WHITESPACE = re.compile(r"\s+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_QUOTES = ('"', "'", "`")


def normalize(text: str) -> tuple[str, tuple[str, ...]]:
    """Return the compact token found in ``text`` and notes on every change made to get it."""
    notes: list[str] = []
    value = text.strip()

    header = _AUTH_HEADER.search(value)
    if header is not None and (header.start() > 0 or "\n" in value.strip()):
        notes.append("took the token from the Authorization header line in the pasted text")
        value = header.group("value").strip()
    elif header is not None:
        notes.append("removed the 'Authorization:' header name")
        value = header.group("value").strip()

    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        notes.append("removed surrounding quotes")
        value = value[1:-1].strip()

    if _BEARER.match(value):
        notes.append("removed the 'Bearer ' prefix")
        value = _BEARER.sub("", value, count=1)

    if _WHITESPACE.search(value):
        joined = _WHITESPACE.sub("", value)
        if _looks_like_token(joined) and joined.count(".") in (2, 4):
            notes.append("removed whitespace and line breaks inside the token")
            value = joined
        else:
            found = _JWT_SHAPE.search(text)
            if found is not None:
                notes.append("took the JWT out of the surrounding text")
                value = found.group(0)

    if _PERCENT.search(value):
        decoded = unquote(value)
        if decoded != value and _looks_like_token(decoded):
            notes.append("URL-decoded the token (%2E and friends)")
            value = decoded

    return value, tuple(notes)


def _looks_like_token(value: str) -> bool:
    return bool(value) and re.fullmatch(r"[A-Za-z0-9._~+/=-]+", value) is not None
