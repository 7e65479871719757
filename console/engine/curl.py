"""The equivalent curl command for a trace, with the token and every credential redacted, safe to paste."""

from __future__ import annotations

import re
import shlex
from typing import Any

from console.engine.redact import is_secret_header, redact_text
from console.model.enums import HopName
from console.model.trace import Trace

SIGV4_CREDENTIALS = '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
SESSION_HEADER = '-H "x-amz-security-token: $AWS_SESSION_TOKEN"'
_REGION = re.compile(r"[a-z]{2}(?:-[a-z0-9]+)+-\d{1,2}")


def curl_command(trace: Trace, correlation_header: str = "X-Correlation-Id") -> str:
    """A curl line reproducing the trace's request; credentials become $TOKEN / $API_KEY placeholders.

    A request Baton signed with SigV4 (``[gateway] auth = "iam"``) is signed by curl the same way (``--aws-sigv4``,
    curl 7.75 or later) from the standard AWS environment variables, named and never filled in: an unsigned copy
    would only get API Gateway's 403 "Missing Authentication Token".

    Only those placeholders expand in the user's shell: every other character is quoted literally (a header
    value ``$(…)`` stays text), and control characters are written as ANSI-C escapes, never raw."""
    parts = [_quote(p) for p in ("curl", "-sS", "-i", "-X", trace.request.method or "GET", trace.url)]
    signing = sigv4_of(trace)
    if signing is not None:
        region = signing.get("region")
        scope = region if isinstance(region, str) and _REGION.fullmatch(region) else "$AWS_REGION"
        parts += ["--aws-sigv4", f'"aws:amz:{scope}:execute-api"', SIGV4_CREDENTIALS]
        if signing.get("session_token") is True:
            # Only when the signing had one (SSO, a role): curl would sign an empty header it then does not send.
            parts.append(SESSION_HEADER)
    elif trace.token is not None:  # with SigV4 an Authorization header would replace the signature: never both
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


def sigv4_of(trace: Trace) -> dict[str, Any] | None:
    """How the trace's request was signed (region, whether with a session token), or None when it was not signed.
    A signing that failed (no credentials) still means the API wants a signed request: its region is not known."""
    for hop in trace.hops:
        if hop.name is not HopName.CLIENT:
            continue
        for seen in hop.observations:
            if seen.probe == "sigv4":
                said = seen.data.get("sigv4")
                return dict(said) if isinstance(said, dict) else {}
    return None


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
