"""Turning untrusted values into inert Content: the one place widgets build text from network data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.content import Content

from console.model.enums import HOP_GLYPH, HopName, HopStatus
from console.sanitize import inert

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

# Header names whose values are credentials; their values are masked unless revealed.
SECRET_NAMES = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie", "x-amz-security-token"}
)
_OPAQUE = re.compile(r"[A-Za-z0-9+/=_.~-]{32,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDENTITY_NAMES = frozenset({"sub", "username", "cognito:username", "principalid", "user", "x-user-sub", "x-user-id",
                            "x-user-name", "x_user_sub", "http_x_user_sub", "auth_user", "email"})
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
    if name.lower() in SECRET_NAMES:
        return True
    bare = _SCHEME.sub("", value)
    if _UUID.fullmatch(bare) or name.lower() in IDENTITY_NAMES:
        return False
    return _OPAQUE.fullmatch(bare) is not None


def masked_text(value: str) -> str:
    """A credential shown by its shape only: the scheme (if any) and its length."""
    scheme = _SCHEME.match(value)
    prefix = scheme.group(0) if scheme else ""
    return f"{prefix}•••• ({len(value) - len(prefix)} chars, masked)"


def hop_value(name: str, value: str, *, masked: bool, style: str = "") -> Content:
    """A header or context value, masked when it looks like a credential and masking is on."""
    if masked and looks_secret(name, value):
        return Content.styled(inert(masked_text(value)), f"italic $text-muted {style}".strip())
    return safe(value, style)


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
