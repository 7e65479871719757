"""Merge observations into five hops and name the first hop where the identity was refused, lost or altered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from console.engine.diagnosis.catalogue import HOP_FINDINGS
from console.model.findings import Finding, Severity
from console.model.trace import (
    HOP_ORDER,
    Confidence,
    Hop,
    HopName,
    HopObservation,
    HopStatus,
    Verdict,
)

_SEVERITY = {HopStatus.BROKEN: 4, HopStatus.WARNING: 3, HopStatus.OK: 2, HopStatus.NOT_REACHED: 1, HopStatus.UNKNOWN: 0}
_TRUST = {Confidence.CERTAIN: 2, Confidence.LIKELY: 1, Confidence.POSSIBLE: 0}
UNCONFIRMED = "trace.identity_unconfirmed"
REQUEST_FAILED = "iis.request_failed"


def merge_hops(
    observations: Iterable[HopObservation], findings: Iterable[Finding], stopped_after: HopName | None
) -> tuple[Hop, ...]:
    """One Hop per hop name: the most trusted observations decide, findings make it broken or a warning.

    ``stopped_after``: the hop that answered the request; hops after it were not reached unless observed.
    """
    by_hop: dict[HopName, list[HopObservation]] = {h: [] for h in HOP_ORDER}
    for obs in observations:
        by_hop[obs.hop].append(obs)
    by_finding: dict[HopName, list[Finding]] = {}
    for f in findings:
        if f.hop:
            by_finding.setdefault(f.hop, []).append(f)
    hops: list[Hop] = []
    stop_index = HOP_ORDER.index(stopped_after) if stopped_after else len(HOP_ORDER)
    broken_at: HopName | None = None
    for index, name in enumerate(HOP_ORDER):
        seen = by_hop[name]
        status = _status_of(seen)
        # trace.* findings speak about the evidence, not the hop: an unconfirmed hop stays unknown.
        hop_findings = [f for f in by_finding.get(name, []) if not f.code.startswith("trace.")]
        if any(f.severity is Severity.ERROR for f in hop_findings):
            status = HopStatus.BROKEN
        elif any(f.severity is Severity.WARNING for f in hop_findings) and status in (HopStatus.OK, HopStatus.UNKNOWN):
            status = HopStatus.WARNING
        ranked = sorted(seen, key=lambda o: _TRUST[o.confidence], reverse=True)
        informative = [o for o in ranked if o.status is not HopStatus.UNKNOWN] or ranked
        evidence = tuple(dict.fromkeys(line for o in informative for line in o.evidence))
        status, evidence = _after_break(status, evidence, broken_at, index > stop_index)
        if status is HopStatus.BROKEN and broken_at is None:
            broken_at = name
        identity = next((o.identity for o in ranked if o.identity is not None), None)
        elapsed = next((o.elapsed_ms for o in ranked if o.elapsed_ms is not None), None)
        hops.append(Hop(name, status, identity, evidence, elapsed, tuple(seen)))
    return tuple(hops)


def _after_break(
    status: HopStatus, evidence: tuple[str, ...], broken_at: HopName | None, past_stop: bool
) -> tuple[HopStatus, tuple[str, ...]]:
    """A hop after the breaking one is never ok: not reached when the request stopped before it, else a warning.

    E.g. API Gateway checks the API key after its authorizer allowed the call (domain §1.8): the allow was never
    used, so the authorizer is shown as not reached, with the decision still in its evidence."""
    if status is HopStatus.UNKNOWN and past_stop:
        return HopStatus.NOT_REACHED, evidence
    if broken_at is None or status is not HopStatus.OK:
        return status, evidence
    if past_stop:
        return HopStatus.NOT_REACHED, (
            f"not reached by the request: it stopped at the {broken_at.value} hop, so this hop's outcome was not used",
            *evidence,
        )
    return HopStatus.WARNING, (f"reached after the break at the {broken_at.value} hop", *evidence)


def with_lines(hops: tuple[Hop, ...], name: HopName, lines: Iterable[str | None]) -> tuple[Hop, ...]:
    """``hops`` with ``lines`` added to the evidence of hop ``name`` (probe outcomes that change no status)."""
    extra = tuple(line for line in lines if line)
    if not extra:
        return hops
    return tuple(
        replace(h, evidence=tuple(dict.fromkeys((*h.evidence, *extra)))) if h.name is name else h for h in hops
    )


def _status_of(seen: list[HopObservation]) -> HopStatus:
    # "unknown" is the absence of knowledge: it never outranks an observation that saw something.
    seen = [o for o in seen if o.status is not HopStatus.UNKNOWN]
    if not seen:
        return HopStatus.UNKNOWN
    best = max(_TRUST[o.confidence] for o in seen)
    trusted = [o.status for o in seen if _TRUST[o.confidence] == best]
    return max(trusted, key=lambda s: _SEVERITY[s])


def iis_confirmed(hops: tuple[Hop, ...], findings: tuple[Finding, ...]) -> bool:
    """True when the IIS hop is ok: observed, and the caller it resolved is the expected one.

    A warning counts only for the documented case of the right caller and a failed request (iis.request_failed)."""
    iis = next(h for h in hops if h.name is HopName.IIS)
    if iis.status is HopStatus.OK:
        return True
    return iis.status is HopStatus.WARNING and any(f.code == REQUEST_FAILED for f in findings)


def decide(hops: tuple[Hop, ...], findings: tuple[Finding, ...], missing_evidence: str = "", note: str = "") -> Verdict:
    """The verdict: the first broken hop and the finding that explains it; or unconfirmed; or ok.

    Ok only when the IIS hop is ok (iis_confirmed); anything else without a break is unconfirmed, never ok.
    ``note`` qualifies an ok summary (e.g. a DOMAIN\\ prefix ignored when matching the caller)."""
    for hop in hops:
        if hop.status is not HopStatus.BROKEN:
            continue
        # The error that explains the break; else whatever the evidence said about this hop (never no finding).
        primary = next((f for f in findings if f.hop == hop.name and f.severity is Severity.ERROR), None) or next(
            (f for f in findings if f.hop == hop.name), None
        )
        if primary is None:
            return Verdict(
                False,
                hop.name,
                None,
                f"broken at {hop.name.value}: " + (hop.evidence[0] if hop.evidence else "the hop refused the request"),
                missing_evidence=missing_evidence,
            )
        return Verdict(
            False,
            hop.name,
            primary.code,
            f"broken at {hop.name.value}: {primary.title} — {primary.detail}",
            fix=primary.fix,
            missing_evidence=missing_evidence,
        )
    unconfirmed = next((f for f in findings if f.code == UNCONFIRMED), None)
    iis = next(h for h in hops if h.name is HopName.IIS)
    if unconfirmed is None and not iis_confirmed(hops, findings):
        # No rule said why, yet nothing observed the caller at IIS: still unconfirmed, never ok.
        entry = HOP_FINDINGS[UNCONFIRMED]
        detail = f"the IIS hop is {iis.status.value}: no probe showed that IIS resolved the caller"
        unconfirmed = Finding(UNCONFIRMED, entry.severity, entry.title, detail, entry.fix, hop=HopName.IIS)
    if unconfirmed is not None:
        return Verdict(
            False,
            None,
            unconfirmed.code,
            f"not confirmed: {unconfirmed.detail}",
            fix=unconfirmed.fix,
            missing_evidence=missing_evidence or unconfirmed.fix,
        )
    warning = next((f for f in findings if f.severity is Severity.WARNING and f.hop), None)
    who = iis.identity.subject if iis.identity and iis.identity.subject else "the caller"
    summary = f"IIS resolved {who}" + (f" ({note})" if note else "")
    failed = next((f for f in findings if f.code == REQUEST_FAILED), None)
    if failed is not None:
        # Identity intact, request failed: ok (exit 0) because the identity arrived; the summary says the status.
        return Verdict(True, None, failed.code, failed.detail + (f" ({note})" if note else ""), fix=failed.fix)
    if warning is not None:
        return Verdict(
            True, None, warning.code, f"{summary}; but {warning.title.lower()} ({warning.detail})", fix=warning.fix
        )
    return Verdict(True, None, None, summary)
