"""Redaction: tokens, keys and secrets never reach output, logs or exports (security.md §3).

Two rules, applied together: values of credential-named headers are masked whole, and every *held* secret
(the client secret, password, API key and token Baton itself resolved or received) is masked wherever it
appears, whatever the header's name or the text around it, the way `op run` masks by value.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus, unquote_plus

from console.model.masking import AUTH_SCHEMES as _SCHEMES
from console.model.masking import SECRET_HEADERS, is_credential_param, mask_credential, mask_secret, mask_token

_SECRET_NAME = re.compile(r"(?i)(token|secret|session|api[-_]?key|signature|credential|password)")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
_AWS_KEY = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
# API Gateway (and the sandbox, which mimics it) masks as asterisks plus the value's last 6 characters;
# for a JWT those are signature characters, so the tail is dropped before Baton prints the line.
_TAIL_MASK = re.compile(r"\*{4,}[A-Za-z0-9._~+/=-]{1,8}(?![A-Za-z0-9._~+/=-])")
_MIN_SECRET = 6  # shorter held values would mask ordinary words
_KEEP_FIELDS = frozenset({"trace_id", "correlation_id", "request", "token"})
"""Trace fields never rewritten: ids (a correlation id is not a secret), the user's own request (replayed as
typed) and the token report (it *is* the held token, shown only through its mask)."""
_T = TypeVar("_T")


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


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` with every credential-looking query value replaced by ``<redacted>`` (whatever its length), and
    held secrets, JWTs and AWS key ids masked in the rest."""
    main, sep, query = url.partition("?")
    if sep:
        query, hash_sign, fragment = query.partition("#")
        items = []
        for item in query.split("&"):
            name, eq, raw = item.partition("=")
            credential = eq and is_credential_param(unquote_plus(name), unquote_plus(raw))
            items.append(f"{name}=<redacted>" if credential else item)
        url = f"{main}?{'&'.join(items)}{hash_sign}{fragment}"
    return redact_text(url, secrets)


def header_secrets(name: str, value: str) -> list[str]:
    """The values to hold for a header the user sends: for a credential header its whole value, the credential
    after an auth scheme and each cookie's value; nothing for other headers."""
    if not is_secret_header(name) or not value.strip():
        return []
    held = [value, value.strip()]
    scheme, sep, rest = value.strip().partition(" ")
    if sep and scheme.lower() in _SCHEMES:
        held.append(rest.strip())
    if name.lower() in ("cookie", "set-cookie"):
        held += [part.partition("=")[2].strip() for part in value.split(";") if "=" in part]
    return [h for h in held if h]


def redact_all(item: _T, secrets: Iterable[str], *, done: frozenset[str] = frozenset()) -> _T:
    """``item`` (a finished Trace, or any of its parts) with every string in it redacted as redact_text does,
    credential-named pairs masked whole, and the fields in _KEEP_FIELDS left alone.

    ``done``: further field names already redacted with these same secrets (the response ``send`` snapshotted),
    left as they are: walking them again only costs time."""
    walker = _Walker(_held_forms(secrets), _KEEP_FIELDS | done)
    result: _T = walker.walk(item)
    return result


class _Walker:
    """One redaction pass over a structure. A trace repeats the same evidence lines in its observations, hops and
    findings: each distinct string is redacted once, and a part with nothing to redact is kept as it is."""

    def __init__(self, held: list[tuple[str, str]], keep: frozenset[str]) -> None:
        self.held = held
        self.keep = keep
        self.done: dict[str, str] = {}
        self.parts: dict[int, tuple[Any, Any]] = {}
        """id(part) -> (part, its redacted form): observations are shared by the hops, the trace and the events."""

    def text(self, value: str) -> str:
        shown = self.done.get(value)
        if shown is None:
            shown = self.done[value] = _redact(value, self.held)
        return shown

    def walk(self, item: Any) -> Any:
        kind = type(item)
        if kind is str:
            return self.text(item)
        if kind in _ATOMS or isinstance(item, Enum):
            return item  # enums before str: a StrEnum is a str, and its value is Baton's own word
        if kind is tuple:
            if len(item) == 2 and type(item[0]) is str and type(item[1]) is str:
                return self.pair(item)  # (header, value): Cookie, X-Api-Key…
            walked = [self.walk(v) for v in item]
            return item if walked == list(item) else tuple(walked)
        if kind is list:
            return [self.walk(v) for v in item]
        if kind is dict:
            return {k: self.pair_value(k, v) if type(k) is str else self.walk(v) for k, v in item.items()}
        if isinstance(item, str):
            return self.text(item)
        names = _walked_fields(kind, self.keep)
        if names is None:
            return item
        known = self.parts.get(id(item))
        if known is not None and known[0] is item:
            return known[1]
        changes = {}
        for name in names:
            value = getattr(item, name)
            walked = self.walk(value)
            if walked is not value and walked != value:
                changes[name] = walked
        result = dataclasses.replace(item, **changes) if changes else item
        self.parts[id(item)] = (item, result)  # the part is kept too, so its id cannot be reused meanwhile
        return result

    def pair(self, item: tuple[str, str]) -> tuple[str, str]:
        """A (name, value) pair of strings, the name redacted as text and the value as pair_value says."""
        name, value = item
        shown = (self.text(name), self.pair_value(name, value))
        return item if shown == item else shown

    def pair_value(self, name: str, value: Any) -> Any:
        """The value of a (name, value) pair: masked whole under a credential header name (once: a mask stays as
        it is, so its length is the credential's), else walked."""
        if isinstance(value, str) and name.lower() in SECRET_HEADERS:
            return value if "<redacted" in value else redact_value(value)
        return self.walk(value)


_ATOMS = frozenset({type(None), bool, int, float, bytes})


_FIELDS: dict[tuple[type, frozenset[str]], tuple[str, ...] | None] = {}


def _walked_fields(kind: type, keep: frozenset[str]) -> tuple[str, ...] | None:
    """The fields of a dataclass type that a redaction pass walks (None: not a dataclass, kept as it is)."""
    key = (kind, keep)
    if key not in _FIELDS:
        is_data = dataclasses.is_dataclass(kind)
        _FIELDS[key] = (
            tuple(f.name for f in dataclasses.fields(kind) if f.init and f.name not in keep) if is_data else None
        )
    return _FIELDS[key]


def _redact(text: str, held: list[tuple[str, str]]) -> str:
    for form, shown in held:  # first: a held token must not be half-rewritten by the JWT pattern
        if form in text:
            text = text.replace(form, shown)
    # Each pattern only where its marker is: most evidence lines hold none, and three regex passes per line were
    # most of a trace's redaction time.
    if "eyJ" in text:
        text = _JWT.sub(lambda m: mask_token(m.group(0)), text)
    if "AKIA" in text or "ASIA" in text:
        text = _AWS_KEY.sub(lambda m: f"{m.group(1)}<redacted>", text)
    return _TAIL_MASK.sub("********", text) if "****" in text else text


def _held_forms(secrets: Iterable[str]) -> list[tuple[str, str]]:
    """Each held secret as it may be echoed — raw, URL-encoded (a form post), JSON-escaped — with its mask."""
    return _held_forms_of(tuple(s for s in secrets if isinstance(s, str)))


@functools.lru_cache(maxsize=64)
def _held_forms_of(secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    # Cached: one trace redacts headers, bodies and its result with the same held list many times over.
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
