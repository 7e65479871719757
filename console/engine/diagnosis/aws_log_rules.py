"""Findings drawn from AWS's records of one request: the endpoint request headers API Gateway logged (checked as the
propagation rules check IIS's), the log against what IIS received, the logged authorizer refusal, and a Deny from
TestInvokeAuthorizer naming the statement that matched this method ARN."""

from __future__ import annotations

from console.engine.diagnosis.aws_explain import LOGGED_WHERE
from console.engine.diagnosis.aws_outcome import LOG_SOURCE, LoggedOutcome
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.propagation import check_propagation, lookup
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.model.authorizer_decision import AuthorizerResult, Effect, Source
from console.model.findings import Finding
from console.model.gateway_log import HeaderDump
from console.model.trace import Confidence, HopName

LOG_VS_IIS = "integration.log_contradicts_iis"


def logged_check(ev: Evidence, dump: HeaderDump) -> list[Finding]:
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


def log_vs_iis(ev: Evidence, dump: HeaderDump, received: dict[str, str]) -> list[str]:
    """Each propagated header IIS received with the expected value although the log says the gateway sent it
    otherwise (or not at all): the two records cannot both be this request's."""
    said: list[str] = []
    logged = dict(dump.pairs)
    for header, value in ev.expected_values().items():
        got, sent = lookup(received, header), lookup(logged, header)
        if value is None or got != value or sent == value or (sent is None and dump.truncated):
            continue
        what = f"sent IIS {header}: {sent}" if sent is not None else f"did not send {header}"
        said.append(f"IIS received {header}: {got}, but the gateway log says the gateway {what}")
    return said


def log_vs_iis_findings(said: list[str], request_id: str | None) -> list[Finding]:
    """The log-against-IIS contradiction, and the unconfirmed verdict it leaves."""
    rid = f" {request_id}" if request_id else ""
    detail = (
        f"{'; '.join(said)} (the gateway log for request id{rid}). Something between the gateway and IIS added or "
        "rewrote the header, the echo does not show what IIS received, or the log is another request's"
    )
    found = hop_finding(LOG_VS_IIS, detail, hop=HopName.INTEGRATION, confidence=Confidence.CERTAIN)
    unconfirmed = hop_finding(
        UNCONFIRMED,
        f"what IIS received and the gateway's log disagree ({'; '.join(said)}): the identity's path is not known",
        hop=HopName.INTEGRATION,
        confidence=Confidence.CERTAIN,
        fix=found.fix,
    )
    return [found, unconfirmed]


_LOGGED_CODES = {
    "denied": "authorizer.explicit_deny",
    "unauthorized": "authorizer.unauthorized",
    "error": "authorizer.configuration_error",
}


def logged_refusal(outcome: LoggedOutcome, request_id: str | None, existing: list[Finding]) -> list[Finding]:
    """The authorizer's refusal the log records (and the response agrees with), as a finding when no other rule
    explained the authorizer hop: a broken hop always names its finding and fix."""
    code = _LOGGED_CODES.get(outcome.outcome or "")
    if code is None or any(f.hop is HopName.AUTHORIZER and f.severity.value == "error" for f in existing):
        return []
    rid = f" {request_id}" if request_id else ""
    why = f" ({outcome.why})" if outcome.why else ""
    detail = f"{LOG_SOURCE} for request id{rid} records the authorizer's decision: {outcome.outcome}{why}"
    return [hop_finding(code, detail, hop=HopName.AUTHORIZER, confidence=Confidence.LIKELY)]


def deny_finding(result: AuthorizerResult) -> Finding:
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
