"""diagnose(evidence): every rule over whatever the probes saw, merged into hops, findings and one verdict."""

from __future__ import annotations

from dataclasses import dataclass, replace

from console.engine.diagnosis import ground_truth
from console.engine.diagnosis.aws_rules import aws_stage, with_aws_lines
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.client_claims import claims_missing
from console.engine.diagnosis.client_sent import as_sent, unsigned
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.ground_truth import REFUSALS
from console.engine.diagnosis.iis_log import CONFIDENCE as log_confidence
from console.engine.diagnosis.iis_log import (
    W3C_WANTED,
    LogReading,
    conflict_finding,
    found_lines,
    log_lines,
    read_log,
    status_findings,
    time_taken,
)
from console.engine.diagnosis.iis_rules import iis_findings, spoof_findings, spoof_note
from console.engine.diagnosis.iis_view import caller_unknown, disagreement, domain_note, vet_echo, view_observations
from console.engine.diagnosis.propagation import check_propagation
from console.engine.diagnosis.response import ResponseReading, read_response
from console.engine.diagnosis.response_signal import ECHO as ECHO_HINT
from console.engine.diagnosis.unconfirmed import one_unconfirmed
from console.engine.diagnosis.verdict import UNCONFIRMED, decide, merge_hops, with_lines
from console.engine.iis.status import meaning
from console.engine.probes.iis import IisView
from console.engine.probes.record import GroundTruth
from console.model.findings import Finding, Severity
from console.model.trace import (
    AuthorizerDecision,
    Confidence,
    Hop,
    HopName,
    HopObservation,
    HopStatus,
    IisStatus,
    Verdict,
)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The outcome of diagnosis for one trace."""

    hops: tuple[Hop, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    authorizer: AuthorizerDecision | None
    iis: IisStatus | None


def diagnose(ev: Evidence) -> Diagnosis:
    """Apply every rule to the evidence; the first broken hop in order is the verdict."""
    observations: list[HopObservation] = list(ev.observations)
    findings: list[Finding] = []
    decision: AuthorizerDecision | None = None
    reading = (
        read_response(ev.response, gateway_kind=ev.target.gateway_kind, auth=ev.target.auth, method=ev.method)
        if ev.response is not None
        else None
    )
    record = ev.record
    confidence = Confidence.CERTAIN if record else Confidence.LIKELY
    if record is not None:
        gateway_obs, gateway_found = ground_truth.gateway_stage(record, ev)
        authorizer_obs, decision, authorizer_found = ground_truth.authorizer_stage(record, ev)
        observations += [
            gateway_obs,
            authorizer_obs,
            ground_truth.integration_stage(record, ev),
            ground_truth.iis_stage(record.iis, timed_out=record.integration.timed_out, taken=time_taken(ev)),
        ]
        findings += gateway_found + authorizer_found
        if record.bypassed:
            observations = [o for o in observations if o.hop not in _BYPASSED] + _bypassed_observations()
    view, view_confidence = _iis_view(ev)
    vetted: list[Finding] = []
    if record is None and view is not None:
        view, vetted = vet_echo(view, ev)  # another request's echo, or a malformed one, shows nothing
    log = read_log(ev)
    source = ev.iis_view_source or "IIS echo endpoint"
    headers_seen = view is not None
    if log is not None and log.conflict:
        vetted.append(conflict_finding(log))
        view = None  # IIS's own records disagree: neither speaks for the request
    elif log is not None and log.view is not None and view is not None:
        vetted += disagreement(view, log.view, log.source)
    elif log is not None and log.view is not None:
        view, view_confidence, source, headers_seen = log.view, log_confidence, log.source, False
    if reading is not None:
        # Ground truth outranks what the response suggests; the response's lines stay as evidence.
        observations += (
            [replace(o, confidence=Confidence.POSSIBLE) for o in reading.observations]
            if record is not None
            else list(reading.observations)
        )
        if record is None:
            # An echo of what IIS received settles what the response alone could not.
            findings += [f for f in reading.findings if not (view is not None and f.code in _SETTLED_BY_VIEW)]
    if record is None and view is not None:
        status = log.status if log is not None and log.status else (ev.response.status if ev.response else None)
        observations += view_observations(
            view, ev, source, confidence=view_confidence, status=status, headers_seen=headers_seen
        )
        vetted += caller_unknown(ev, view)
    findings = vetted + findings
    refused = _authorizer_refused(record, reading)
    stopped = _stopped_after(record, reading)
    lacking, lacked = claims_missing(ev, refused_before=refused or stopped in (HopName.GATEWAY, HopName.AUTHORIZER))
    early = refused or stopped in (HopName.GATEWAY, HopName.AUTHORIZER)
    findings = unsigned(ev, early) + _token_rule(ev, refused, confidence) + lacking + findings
    underscores: tuple[tuple[str, str], ...] = ()
    received = _received_headers(ev, view if headers_seen else None)
    if received is not None:
        where, headers = received
        check = check_propagation(
            headers,
            {h: v for h, v in ev.expected_values().items() if h not in lacked},
            sent_by_client=ev.sent_headers,
            correlation_header=ev.target.correlation_header,
            correlation_id=ev.correlation_id,
            where=where,
            confidence=confidence,
            target=ev.target,
        )
        findings += check.findings
        underscores = check.underscore_names
        if underscores:
            observations.append(
                HopObservation(
                    HopName.INTEGRATION,
                    "sandbox" if record else "iis-echo",
                    HopStatus.WARNING,
                    evidence=check.evidence,
                    confidence=confidence,
                )
            )
    aws = aws_stage(ev, findings, reading, received=received[1] if received is not None else None)
    if aws.doubted:  # the gateway's log contradicts the response at these hops: its reading is only possible
        observations = [
            replace(o, confidence=Confidence.POSSIBLE) if o.probe == "response" and o.hop in aws.doubted else o
            for o in observations
        ]
    observations, findings, decision = observations + aws.observations, aws.findings, decision or aws.decision
    if record is not None and record.integration.timed_out:
        findings.append(
            hop_finding(
                "gateway.integration_timeout",
                (
                    f"IIS did not answer within the integration timeout; the gateway answered "
                    f"{ev.response.status if ev.response else 504} to the client"
                ),
                hop=HopName.INTEGRATION,
            )
        )
    if record is not None or view is not None or reading is None or reading.producer is HopName.IIS:
        findings += _without(iis_findings(ev, view, underscores, view_confidence), findings)
    findings += _without(status_findings(log), findings) if view is None else []
    findings += spoof_findings(ev)
    if record is not None and reading is not None:
        findings += _unexplained(observations, findings, reading)
    # With ground truth or an IIS view, the response's own gaps no longer matter.
    missing = reading.missing_evidence if reading is not None and record is None and view is None else ""
    if log is not None and log.status is not None and missing.startswith(W3C_WANTED):
        missing = ""  # this request's line was found and decoded: what Baton has is never "missing"
    findings = one_unconfirmed(ev, view, findings, log)
    if ECHO_HINT in missing and (ev.target.echo_path or ev.target.log_path or ev.iis_view is not None):
        # The generic "configure an echo or a log" would contradict the profile: say what its probes showed.
        missing = next((f.fix for f in findings if f.code == UNCONFIRMED), missing)
    hops = merge_hops(observations, findings, stopped)
    hops = with_lines(hops, HopName.IIS, [*found_lines(ev), *log_lines(log), spoof_note(ev)])
    hops = with_aws_lines(hops, aws)
    if any(f.code == UNCONFIRMED and f.hop is HopName.IIS for f in findings):
        # IIS was seen, but not shown to hold the caller: its cell must not read ok while the verdict doubts it.
        hops = tuple(
            replace(h, status=HopStatus.UNKNOWN) if h.name is HopName.IIS and h.status is HopStatus.OK else h
            for h in hops
        )
    final = tuple(findings)
    verdict = as_sent(decide(hops, final, missing, domain_note(ev, view)), ev, view)
    return Diagnosis(hops, final, verdict, decision, _iis_status(ev, reading, view, log))


_BYPASSED = (HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION)
_SETTLED_BY_VIEW = (UNCONFIRMED, "iis.http_error", "iis.error")
"""Response findings that say who IIS resolved is not known: a view of IIS that shows the user settles them."""


def _bypassed_observations() -> list[HopObservation]:
    note = ("bypassed: the request went straight to IIS",)
    return [HopObservation(h, "sandbox", HopStatus.NOT_REACHED, evidence=note) for h in _BYPASSED]


def _authorizer_refused(record: GroundTruth | None, reading: ResponseReading | None) -> bool:
    if record is not None:
        return record.authorizer.decision in REFUSALS
    return reading is not None and (reading.authorizer_effect in REFUSALS or reading.producer is HopName.AUTHORIZER)


def _token_rule(ev: Evidence, refused: bool, confidence: Confidence) -> list[Finding]:
    """Token problems explain an authorizer refusal; without a refusal they are warnings at the client."""
    if ev.token is None:
        return []
    errors = [f for f in ev.token.findings if f.severity is Severity.ERROR]
    if refused and errors:
        return [replace(f, hop=HopName.AUTHORIZER, confidence=confidence) for f in errors]
    return [
        replace(
            f,
            hop=HopName.CLIENT,
            confidence=Confidence.LIKELY,
            severity=Severity.WARNING if f.severity is Severity.ERROR else f.severity,
            detail=f"{f.detail} (yet the gateway let the request through)"
            if f.severity is Severity.ERROR
            else f.detail,
        )
        for f in ev.token.findings
        if f.code != "token.signature_unverified"
    ]


def _iis_view(ev: Evidence) -> tuple[IisView | None, Confidence]:
    if ev.record is not None and ev.record.iis.received:
        iis = ev.record.iis
        return IisView(dict(iis.headers), iis.user, iis.auth_type, dict(iis.server_variables)), Confidence.CERTAIN
    return ev.iis_view, Confidence.CERTAIN if ev.iis_view is not None else Confidence.LIKELY


def _received_headers(ev: Evidence, view: IisView | None) -> tuple[str, dict[str, str]] | None:
    """The headers to check against the propagation rules: what the integration sent, else what IIS got."""
    if not ev.target.propagation or ev.direct_to_iis:
        return None
    if ev.record is not None:
        if not ev.record.integration.sent:
            return None
        return "the integration request", dict(ev.record.integration.headers)
    if view is not None:
        return f"what IIS received ({ev.iis_view_source or 'echo'})", view.headers
    return None


def _without(new: list[Finding], existing: list[Finding]) -> list[Finding]:
    codes = {f.code for f in existing}
    return [f for f in new if f.code not in codes]


def _unexplained(
    observations: list[HopObservation], findings: list[Finding], reading: ResponseReading
) -> list[Finding]:
    """Ground truth broke a hop no rule explained: the response's own reading names the cause (never a bare ✗)."""
    explained = {f.hop for f in findings if f.severity is Severity.ERROR}
    broken = {o.hop for o in observations if o.status is HopStatus.BROKEN and o.probe == "sandbox"}
    return [f for f in reading.findings if f.severity is Severity.ERROR and f.hop in broken - explained]


def _stopped_after(record: GroundTruth | None, reading: ResponseReading | None) -> HopName | None:
    if record is not None:
        if record.iis.answered:
            return None
        if record.integration.sent:
            return HopName.INTEGRATION
        if record.authorizer.decision in REFUSALS:
            return HopName.AUTHORIZER
        return HopName.GATEWAY
    return reading.producer if reading is not None else None


def _iis_status(
    ev: Evidence, reading: ResponseReading | None, view: IisView | None, log: LogReading | None
) -> IisStatus | None:
    base: IisStatus | None = reading.iis if reading is not None else None
    truth = ev.record.iis if ev.record is not None else None
    if truth is not None and truth.answered:
        status = truth.status or 0
        base = replace(base, status=status) if base is not None else IisStatus(status=status)
        base = replace(base, substatus=truth.substatus, log_line=truth.log_line)
        if truth.substatus is not None:  # ground truth knows the substatus the response hid
            base = replace(base, meaning=meaning(status, truth.substatus))
    if log is not None and log.line is not None:
        # The log line is IIS's own record: its status and substatus outrank what the response showed.
        status = log.status or (base.status if base is not None else 0) or (ev.response.status if ev.response else 0)
        base = base or IisStatus(status=status)
        base = replace(
            base,
            status=status,
            substatus=log.substatus if log.substatus is not None else base.substatus,
            win32_status=log.win32_status if log.win32_status is not None else base.win32_status,
            log_line=log.line,
            meaning="",
        )
    if base is None and view is not None:
        # The echo (or log) that showed IIS's user is IIS's answer, Server header or not: the pane must say so.
        base = IisStatus(status=ev.response.status if ev.response is not None else 0)
    if base is None:
        return None
    if view is not None:
        base = replace(base, user=view.user, auth_type=view.auth_type)
    if ev.log_line and not base.log_line:
        base = replace(base, log_line=ev.log_line)
    if not base.meaning and base.status:
        base = replace(base, meaning=meaning(base.status, base.substatus))
    return base
