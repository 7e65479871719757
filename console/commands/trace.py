"""`baton trace`: send one request through the gateway and name the hop that dropped the identity."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console.commands.style import SEVERITY_MARK, Style
from console.errors import UsageError
from console.model.trace import HOP_GLYPH, HopStatus, Trace, TraceRequest
from console.sanitize import inert

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton trace`."""
    parser.add_argument("--profile", metavar="NAME|FILE", help="profile to trace with (default: sandbox)")
    parser.add_argument("--scenario", metavar="NAME", help="start the embedded sandbox with this scenario")
    parser.add_argument("--method", metavar="M", default="", help="HTTP method (default: the profile's, else GET)")
    parser.add_argument("--path", metavar="P", default="", help="request path (default: the echo path or /)")
    parser.add_argument("--header", metavar="K:V", action="append", default=[], help="extra request header")
    parser.add_argument("--token", metavar="REF|-", help="use this token instead of the profile's flow: "
                        "a reference (env:VAR, file:PATH) or - for stdin")
    parser.add_argument("--timeout", metavar="SECONDS", type=float, default=10.0,
                        help="give up on a hop after this long (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--no-color", action="store_true", help="no colours in text output")


def run(args: argparse.Namespace) -> int:
    """Exit 0: identity reached IIS intact; 1: a break (or no confirmation); 2: usage/profile; 3: could not run."""
    from console.config import load_profile
    from console.config.secrets import resolve_secret
    from console.session import Session

    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    profile = load_profile(args.profile or None)
    request = TraceRequest(method=args.method.upper(), path=args.path, headers=_headers(args.header))
    token = _token(args.token, resolve_secret)
    session = Session(profile, args.scenario, timeout=args.timeout)
    try:
        trace = session.trace(request, token=token)
    finally:
        session.close()
    if args.json:
        json.dump(trace_json(trace), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(trace, Style(color=False if args.no_color else None)))
    if trace.error is not None:
        sys.stderr.write(f"baton: {trace.error}\n")
        return EXIT_UNREACHABLE
    return EXIT_OK if trace.verdict.ok else EXIT_BROKEN


def _headers(raw: list[str]) -> tuple[tuple[str, str], ...]:
    headers = []
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise UsageError(f"--header {item[:60]!r} is not NAME:VALUE")
        headers.append((name.strip(), value.strip()))
    return tuple(headers)


def _token(ref: str | None, resolve: Any) -> str | None:
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


def trace_json(trace: Trace) -> dict[str, Any]:
    """The stable --json document (tokens redacted; no signature bytes)."""
    return {
        "trace_id": trace.trace_id,
        "correlation_id": trace.correlation_id,
        "profile": trace.profile,
        "scenario": trace.scenario,
        "request": {"method": trace.request.method or "GET", "url": trace.url,
                    "headers": [[k, "<redacted>"] for k, _v in trace.request.headers]},
        "hops": [{
            "hop": hop.name.value, "status": hop.status.value,
            "identity": None if hop.identity is None else {
                "subject": hop.identity.subject, "source": hop.identity.source,
                "values": dict(hop.identity.claims)},
            "evidence": list(hop.evidence), "elapsed_ms": None if hop.elapsed_ms is None else round(hop.elapsed_ms, 2),
        } for hop in trace.hops],
        "findings": [{"code": f.code, "severity": f.severity.value, "hop": f.hop, "title": f.title,
                      "detail": f.detail, "fix": f.fix, "confidence": f.confidence} for f in trace.findings],
        "verdict": {"ok": trace.verdict.ok, "broken_at": trace.verdict.broken_at.value if trace.verdict.broken_at
                    else None, "finding": trace.verdict.finding, "summary": trace.verdict.summary,
                    "fix": trace.verdict.fix, "missing_evidence": trace.verdict.missing_evidence},
        "response": None if trace.response is None else {
            "status": trace.response.status, "elapsed_ms": round(trace.response.elapsed_ms, 2),
            "headers": [list(h) for h in trace.response.headers]},
        "error": trace.error,
    }


_STATUS_STYLE = {HopStatus.OK: "green", HopStatus.WARNING: "yellow", HopStatus.BROKEN: "red",
                 HopStatus.UNKNOWN: "yellow", HopStatus.NOT_REACHED: "dim"}


def render_text(trace: Trace, s: Style) -> str:
    """The hop table, the verdict line and the findings with fixes."""
    out = [f"{s('Trace', 'bold')} {trace.trace_id}  profile {inert(trace.profile)}"
           + (f"  scenario {inert(trace.scenario)}" if trace.scenario else "")
           + f"  {trace.request.method or 'GET'} {inert(trace.url)}",
           f"{s('Correlation id', 'dim')} {trace.correlation_id}", ""]
    for hop in trace.hops:
        glyph = HOP_GLYPH[hop.status]
        word = hop.status.value.replace("_", " ")
        latency = f"{hop.elapsed_ms:7.1f} ms" if hop.elapsed_ms is not None else "       — "
        who = _identity(hop)
        out.append(f"  {s(glyph, _STATUS_STYLE[hop.status])} {s(f'{word:<11}', _STATUS_STYLE[hop.status])} "
                   f"{hop.name.value:<12} {latency}  {inert(who)}")
    verdict = trace.verdict
    out.append("")
    if verdict.ok:
        out.append(f"{s('Verdict', 'bold')}  {s('✓ identity reached IIS intact', 'green')} — {inert(verdict.summary)}")
    else:
        out.append(f"{s('Verdict', 'bold')}  {s('✗', 'red')} {inert(verdict.summary)}")
    if verdict.fix:
        out.append(f"{s('Fix', 'bold')}      {inert(verdict.fix)}")
    if verdict.missing_evidence:
        out.append(f"{s('To tell', 'bold')}  {inert(verdict.missing_evidence)}")
    if trace.findings:
        out += ["", s("Findings", "bold")]
        for f in trace.findings:
            mark, color = SEVERITY_MARK[f.severity.value]
            where = f" @{f.hop}" if f.hop else ""
            out.append(f"  {s(mark, color)} {s(f.code, color, 'bold')}{where}  {f.title}"
                       + (f"  ({f.confidence})" if f.confidence else ""))
            out.append(f"      {inert(f.detail)}")
            out.append(s(f"      fix: {f.fix}", "dim"))
    return "\n".join(out) + "\n"


def _identity(hop: Any) -> str:
    if hop.identity is None:
        return "unknown" if hop.status is HopStatus.UNKNOWN else ""
    if hop.identity.subject:
        return f"{hop.identity.subject} ({hop.identity.source})"
    return f"anonymous ({hop.identity.source})"
