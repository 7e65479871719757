"""Rules over what AWS said of one request: the authorizer's decision, the configured mappings, the logged headers.

- IIS lacks a propagation header and no mapping sets it: the finding says so, with inspect's fix command;
- API Gateway logged sending the header IIS lacks: the loss is between the gateway and IIS;
- AWS decides Deny for this method ARN: the authorizer hop fails with the matching statement;
- the configuration contradicts the profile, or what IIS received: a warning with the fix, and no ✓ unless IIS
  shows exactly the expected identity (console/engine/diagnosis/aws_config_check.py);
- the log of this request id carries another correlation id or contradicts the response: its lines prove nothing
  (console/engine/diagnosis/aws_doubt.py).

A false ✓ is the worst outcome: an AWS answer contradicted by the request itself (an allow for a refused request)
never turns a hop green, and an unavailable answer is an unknown observation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from console.engine.diagnosis import aws_config_check as config_check
from console.engine.diagnosis.aws_doubt import LogDoubt, doubt_findings, read_doubt
from console.engine.diagnosis.aws_explain import draft_note, explained, unmapped_headers
from console.engine.diagnosis.aws_log_rules import (
    deny_finding,
    log_vs_iis,
    log_vs_iis_findings,
    logged_check,
    logged_refusal,
)
from console.engine.diagnosis.aws_outcome import LoggedOutcome, decision_from_log, logged_outcome
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.response import ResponseReading
from console.engine.diagnosis.verdict import UNCONFIRMED, with_lines
from console.engine.probes.aws import AwsAnswers
from console.engine.probes.aws_observe import (
    authorizer_log_observation,
    decision_observation,
    expected_observation,
    integration_log_observation,
)
from console.model.authorizer_decision import AuthorizerResult
from console.model.enums import Confidence, HopName, HopStatus, Severity
from console.model.findings import Finding
from console.model.gateway_log import ExecutionLog, GatewayLogEvidence
from console.model.trace import AuthorizerDecision, Hop, HopObservation

CONFIG_VS_PROFILE = "integration.config_contradicts_profile"
CONFIG_VS_IIS = "integration.config_contradicts_iis"


@dataclass(slots=True)
class AwsStage:
    """The AWS observations of one trace, the findings after the AWS rules, and the authorizer decision from AWS."""

    observations: list[HopObservation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    decision: AuthorizerDecision | None = None
    doubted: frozenset[HopName] = frozenset()
    """Hops where the gateway's log and the response disagree: the response's reading of them is only possible."""


def aws_stage(
    ev: Evidence, findings: list[Finding], reading: ResponseReading | None, *, received: dict[str, str] | None
) -> AwsStage:
    """Fold ``ev.aws`` into observations and ``findings`` (returned whole, enriched); nothing when AWS was not asked.

    ``received``: the headers IIS received (echo), already checked against the propagation rules; None: unseen."""
    answers = ev.aws
    if answers is None:
        return AwsStage(findings=list(findings))
    stage = AwsStage(findings=list(findings))
    execution = _execution(answers)
    outcome = logged_outcome(execution) if execution is not None else LoggedOutcome(None)
    doubt = read_doubt(ev, execution, outcome, reading, answers.expected) if execution else LogDoubt()
    stage.doubted = doubt.hops
    _decide(ev, stage, answers, execution, reading, outcome, doubt)
    trusted = execution if execution is not None and not doubt.doubted else None
    unmapped, commands = unmapped_headers(ev, answers.expected)
    endpoint = trusted.endpoint_headers if trusted is not None else None
    status = HopStatus.UNKNOWN
    if endpoint is not None and ev.target.propagation and not ev.direct_to_iis:
        logged = logged_check(ev, endpoint)
        status = HopStatus.BROKEN if any(f.severity is Severity.ERROR for f in logged) else HopStatus.OK
        clash = log_vs_iis(ev, endpoint, received) if received is not None else []
        if clash:
            status = HopStatus.WARNING  # the log and IIS disagree: neither the ✗ nor a ✓ can be drawn from it
            stage.findings = _first_unconfirmed(stage.findings, log_vs_iis_findings(clash, answers.request_id))
        elif received is None:
            codes = {(f.code, f.hop) for f in stage.findings}
            stage.findings += [f for f in logged if (f.code, f.hop) not in codes]
    context = trusted.authorizer if trusted is not None else None
    stage.findings = [
        explained(f, unmapped, commands, endpoint, expected=answers.expected, context=context) for f in stage.findings
    ]
    stage.findings = _first_unconfirmed(stage.findings, doubt_findings(doubt, answers.request_id))
    _config_rules(ev, stage, answers.expected, received)
    if answers.expected is not None:
        unseen = endpoint is None and received is None and bool(unmapped)
        # Configuration alone shows a header will not be sent: a warning until a request shows it, never a pass.
        expected_status = HopStatus.WARNING if unseen else HopStatus.UNKNOWN
        stage.observations.append(expected_observation(answers.expected, unmapped, status=expected_status))
    if answers.logs is not None:
        names = [h for h, _c in ev.target.propagation]
        subject = ev.target.subject_header
        ordered = [subject, *[n for n in names if n != subject]] if subject else names
        stage.observations.append(integration_log_observation(answers.logs, ordered, status, doubt.summary()))
    return stage


def with_aws_lines(hops: tuple[Hop, ...], stage: AwsStage) -> tuple[Hop, ...]:
    """``hops`` with every AWS line in their evidence, an unknown observation's too ("AWS: unavailable — why"):
    merging keeps only the informative observations' lines, and an unavailable answer must still be read."""
    for name in (HopName.AUTHORIZER, HopName.INTEGRATION):
        hops = with_lines(hops, name, [line for o in stage.observations if o.hop is name for line in o.evidence])
    return hops


def _execution(answers: AwsAnswers) -> ExecutionLog | None:
    return answers.logs.execution if isinstance(answers.logs, GatewayLogEvidence) else None


def _first_unconfirmed(findings: list[Finding], new: list[Finding]) -> list[Finding]:
    """``findings`` plus ``new``; a new unconfirmed finding goes first, as the most specific reason (one is kept)."""
    doubts = [f for f in new if f.code == UNCONFIRMED]
    return [*doubts, *findings, *(f for f in new if f.code != UNCONFIRMED)]


def _config_rules(ev: Evidence, stage: AwsStage, expected: object, received: dict[str, str] | None) -> None:
    """The configuration against the profile and against what IIS received (defect: a ✓ beside config lines that
    say the expected header is not mapped, or mapped from another claim)."""
    found = config_check.mismatches(ev, expected)
    if not found or ev.direct_to_iis:
        return
    detail = "; ".join(m.why for m in found) + draft_note(expected)
    fix = " — ".join(f"{m.header}: {m.fix}" for m in found)
    stage.findings.append(
        hop_finding(CONFIG_VS_PROFILE, detail, hop=HopName.INTEGRATION, confidence=Confidence.LIKELY, fix=fix)
    )
    said = config_check.against_iis(ev, found, received, expected) if received is not None else []
    if said:
        clash = (
            f"{'; '.join(said)}. Either the stage serves another configuration than the one read"
            f"{draft_note(expected)}, or something between the caller and IIS sets the header"
        )
        contradiction = hop_finding(CONFIG_VS_IIS, clash, hop=HopName.INTEGRATION, confidence=Confidence.CERTAIN)
        unconfirmed = hop_finding(
            UNCONFIRMED,
            f"the API's configuration cannot have sent what IIS received ({'; '.join(said)})",
            hop=HopName.INTEGRATION,
            fix=contradiction.fix,
        )
        stage.findings = _first_unconfirmed([*stage.findings, contradiction], [unconfirmed])
    elif not config_check.confirmed(ev, received) and not any(f.code == UNCONFIRMED for f in stage.findings):
        stage.findings.append(
            hop_finding(
                UNCONFIRMED,
                f"the API's configuration contradicts the profile ({detail}) and no probe shows that IIS received "
                "exactly the expected identity",
                hop=HopName.INTEGRATION,
                fix=fix,
            )
        )


def _decide(
    ev: Evidence,
    stage: AwsStage,
    answers: AwsAnswers,
    execution: ExecutionLog | None,
    reading: ResponseReading | None,
    logged: LoggedOutcome,
    doubt: LogDoubt,
) -> None:
    """The authorizer hop: the decision AWS gives now, judged against what this request met (response, log)."""
    log = execution.authorizer if execution is not None else None
    said = doubt.summary()
    if execution is not None and (seen := authorizer_log_observation(execution, logged.outcome, logged.why, said)):
        stage.observations.append(seen)
    if HopName.AUTHORIZER in doubt.hops:
        # The response's refusal is contradicted by this request's log: never certain.
        stage.findings = [
            replace(f, confidence=Confidence.POSSIBLE, detail=f"{f.detail} — yet {said}")
            if f.hop is HopName.AUTHORIZER and f.severity is Severity.ERROR
            else f
            for f in stage.findings
        ]
    elif not doubt.doubted:
        stage.findings += logged_refusal(logged, answers.request_id, stage.findings)
    result = answers.decision
    if not isinstance(result, AuthorizerResult):
        if result is not None:
            stage.observations.append(decision_observation(result))
        if log is not None and execution is not None:  # TestInvokeAuthorizer gave nothing: the log's record
            kind = getattr(getattr(getattr(answers.expected, "config", None), "authorizer", None), "type", None)
            stage.decision = decision_from_log(log, logged, answers.request_id, kind, said)
        return
    outcome = None if doubt.doubted else logged.outcome
    refused = outcome in ("unauthorized", "denied", "error") or (
        reading is not None and (reading.producer is HopName.AUTHORIZER or reading.authorizer_effect in _REFUSALS)
    )
    passed = outcome == "allowed" or (reading is not None and reading.producer is HopName.IIS)
    status: HopStatus | None = None
    notes: tuple[str, ...] = ()
    if result.undetermined:
        status = HopStatus.UNKNOWN  # neither allow nor deny can be claimed: never a pass, never a deny finding
    elif result.allowed and refused:
        status = HopStatus.UNKNOWN  # AWS allows now, yet this request was refused: the allow proves nothing
        notes = ("yet this request was refused at the authorizer: a cached or changed decision, or another token",)
    elif not result.allowed and passed:
        status = HopStatus.WARNING
        notes = ("yet this request passed the authorizer: a cached allow from an earlier call, or a changed policy",)
    stage.observations.append(decision_observation(result, status=status, notes=notes))
    decision = result.to_trace_decision()
    if isinstance(decision, AuthorizerDecision):
        cached = log.cache_hit if log is not None and not doubt.doubted else None
        stage.decision = replace(decision, cached=cached) if cached is not None else decision
    if not result.allowed and not passed and not result.undetermined:
        deny = deny_finding(result)
        stage.findings = [deny, *(f for f in stage.findings if not (f.code == deny.code and f.hop is deny.hop))]


_REFUSALS = ("deny", "unauthorized", "error")
