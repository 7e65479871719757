"""Rules over what AWS said of one request: the authorizer's decision, the configured mappings, the logged headers.

- IIS lacks a propagation header and no mapping sets it: the finding says so, with inspect's fix command;
- API Gateway logged sending the header IIS lacks: the loss is between the gateway and IIS;
- AWS decides Deny for this method ARN: the authorizer hop fails with the matching statement.

A false ✓ is the worst outcome: an AWS answer contradicted by the request itself (an allow for a refused request)
never turns a hop green, and an unavailable answer is an unknown observation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from console.engine.aws_hooks import ExpectedPropagation
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.propagation import check_propagation, lookup
from console.engine.diagnosis.response import ResponseReading
from console.engine.diagnosis.verdict import with_lines
from console.engine.probes.aws import AwsAnswers
from console.engine.probes.aws_observe import (
    authorizer_log_observation,
    decision_observation,
    expected_observation,
    integration_log_observation,
)
from console.model.authorizer_decision import AuthorizerResult, Effect, Source
from console.model.enums import Confidence, HopName, HopStatus, Severity
from console.model.findings import Finding
from console.model.gateway_log import ExecutionLog, GatewayLogEvidence, HeaderDump
from console.model.trace import AuthorizerDecision, Hop, HopObservation

LOGGED_WHERE = "the endpoint request headers API Gateway logged"
LOST = "iis.header_lost_after_gateway"
_MISSING = "integration.claim_header_missing"


@dataclass(slots=True)
class AwsStage:
    """The AWS observations of one trace, the findings after the AWS rules, and the authorizer decision from AWS."""

    observations: list[HopObservation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    decision: AuthorizerDecision | None = None


def aws_stage(ev: Evidence, findings: list[Finding], reading: ResponseReading | None, *, iis_checked: bool) -> AwsStage:
    """Fold ``ev.aws`` into observations and ``findings`` (returned whole, enriched); nothing when AWS was not asked.

    ``iis_checked``: the propagation headers were already checked against what IIS received (echo or log)."""
    answers = ev.aws
    if answers is None:
        return AwsStage(findings=list(findings))
    stage = AwsStage(findings=list(findings))
    execution = _execution(answers)
    _decide(ev, stage, answers, execution, reading)
    unmapped, commands = _unmapped(ev, answers.expected)
    endpoint = execution.endpoint_headers if execution is not None else None
    status = HopStatus.UNKNOWN
    if endpoint is not None and ev.target.propagation and not ev.direct_to_iis:
        logged = _logged_check(ev, endpoint)
        status = HopStatus.BROKEN if any(f.severity is Severity.ERROR for f in logged) else HopStatus.OK
        if not iis_checked:
            codes = {(f.code, f.hop) for f in stage.findings}
            stage.findings += [f for f in logged if (f.code, f.hop) not in codes]
    draft = _draft_note(answers.expected)
    stage.findings = [_explained(f, unmapped, commands, endpoint, draft) for f in stage.findings]
    if answers.expected is not None:
        unseen = endpoint is None and not iis_checked and bool(unmapped)
        # Configuration alone shows a header will not be sent: a warning until a request shows it, never a pass.
        expected_status = HopStatus.WARNING if unseen else HopStatus.UNKNOWN
        stage.observations.append(expected_observation(answers.expected, unmapped, status=expected_status))
    if answers.logs is not None:
        names = [h for h, _c in ev.target.propagation]
        subject = ev.target.subject_header
        ordered = [subject, *[n for n in names if n != subject]] if subject else names
        stage.observations.append(integration_log_observation(answers.logs, ordered, status))
    return stage


def with_aws_lines(hops: tuple[Hop, ...], stage: AwsStage) -> tuple[Hop, ...]:
    """``hops`` with every AWS line in their evidence, an unknown observation's too ("AWS: unavailable — why"):
    merging keeps only the informative observations' lines, and an unavailable answer must still be read."""
    for name in (HopName.AUTHORIZER, HopName.INTEGRATION):
        hops = with_lines(hops, name, [line for o in stage.observations if o.hop is name for line in o.evidence])
    return hops


def _execution(answers: AwsAnswers) -> ExecutionLog | None:
    return answers.logs.execution if isinstance(answers.logs, GatewayLogEvidence) else None


def _decide(
    ev: Evidence, stage: AwsStage, answers: AwsAnswers, execution: ExecutionLog | None, reading: ResponseReading | None
) -> None:
    """The authorizer hop: the decision AWS gives now, judged against what this request met (response, log)."""
    logged = execution.authorizer if execution is not None else None
    if execution is not None and (seen := authorizer_log_observation(execution)) is not None:
        stage.observations.append(seen)
    result = answers.decision
    if result is None:
        return
    if not isinstance(result, AuthorizerResult):
        stage.observations.append(decision_observation(result))
        return
    outcome = logged.outcome if logged is not None else None
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
        cached = logged.cache_hit if logged is not None else None
        stage.decision = replace(decision, cached=cached) if cached is not None else decision
    if not result.allowed and not passed and not result.undetermined:
        deny = _deny_finding(result)
        stage.findings = [deny, *(f for f in stage.findings if not (f.code == deny.code and f.hop is deny.hop))]


_REFUSALS = ("deny", "unauthorized", "error")


def _deny_finding(result: AuthorizerResult) -> Finding:
    """The authorizer hop's failure as AWS decides it, naming the statement that matched this method ARN."""
    status = result.response.status if result.response is not None else 403
    if status == 401:
        code = "authorizer.unauthorized"
    elif status >= 500:
        code = "authorizer.configuration_error"
    elif any("scope" in reason.lower() for reason in result.reasons):
        code = "authorizer.insufficient_scope"
    elif result.effect is Effect.NONE_MATCHING:
        code = "authorizer.implicit_deny"
    else:
        code = "authorizer.explicit_deny"
    statement = result.statement
    if statement is not None:
        why = (
            f"statement #{statement.index}{f' ({statement.sid})' if statement.sid else ''} "
            f"{statement.effect} {', '.join(statement.actions)} on {', '.join(statement.resources)} matches it"
        )
    elif result.effect is Effect.NONE_MATCHING:
        why = "no statement of the returned policy matches it"
    else:
        why = "; ".join(result.reasons) or "the authorizer refused the token"
    detail = f"AWS ({result.source.value}) decides deny for {result.method_arn}: {why}"
    confidence = Confidence.LIKELY if result.source is Source.LOCAL else Confidence.CERTAIN
    return hop_finding(code, detail, hop=HopName.AUTHORIZER, confidence=confidence)


def _unmapped(ev: Evidence, expected: object) -> tuple[dict[str, str], dict[str, str]]:
    """The profile's propagation headers no mapping sets (header → claim), and inspect's fix command per header."""
    if not isinstance(expected, ExpectedPropagation) or expected.config.hit is None:
        return {}, {}
    mapped = {m.header.lower() for m in expected.config.hit.mappings if m.via != "remove"}
    unmapped = {h: c for h, c in ev.target.propagation if h.lower() not in mapped}
    commands: dict[str, str] = {}
    for item in expected.findings:
        for header in unmapped:
            if item.finding.code == "config.header_unmapped" and f"no mapping sets {header} " in item.finding.title:
                fix = item.finding.fix + (f": $ {item.commands[0]}" if item.commands else "")
                commands[header] = fix
    return unmapped, commands


def _logged_check(ev: Evidence, dump: HeaderDump) -> list[Finding]:
    """The propagation rules over the headers API Gateway logged sending IIS (certain: it is the gateway's record).
    A header missing from a truncated line is not known to be missing: it is left out."""
    received = dict(dump.pairs)
    wanted = ev.expected_values()
    if dump.truncated:
        wanted = {h: v for h, v in wanted.items() if lookup(received, h) is not None}
    check = check_propagation(
        received,
        wanted,
        sent_by_client=ev.sent_headers,
        correlation_header=ev.target.correlation_header,
        correlation_id=ev.correlation_id,
        where=LOGGED_WHERE,
        confidence=Confidence.CERTAIN,
        target=ev.target,
    )
    return list(check.findings)


def _draft_note(expected: object) -> str:
    """When the configuration read is the API's current one, not the stage's snapshot: the words to add to a cause
    drawn from it (a header mapped in the draft may not be deployed yet, and the reverse)."""
    source = getattr(getattr(expected, "config", None), "source", None)
    if source is None or source.kind != "draft":
        return ""
    return f" (read from the API's current configuration, which may not be what the stage serves: {source.note})"


def _explained(
    finding: Finding, unmapped: dict[str, str], commands: dict[str, str], endpoint: HeaderDump | None, draft: str = ""
) -> Finding:
    """A missing-header finding with its cause from AWS: no mapping sets it, or the gateway did send it."""
    if finding.code != _MISSING:
        return finding
    header = next((line.rsplit(": no ", 1)[1] for line in finding.evidence if ": no " in line), None)
    if header is None:
        return finding
    if header in unmapped:
        fix = commands.get(header) or f"map {header} in the integration request and redeploy (baton aws inspect)"
        detail = f"{finding.detail} — because no mapping sets it: the API's configuration sends IIS no {header}{draft}"
        return replace(finding, detail=detail, fix=fix)
    sent = endpoint.get(header) if endpoint is not None else None
    if sent is not None and not finding.detail.startswith(LOGGED_WHERE):
        detail = (
            f"{finding.detail} — yet API Gateway's execution log shows it sent IIS {header}: {sent}, so the header "
            "was lost between the gateway and IIS"
        )
        # API Gateway's own log shows the integration sent it: the loss is past the gateway, at or before IIS.
        return hop_finding(
            LOST,
            detail,
            hop=HopName.IIS,
            confidence=finding.confidence or Confidence.CERTAIN,
            evidence=finding.evidence,
        )
    if endpoint is not None and sent is None and not finding.detail.startswith(LOGGED_WHERE):
        return replace(finding, detail=f"{finding.detail} — API Gateway's execution log confirms it did not send it")
    return finding
