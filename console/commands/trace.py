"""`baton trace`: send one request through the gateway and name the hop that dropped the identity."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from console.commands.redraw import RedrawLine
from console.commands.seconds import timeout_seconds
from console.commands.style import SEVERITY_MARK, Style
from console.errors import UsageError
from console.model.enums import HopName, VerdictKind
from console.model.trace import HOP_GLYPH, Hop, HopObservation, HopStatus, Trace
from console.model.views import verdict_kind
from console.sanitize import inert

if TYPE_CHECKING:
    from console.engine.tracebook import BookChange, TraceBook

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton trace`."""
    parser.add_argument("--profile", metavar="NAME|FILE", help="profile to trace with (default: sandbox)")
    parser.add_argument("--scenario", metavar="NAME", help="start the embedded sandbox with this scenario")
    parser.add_argument("--method", metavar="M", default="", help="HTTP method (default: the profile's, else GET)")
    parser.add_argument("--path", metavar="P", default="", help="request path (default: the echo path or /)")
    parser.add_argument("--header", metavar="K:V", action="append", default=[], help="extra request header")
    parser.add_argument(
        "--token",
        metavar="REF|-",
        help="use this token instead of the profile's flow: a reference (env:VAR, file:PATH) or - for stdin",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=timeout_seconds,
        default=10.0,
        help="give up on a hop after this long (default 10, at most 3600)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--no-color", action="store_true", help="no colours in text output")


def run(args: argparse.Namespace) -> int:
    """Exit 0: identity reached IIS intact; 1: a break (or no confirmation); 2: usage/profile; 3: could not run."""
    from console.commands.trace_input import notes, request_from, token_from
    from console.config import load_profile
    from console.config.scenarios import check_scenario
    from console.config.secrets import profile_resolver
    from console.session import Session

    profile = load_profile(args.profile or None)
    scenario = check_scenario(profile, args.scenario)  # exit 2 before anything starts
    request = request_from(args)
    for note in notes(profile, request):
        sys.stderr.write(f"baton: {inert(note)}\n")
    token = token_from(args.token, profile_resolver(profile))  # an aws-secretsmanager: ref uses the [aws] profile
    from console.engine.tracebook import TraceBook

    session = Session(profile, scenario, timeout=args.timeout)
    book = TraceBook()
    style = Style(color=False if args.no_color else None)
    if not args.json and sys.stderr.isatty():
        book.subscribe(ProgressPrinter(book, sys.stderr, style))
    try:
        session.trace(request, book.record, token=token)
    finally:
        session.close()
    trace = book.trace()
    if trace is None:  # the engine always finishes a trace it started; say so rather than print nothing
        raise UsageError("the trace finished without a result")
    if args.json:
        json.dump(trace_json(trace), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(trace, style))
    kind = verdict_kind(trace)
    if kind is VerdictKind.ERROR:
        sys.stderr.write(f"baton: {inert(trace.error or 'the trace could not run')}\n")
        return EXIT_UNREACHABLE
    return EXIT_OK if kind is VerdictKind.OK else EXIT_BROKEN


class ProgressPrinter:
    """Prints each hop to a terminal as the book learns it, so a slow hop shows where the trace is waiting; a wait
    that reports progress (CloudWatch's delivery of the gateway's log) is one line redrawn in place.

    The table on stdout comes from the finished trace; these lines are progress only, never the verdict."""

    def __init__(self, book: TraceBook, out: TextIO, style: Style, width: int | None = None) -> None:
        self.book, self.out, self.style = book, out, style
        self.shown: set[HopName] = set()
        self.live = RedrawLine(out, width)
        """The progress line (no line end while shown): erased before anything else is written."""

    def __call__(self, change: BookChange) -> None:
        if self.book.trace() is not None:
            self._erase()
            return
        if not change.current:
            return
        for hop in self.book.hops():
            if hop is not None and hop.name not in self.shown:
                self.shown.add(hop.name)
                self._erase()
                self.out.write(
                    self.style(f"  … {hop.name.value:<12} seen ({hop.status.value.replace('_', ' ')})", "dim") + "\n"
                )
        waiting = self._progress()
        if waiting is not None:
            self.live.show(f"  … {waiting[0]:<12} {waiting[1]}", lambda text: self.style(text, "dim"))
        self.out.flush()

    def _progress(self) -> tuple[str, str] | None:
        """(hop, its progress line) of the hop a wait reports on, when its latest word is progress."""
        for hop in self.book.hops():
            if hop is not None and hop.observations and "progress" in hop.observations[-1].data:
                return hop.name.value, str(hop.observations[-1].data["progress"])
        return None

    def _erase(self) -> None:
        self.live.erase()


def trace_json(trace: Trace) -> dict[str, Any]:
    """The stable --json document (tokens redacted; no signature bytes)."""
    return {
        "trace_id": trace.trace_id,
        "correlation_id": trace.correlation_id,
        "profile": trace.profile,
        "scenario": trace.scenario,
        "request": {
            "method": trace.request.method or "GET",
            "url": trace.url,
            # Values may be credentials under any name; the correlation id is not one, and is what logs hold.
            "headers": [[k, v if v == trace.correlation_id else "<redacted>"] for k, v in trace.request.headers],
        },
        "hops": [
            {
                "hop": hop.name.value,
                "status": hop.status.value,
                "identity": None
                if hop.identity is None
                else {
                    "subject": hop.identity.subject,
                    "source": hop.identity.source,
                    "values": dict(hop.identity.claims),
                },
                "evidence": list(hop.evidence),
                "elapsed_ms": None if hop.elapsed_ms is None else round(hop.elapsed_ms, 2),
                "aws": [_aws_json(seen) for seen in hop.observations if seen.probe == AWS_PROBE],
            }
            for hop in trace.hops
        ],
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "hop": f.hop,
                "title": f.title,
                "detail": f.detail,
                "fix": f.fix,
                "confidence": f.confidence,
            }
            for f in trace.findings
        ],
        "verdict": {
            "outcome": verdict_kind(trace).value,
            "ok": trace.verdict.ok,
            "broken_at": trace.verdict.broken_at.value if trace.verdict.broken_at else None,
            "finding": trace.verdict.finding,
            "summary": trace.verdict.summary,
            "fix": trace.verdict.fix,
            "missing_evidence": trace.verdict.missing_evidence,
        },
        "response": None
        if trace.response is None
        else {
            "status": trace.response.status,
            "elapsed_ms": round(trace.response.elapsed_ms, 2),
            "headers": [list(h) for h in trace.response.headers],
        },
        "authorizer": _authorizer_json(trace),
        "iis": _iis_json(trace),
        "error": trace.error,
    }


def _authorizer_json(trace: Trace) -> dict[str, Any] | None:
    """The authorizer's decision as a probe saw it (None when none did)."""
    a = trace.authorizer
    if a is None:
        return None
    return {
        "kind": a.kind,
        "effect": a.effect,
        "source": a.source,
        "principal_id": a.principal_id,
        "reason": a.reason,
        "context": dict(a.context),
        "cached": a.cached,
        "method_arn": a.method_arn,
        "policy": [
            {
                "effect": p.effect,
                "actions": list(p.actions),
                "resources": list(p.resources),
                "matches": p.matches_request,
            }
            for p in a.policy
        ],
    }


def _iis_json(trace: Trace) -> dict[str, Any] | None:
    """IIS's answer: status.substatus.win32, its meaning, the user it resolved and the W3C log line found."""
    i = trace.iis
    if i is None:
        return None
    return {
        "status": i.status,
        "substatus": i.substatus,
        "win32_status": i.win32_status,
        "meaning": i.meaning,
        "server": i.server,
        "user": i.user,
        "auth_type": i.auth_type,
        "log_line": i.log_line,
    }


_STATUS_STYLE = {
    HopStatus.OK: "green",
    HopStatus.WARNING: "yellow",
    HopStatus.BROKEN: "red",
    HopStatus.UNKNOWN: "yellow",
    HopStatus.NOT_REACHED: "dim",
}


def render_text(trace: Trace, s: Style) -> str:
    """The hop table, the verdict line and the findings with fixes."""
    out = [
        f"{s('Trace', 'bold')} {trace.trace_id}  profile {inert(trace.profile)}"
        + (f"  scenario {inert(trace.scenario)}" if trace.scenario else "")
        + f"  {inert(trace.request.method or 'GET')} {inert(trace.url)}",
        f"{s('Correlation id', 'dim')} {trace.correlation_id}",
        "",
    ]
    for hop in trace.hops:
        glyph = HOP_GLYPH[hop.status]
        word = hop.status.value.replace("_", " ")
        latency = f"{hop.elapsed_ms:7.1f} ms" if hop.elapsed_ms is not None else "       — "
        who = _identity(hop)
        out.append(
            f"  {s(glyph, _STATUS_STYLE[hop.status])} {s(f'{word:<11}', _STATUS_STYLE[hop.status])} "
            f"{hop.name.value:<12} {latency}  {inert(who)}"
        )
        if hop.name is HopName.IIS:
            out += [s(f"      {inert(said)}", "dim") for said in _log_line(hop)]
        out += [s(f"      {inert(said)}", "dim") for said in _aws_lines(hop)]
    verdict = trace.verdict
    out.append("")
    kind = verdict_kind(trace)
    if kind is VerdictKind.OK:
        out.append(f"{s('Verdict', 'bold')}  {s('✓ identity reached IIS intact', 'green')} — {inert(verdict.summary)}")
    elif kind is VerdictKind.UNCONFIRMED:
        out.append(f"{s('Verdict', 'bold')}  {s('? unconfirmed', 'yellow')} — {inert(verdict.summary)}")
    elif kind is VerdictKind.ERROR:
        out.append(f"{s('Verdict', 'bold')}  {s('✗ the trace could not run', 'red')} — {inert(trace.error or '')}")
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
            out.append(
                f"  {s(mark, color)} {s(inert(f.code), color, 'bold')}{where}  {inert(f.title)}"
                + (f"  ({f.confidence})" if f.confidence else "")
            )
            out.append(f"      {inert(f.detail)}")
            out.append(s(f"      fix: {inert(f.fix)}", "dim"))
    return "\n".join(out) + "\n"


def _log_line(hop: Hop) -> list[str]:
    """The IIS log line the trace found: where, how it was matched and how sure, its status in words; its fields."""
    for seen in hop.observations:
        log = seen.data.get("log") if seen.probe == "iis-log" else None
        if isinstance(log, dict) and isinstance(log.get("summary"), str):
            fields = log.get("fields")
            pairs = [p for p in fields if isinstance(p, list) and len(p) == 2] if isinstance(fields, list) else []
            return [log["summary"], *([" · ".join(f"{k} {v}" for k, v in pairs)] if pairs else [])]
    return []


AWS_PROBE = "aws"
"""The probe of what AWS said of the request (engine/probes/aws_observe.py): config, decision, gateway log."""


def _aws_lines(hop: Hop) -> list[str]:
    """What AWS said of this hop, unavailable answers included (they say why): each line once."""
    seen = [line for o in hop.observations if o.probe == AWS_PROBE for line in o.evidence]
    return list(dict.fromkeys(seen))


def _aws_json(seen: HopObservation) -> dict[str, Any]:
    return {
        "status": seen.status.value,
        "confidence": seen.confidence.value,
        "evidence": list(seen.evidence),
        "data": seen.data.get("aws"),
    }


def _identity(hop: Any) -> str:
    if hop.status is HopStatus.NOT_REACHED:
        return ""  # what an unreached hop would have carried is evidence, not an identity it passed on
    if hop.identity is None:
        return "unknown" if hop.status is HopStatus.UNKNOWN else ""
    if hop.identity.subject:
        return f"{hop.identity.subject} ({hop.identity.source})"
    return f"anonymous ({hop.identity.source})"
