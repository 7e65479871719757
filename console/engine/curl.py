"""The equivalent curl command for a trace, with the token and every credential redacted."""

from __future__ import annotations

import shlex

from console.engine.redact import is_secret_header
from console.model.trace import Trace


def curl_command(trace: Trace, correlation_header: str = "X-Correlation-Id") -> str:
    """A curl line reproducing the trace's request; credentials become $TOKEN / $API_KEY placeholders."""
    parts = ["curl", "-sS", "-i", "-X", trace.request.method or "GET", trace.url]
    if trace.token is not None:
        parts += ["-H", "Authorization: Bearer $TOKEN"]
    parts += ["-H", f"{correlation_header}: {trace.correlation_id}"]
    for name, value in trace.request.headers:
        shown = f"${name.upper().replace('-', '_')}" if is_secret_header(name) else value
        parts += ["-H", f"{name}: {shown}"]
    # Double quotes keep $TOKEN expandable in the user's shell; everything else is quoted literally.
    return " ".join(f'"{p}"' if "$" in p else shlex.quote(p) for p in parts)
