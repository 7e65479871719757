"""What `baton trace` takes from its command line: the test request, the token, and what to tell before it runs."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from console.errors import UsageError
from console.model.trace import TraceRequest

if TYPE_CHECKING:
    from console.model.profile import Profile


def request_from(args: argparse.Namespace) -> TraceRequest:
    """The test request of ``--method``, ``--path`` and ``--header``; exit 2 for anything HTTP cannot carry (a
    control character in the method, a line break in a header), before any sandbox or network work."""
    from console.engine.transport import check_request

    headers = _headers(args.header)
    check_request(args.method or "GET", headers, labels=("--method", "--header"))
    bad = next((ch for ch in args.path if not ch.isprintable() and ch != " "), None)
    if bad is not None:
        raise UsageError(f"--path: contains the control character U+{ord(bad):04X}", hint="percent-encode it")
    return TraceRequest(method=args.method.upper(), path=args.path, headers=headers)


def _headers(raw: list[str]) -> tuple[tuple[str, str], ...]:
    headers = []
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise UsageError(f"--header {item[:60]!r} is not NAME:VALUE")
        headers.append((name.strip(), value.strip()))
    return tuple(headers)


def token_from(ref: str | None, resolve: Any) -> str | None:
    """The token of ``--token`` (a reference or ``-`` for stdin), or None."""
    if ref is None:
        return None
    if ref == "-":
        text = sys.stdin.read() if sys.stdin is not None else ""
        if not text.strip():
            raise UsageError("--token -: nothing on stdin")
        return text.strip()
    from console.config.secrets import parse_secret_ref

    try:
        parsed = parse_secret_ref(ref)
    except ValueError as exc:
        hint = "give a reference (env:VAR, file:PATH) or -, never the token itself"
        raise UsageError(f"--token: {exc}", hint=hint) from None
    value: str = resolve(parsed)
    return value.strip()


def notes(profile: Profile, request: TraceRequest) -> list[str]:
    """What the user must know before reading the result: the profile's warnings (one line each, key named), an
    assumed environment, an IAM request that goes unsigned, their own correlation id, a credential in the --path
    query."""
    from console.model.masking import query_credentials
    from console.model.profile import ENVIRONMENT_ASSUMED_NOTE

    where = profile.source or profile.name
    consequence = " (no spoof check, production safety rules)"
    told: list[str] = []
    for warning in profile.warnings:
        assumed = profile.environment_assumed and warning.startswith("environment:")
        told.append(f"{where}: {warning}" + (consequence if assumed else ""))
    if profile.environment_assumed and not any(w.startswith("environment:") for w in profile.warnings):
        told.append(f"{where}: {ENVIRONMENT_ASSUMED_NOTE}{consequence}")
    header = profile.propagation.correlation_header
    given = [v for k, v in request.headers if k.lower() == header.lower()]
    if given:
        told.append(
            f"{header} {given[-1]!r} is yours: Baton sends it, searches the logs for it and shows it; "
            "an id used before can match log lines of earlier requests"
        )
    named = ", ".join(f"{name!r}=…" for name, _value, _raw in query_credentials(request.path))
    if named:
        told.append(
            f"--path: the query carries credentials ({named}): they are sent, and masked in Baton's output, "
            "but IIS (cs-uri-query) and gateway access logs record query strings; prefer a header"
        )
    return told
