"""trace.identity_unconfirmed, said once: the most specific reason nothing showed who IIS resolved, and its fix."""

from __future__ import annotations

from dataclasses import replace

from console.engine.diagnosis.advice import unconfirmed_fix
from console.engine.diagnosis.catalogue import HOP_FINDINGS, hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_log import LogReading, joined
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.engine.probes.iis import IisView
from console.model.findings import Finding, Severity
from console.model.trace import Confidence, HopName


def one_unconfirmed(
    ev: Evidence, view: IisView | None, findings: list[Finding], log: LogReading | None
) -> list[Finding]:
    """``findings`` with at most one unconfirmed finding (the first, most specific one), its fix from the profile.

    Any response (2xx, 3xx or an error no rule explains) with nothing showing who IIS resolved is unconfirmed.
    A finding that came with its own fix (a cached echo, an unreadable token …) keeps it: the generic advice
    would tell the user to configure what is configured."""
    said = [f for f in findings if f.code == UNCONFIRMED]
    if not said and _needs_one(ev, view, findings):
        said = [
            hop_finding(
                UNCONFIRMED,
                f"the response was {ev.response.status if ev.response else 'missing'}, but no probe saw which user "
                "IIS resolved",
                hop=HopName.IIS,
                confidence=Confidence.CERTAIN,
            )
        ]
    if not said:
        return findings
    first = said[0]
    log_note = log.note if log is not None else ""
    detail = first.detail
    if ev.target.log_path and log_note and log_note not in detail:
        detail = joined(detail, f"the IIS log did not settle it: {log_note}")
    generic = first.fix == HOP_FINDINGS[UNCONFIRMED].fix
    fix = (
        HEAD_FIX
        if generic and ev.method.upper() == "HEAD" and ev.target.echo_path
        else unconfirmed_fix(
            ev.target,
            ev.response,
            log_note,
            echo_answered=ev.iis_view is not None and view is None,
            log_no_field=log is not None and log.no_field,
            log_headers_only=log is not None and log.line is not None and "arrived at IIS" in log_note,
        )
        if generic
        else first.fix
    )
    chosen = replace(first, detail=detail, fix=fix)
    rest = [f for f in findings if f.code != UNCONFIRMED]
    return [*rest, chosen]


HEAD_FIX = "A HEAD request's answer carries no body, so the echo cannot show who IIS resolved for it: trace with GET."


def _needs_one(ev: Evidence, view: IisView | None, findings: list[Finding]) -> bool:
    if ev.response is None or view is not None or ev.record is not None:
        return False
    # An error at a hop the request crossed explains the outcome; the verdict names it instead.
    return not any(f.severity is Severity.ERROR and f.hop != HopName.CLIENT for f in findings)
