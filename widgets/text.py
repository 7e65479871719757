"""Turning untrusted values into inert Content: the one place widgets build text from network data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.content import Content

from console.model.enums import HOP_GLYPH, HopName, HopStatus
from console.model.masking import AUTH_SCHEMES, SECRET_HEADERS, mask_credential, mask_token
from console.sanitize import inert
from console.timefmt import time_text

if TYPE_CHECKING:
    from console.model.trace import Identity

Part = str | Content | tuple[str, str]
"""A piece of a line: a trusted literal, ready Content, or (trusted text, style)."""

STATUS_WORD: dict[HopStatus, str] = {
    HopStatus.OK: "ok",
    HopStatus.WARNING: "warning",
    HopStatus.BROKEN: "broken",
    HopStatus.UNKNOWN: "unknown",
    HopStatus.NOT_REACHED: "not reached",
}
STATUS_STYLE: dict[HopStatus, str] = {
    HopStatus.OK: "$text-success",
    HopStatus.WARNING: "$text-warning",
    HopStatus.BROKEN: "bold $text-error",
    HopStatus.UNKNOWN: "$text-muted",
    HopStatus.NOT_REACHED: "$text-muted",
}
PENDING_GLYPH, PENDING_WORD = "·", "pending"

# How API Gateway (and the sandbox, mimicking it) logs a credential: asterisks, then its last few characters.
_TAIL_MASK = re.compile(r"\*{4,}([A-Za-z0-9._~+/=-]{0,8})")
_OPAQUE = re.compile(r"[A-Za-z0-9+/=_.~-]{32,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDENTITY_NAMES = frozenset(
    {
        "sub",
        "username",
        "cognito:username",
        "principalid",
        "user",
        "x-user-sub",
        "x-user-id",
        "x-user-name",
        "x_user_sub",
        "http_x_user_sub",
        "auth_user",
        "email",
    }
)
_SCHEME = re.compile(r"^(Bearer|Basic|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+", re.IGNORECASE)


def safe(value: Any, style: str = "") -> Content:
    """Any value from the network as inert, markup-free Content."""
    text = value if isinstance(value, str) else show_value(value)
    return Content.styled(inert(text), style)


def show_value(value: Any) -> str:
    """A claim or context value as one readable line (JSON for non-strings)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # circular or exotic values: still show something
        return repr(value)


def line(*parts: Part) -> Content:
    """One line assembled from trusted literals, styled literals and already-safe Content."""
    return Content.assemble(*parts)


def lines(rows: Iterable[Content]) -> Content:
    """Rows joined with newlines."""
    return Content("\n").join(rows)


def looks_secret(name: str, value: str) -> bool:
    """True for values that should be masked: credential headers and long opaque tokens.

    Identities stay visible: a UUID subject or an identity header is what the operator came to see."""
    if name.lower() in SECRET_HEADERS:
        return True
    bare = _SCHEME.sub("", value)
    if _TAIL_MASK.fullmatch(bare):
        return True
    if _UUID.fullmatch(bare) or name.lower() in IDENTITY_NAMES:
        return False
    return _OPAQUE.fullmatch(bare) is not None


def masked_text(value: str, known: Iterable[str] = ()) -> str:
    """A credential by its shape: scheme, real length and a fingerprint (console.model.masking), never a character.

    Gateway and IIS records show a token as asterisks and its last characters, so their length is not the
    token's: when the tail matches a token Baton sent (``known``), that token's length and fingerprint are shown,
    and the same token reads the same at every hop."""
    scheme, sep, rest = value.partition(" ")
    has_scheme = bool(sep) and scheme.lower() in AUTH_SCHEMES
    inner = rest.strip() if has_scheme else value.strip()
    if inner.startswith("<redacted "):
        return value  # masked already, by the engine
    tail = _TAIL_MASK.fullmatch(inner)
    if tail is None:
        return mask_credential(value)
    end = tail.group(1)
    token = next((t for t in known if end and t.endswith(end)), None)
    shown = mask_token(token) if token else "<masked upstream, length unknown>"
    return f"{scheme} {shown}" if has_scheme else shown


def hop_value(
    name: str, value: str, *, masked: bool, style: str = "", now: float | None = None, known: Iterable[str] = ()
) -> Content:
    """A header, claim or context value: masked when it looks like a credential and masking is on; a time claim
    (``exp``, ``claims.iat``…) as a UTC time and how long ago or ahead, when ``now`` is given (never a raw epoch)."""
    if masked and looks_secret(name, value):
        return Content.styled(inert(masked_text(value, known)), f"italic $text-muted {style}".strip())
    told = time_text(name, value, now) if now is not None else None
    return safe(told if told is not None else value, style)


def identity_summary(identity: Identity | None, hop: HopName | None = None) -> Content:
    """One line: ``sub=alice via X-User-Sub header``, ``anonymous`` or ``unknown``."""
    if identity is None:
        return Content.styled("unknown", "$text-muted")
    if identity.anonymous:
        return Content.styled("anonymous", "$text-warning")
    label = "user" if hop is HopName.IIS else "sub"
    parts: list[Part] = [f"{label}=", safe(identity.subject or "", "bold")]
    if identity.source:
        parts += [(" via ", "$text-muted"), safe(identity.source, "$text-muted")]
    return line(*parts)


def latency(elapsed_ms: float | None) -> str:
    """``12 ms``, ``1.4 s`` or empty when unknown."""
    if elapsed_ms is None:
        return ""
    return f"{elapsed_ms:.0f} ms" if elapsed_ms < 1000 else f"{elapsed_ms / 1000:.1f} s"


def status_badge(status: HopStatus | None) -> Content:
    """Glyph and word for a hop status (never colour alone); None means not observed yet."""
    if status is None:
        return Content.styled(f"{PENDING_GLYPH} {PENDING_WORD}", "$text-muted")
    return Content.styled(f"{HOP_GLYPH[status]} {STATUS_WORD[status]}", STATUS_STYLE[status])


def heading(text: str) -> Content:
    """A section heading inside a pane."""
    return Content.styled(text, "bold $text-accent")
