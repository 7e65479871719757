"""What the panes show of the current trace: plain views the TraceBook builds and the widgets render.

Each view carries the trace's VerdictKind, so a pane can never show a finished-looking answer for a trace that is
still running, was cancelled or could not run.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.enums import HOP_ORDER, Confidence, HopName, HopStatus, VerdictKind
from console.model.findings import Finding
from console.model.token import TokenReport
from console.model.trace import AuthorizerDecision, Hop, IisStatus, Trace, Verdict


def verdict_kind(trace: Trace) -> VerdictKind:
    """The one classification of a finished trace (the CLI's exit code, the feed and the verdict bar use it)."""
    if trace.error is not None:
        return VerdictKind.ERROR
    if trace.verdict.ok:
        return VerdictKind.OK
    return VerdictKind.BROKEN if trace.verdict.broken_at is not None else VerdictKind.UNCONFIRMED


@dataclass(frozen=True, slots=True)
class HopsView:
    """The five hops of the current trace as known now."""

    kind: VerdictKind
    trace_id: str | None = None
    hops: tuple[Hop | None, ...] = (None,) * len(HOP_ORDER)
    """In HOP_ORDER; None where nothing was observed yet (pending) or will not be (cancelled)."""

    def hop(self, name: HopName) -> Hop | None:
        """One hop by name."""
        return self.hops[HOP_ORDER.index(name)]


@dataclass(frozen=True, slots=True)
class VerdictView:
    """The verdict bar: the outcome of the current trace, and what a copied verdict must carry."""

    kind: VerdictKind
    verdict: Verdict | None = None
    error: str | None = None
    """Why the trace could not run (ERROR), naming the hop."""
    trace_id: str | None = None
    correlation_id: str | None = None
    profile: str | None = None
    started_at: float | None = None


@dataclass(frozen=True, slots=True)
class AuthorizerView:
    """The authorizer pane: the decision, and what the merged hop says about it."""

    kind: VerdictKind
    hop_status: HopStatus | None = None
    """The authorizer hop's status; None while nothing is known."""
    decision: AuthorizerDecision | None = None


@dataclass(frozen=True, slots=True)
class IisLogLine:
    """The IIS log line a trace found, decoded: the fields that matter, where it came from and how sure it is."""

    kind: str
    """``W3C`` (the site's log) or ``HTTPERR`` (http.sys refused the request before IIS)."""
    where: str
    """``file:line``."""
    confidence: Confidence
    """CERTAIN when tied by correlation id; POSSIBLE for a time-window guess (never proof)."""
    reason: str
    """How it was matched: "matched by correlation id", "matched by time, method and path: 2 candidates" …"""
    fields: tuple[tuple[str, str], ...] = ()
    """(name, value) in display order: time, method, stem, status 401.2.5, user, c-ip, time-taken, win32, id."""
    meaning: str = ""
    """The status (or HTTPERR reason) in plain words."""

    @classmethod
    def of(cls, data: object) -> IisLogLine | None:
        """From an ``iis-log`` observation's ``data["log"]``; None when it is not one."""
        if not isinstance(data, dict):
            return None
        try:
            confidence = Confidence(str(data.get("confidence")))
        except ValueError:
            return None
        pairs = data.get("fields")
        fields = tuple(
            (str(p[0]), str(p[1]))
            for p in (pairs if isinstance(pairs, list) else [])
            if isinstance(p, list | tuple) and len(p) == 2
        )
        return cls(
            str(data.get("kind", "W3C")),
            str(data.get("where", "")),
            confidence,
            str(data.get("reason", "")),
            fields,
            str(data.get("meaning", "")),
        )


@dataclass(frozen=True, slots=True)
class IisView:
    """The IIS pane: IIS's answer, and whether the identity it resolved is the caller's."""

    kind: VerdictKind
    hop_status: HopStatus | None = None
    """The IIS hop's status: a 200 for the wrong user is still a broken hop."""
    status: IisStatus | None = None
    log: IisLogLine | None = None
    """The current trace's IIS log line, decoded; None when none was found (or no log is configured)."""
    log_note: str = ""
    """With no line: why, in one sentence (no log configured, the configured location names nothing, searched
    and not written yet …); empty while the trace runs."""
    no_answer: str = ""
    """When no IIS answer reached the gateway (an integration timeout): the sentence the pane shows in place of a
    status, with what IIS's own records say it did later."""


@dataclass(frozen=True, slots=True)
class Inspection:
    """The token inspector: one hop, the hop before it, the client token's report and the hop's findings."""

    hop: Hop
    previous: Hop | None = None
    report: TokenReport | None = None
    findings: tuple[Finding, ...] = ()
