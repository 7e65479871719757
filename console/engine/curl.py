"""The equivalent curl command for a trace, with the token and every credential redacted, safe to paste."""

from __future__ import annotations

import shlex

from console.engine.redact import is_secret_header, redact_text
from console.model.trace import Trace


def curl_command(trace: Trace, correlation_header: str = "X-Correlation-Id") -> str:
    """A curl line reproducing the trace's request; credentials become $TOKEN / $API_KEY placeholders.

    Only those placeholders expand in the user's shell: every other character is quoted literally (a header
    value ``$(…)`` stays text), and control characters are written as ANSI-C escapes, never raw."""
    parts = [_quote(p) for p in ("curl", "-sS", "-i", "-X", trace.request.method or "GET", trace.url)]
    if trace.token is not None:
        parts += ["-H", _quote("Authorization: Bearer ") + '"$TOKEN"']
    parts += ["-H", _quote(f"{correlation_header}: {trace.correlation_id}")]
    for name, value in trace.request.headers:
        if name.lower() == correlation_header.lower():
            continue  # the user's own id is the trace's correlation id: written once, above
        if is_secret_header(name):
            parts += ["-H", _quote(f"{name}: ") + f'"${_variable(name)}"']
        else:
            parts += ["-H", _quote(f"{name}: {redact_text(value)}")]
    return " ".join(parts)


def _variable(name: str) -> str:
    """A shell variable name for a header: letters, digits and underscores only."""
    cleaned = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in name.upper())
    return cleaned if cleaned[:1].isalpha() else f"H_{cleaned}"


def _quote(part: str) -> str:
    if part.isprintable():
        return shlex.quote(part)
    # ANSI-C quoting: the exact characters for the shell, and no raw control character in the pasted line.
    return "$'" + "".join(ch if ch.isprintable() and ch not in "\\'" else _escape(ch) for ch in part) + "'"


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in "\\'":
        return f"\\{ch}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"  # a lone surrogate has no bytes to reproduce
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
