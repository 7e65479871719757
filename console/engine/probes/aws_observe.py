"""AWS's answers about one request as the hops' observations (probe ``aws``): the authorizer's decision and the
authorizer lines of the gateway log on the authorizer hop; the configured header mappings and the endpoint request
headers API Gateway logged (what IIS was sent) on the integration hop.

An answer AWS could not give is an observation with status unknown whose evidence says ``AWS: unavailable — …``:
never a pass. Every string here came from AWS (the network): it is shown inert by the front ends."""

from __future__ import annotations

from collections.abc import Iterable

from console.engine.aws_hooks import ExpectedPropagation, LogsUnavailable, Unavailable
from console.engine.probes.aws import PROBE
from console.model.authorizer_decision import AuthorizerResult, Source
from console.model.aws_config import RestApiConfig
from console.model.enums import Confidence, HopName, HopStatus
from console.model.gateway_log import ExecutionLog, GatewayLogEvidence, HeaderDump
from console.model.trace import HopObservation, Identity

UNAVAILABLE = "AWS: unavailable — "
LOGGED = "the gateway log: "
SENT_TO_IIS = "headers API Gateway logged sending IIS"


def unavailable(hop: HopName, what: str, reason: str, kind: str = "aws") -> HopObservation:
    """An AWS question without an answer: unknown (never ok), and why."""
    return HopObservation(
        hop,
        PROBE,
        HopStatus.UNKNOWN,
        evidence=(f"{UNAVAILABLE}{what}: {reason}",),
        data={"aws": {"unavailable": reason, "kind": kind, "what": what}},
    )


def decision_observation(
    result: AuthorizerResult | Unavailable, *, status: HopStatus | None = None, notes: Iterable[str] = ()
) -> HopObservation:
    """The authorizer hop as AWS decides it for this token: effect, principal, the statement matching this method
    ARN, context and claims. ``status`` overrides ok/broken when the request itself tells otherwise (``notes``)."""
    if isinstance(result, Unavailable):
        return unavailable(HopName.AUTHORIZER, "the authorizer's decision", result.reason, result.kind)
    word = result.decision  # allow, deny, or undetermined (a statement Baton does not evaluate could decide)
    lines = [
        f"AWS authorizer decision ({result.source.value}): {word} — {result.authorizer_type} authorizer "
        f"{result.authorizer_name} ({result.authorizer_id})",
        *notes,
        f"method ARN: {result.method_arn}",
    ]
    if result.principal_id:
        lines.append(f"principal: {result.principal_id}")
    statement = result.statement
    if statement is not None:
        lines.append(
            f"matching statement #{statement.index}{f' ({statement.sid})' if statement.sid else ''}: "
            f"{statement.effect} {', '.join(statement.actions)} on {', '.join(statement.resources)}"
        )
    elif result.statements:
        lines.append("no statement of the returned policy matches this method ARN (implicit deny)")
    lines += [f"context: {key} = {value}" for key, value in result.context]
    lines += [f"claim: {key} = {value}" for key, value in result.claims]
    lines += list(result.reasons)
    subject = result.principal_id or next((v for k, v in result.claims if k == "sub"), None)
    values = tuple(result.claims) + tuple(result.context)
    local = result.source is Source.LOCAL  # Baton's own evaluation of the authorizer's settings, not AWS's run
    return HopObservation(
        HopName.AUTHORIZER,
        PROBE,
        status or (HopStatus.UNKNOWN if result.undetermined else HopStatus.OK if result.allowed else HopStatus.BROKEN),
        Identity(subject, values, "AWS authorizer decision"),
        tuple(lines),
        float(result.latency_ms) if result.latency_ms is not None else None,
        Confidence.LIKELY if local else Confidence.CERTAIN,
        {"aws": result.as_dict()},
    )


def config_source_lines(config: RestApiConfig) -> list[str]:
    """Which configuration the lines show (what the stage serves, or the API's current one) and, for the current
    one, why the stage's own snapshot was not read: a mapping in the draft may not be what this request met."""
    source = config.source
    if source is None:
        return []
    lines = [f"AWS config: {source.summary}"]
    if source.note:
        lines.append(f"AWS config: note: {source.note}")
    return lines


def expected_observation(
    answer: ExpectedPropagation | Unavailable, unmapped: dict[str, str], *, status: HopStatus = HopStatus.UNKNOWN
) -> HopObservation:
    """The integration hop as the API is configured: the route hit and each header ← its source. Configuration
    is not this request: unknown unless ``status`` says the config alone shows a header will not be sent."""
    if isinstance(answer, Unavailable):
        return unavailable(HopName.INTEGRATION, "the API's configuration", answer.reason, answer.kind)
    config = answer.config
    hit = config.hit
    if hit is None:
        line = f"AWS config: {config.request_method} {config.request_path} hits nothing: {config.miss_reason}"
        return HopObservation(HopName.INTEGRATION, PROBE, status, evidence=(line,), confidence=Confidence.LIKELY)
    what = "route" if config.kind == "http" else "resource"
    lines = [
        f"AWS config: {config.request_method} {config.request_path} hits {hit.http_method} {hit.resource_path} "
        f"({what} {hit.resource_id}) on stage {config.stage.name} → {hit.integration_type} {hit.integration_uri}",
        *config_source_lines(config),
    ]
    authorizer = config.authorizer
    if authorizer is not None:
        lines.append(
            f"AWS config: authorizer {authorizer.type} {authorizer.name} ({authorizer.id}), identity source "
            f"{authorizer.identity_source or '(none)'}, TTL {authorizer.ttl}s"
        )
    lines += [f"AWS config: sends IIS {m.header} ← {m.source}" for m in hit.mappings if m.via != "remove"]
    lines += [f"AWS config: no mapping sets {h} (the profile expects {claim})" for h, claim in unmapped.items()]
    return HopObservation(
        HopName.INTEGRATION,
        PROBE,
        status,
        evidence=tuple(lines),
        confidence=Confidence.LIKELY,
        data={"aws": {"expected_headers": [m.as_dict() for m in hit.mappings], "unmapped": sorted(unmapped)}},
    )


def authorizer_log_observation(
    execution: ExecutionLog, outcome: str | None = None, why: str = "", doubt: str = ""
) -> HopObservation | None:
    """What the execution log says the authorizer did for this very request; None when it logged nothing of it.

    ``outcome`` (with ``why``) is the decision read from every line (a Deny the parser left to the raw lines);
    ``doubt``: why the lines may not be this request's, which leaves the observation a warning, never certain."""
    log = execution.authorizer
    if log is None:
        return None
    ran = "ran" if log.invoked else "did not run"
    cache = " (a cached decision: no 'Starting authorizer' logged)" if log.cache_hit else ""
    decided = outcome or log.outcome
    because = f" ({why})" if why else ""
    lines = [f"{LOGGED}authorizer {log.authorizer_id or ''} {ran}{cache} → {decided or 'no decision logged'}{because}"]
    if log.principal:
        lines.append(f"{LOGGED}principal {log.principal}")
    lines += [f"{LOGGED}context {key} = {value}" for key, value in log.context]
    status = {"allowed": HopStatus.OK, None: HopStatus.UNKNOWN}.get(decided, HopStatus.BROKEN)
    confidence = Confidence.CERTAIN
    if doubt:
        lines.append(f"{LOGGED}not taken as this request's: {doubt}")
        status, confidence = (HopStatus.UNKNOWN if decided is None else HopStatus.WARNING), Confidence.POSSIBLE
    return HopObservation(
        HopName.AUTHORIZER,
        PROBE,
        status,
        evidence=tuple(lines),
        elapsed_ms=float(log.latency_ms) if log.latency_ms is not None else None,
        confidence=confidence,
        data={"aws": {"authorizer_log": {**log.as_dict(), "outcome": decided}}},
    )


def endpoint_lines(dump: HeaderDump) -> list[str]:
    """Each header API Gateway logged sending IIS, as logged (values already masked by the parser)."""
    lines = [f"{LOGGED}sent IIS {name}: {value}" for name, value in dump.pairs]
    if dump.truncated:
        lines.append(f"{LOGGED}the header line was truncated after {dump.cut_at or 'the first header'}")
    if dump.tail.startswith("… "):  # Baton's own cap (apigw_headers.cap), with the count of headers not kept
        lines.append(f"{LOGGED}{dump.tail}")
    return lines


def integration_log_observation(
    answer: GatewayLogEvidence | LogsUnavailable, propagation: Iterable[str], status: HopStatus, doubt: str = ""
) -> HopObservation:
    """The integration hop as API Gateway logged it: the endpoint request headers (what IIS was sent), the
    endpoint's answer, errors and the final status. ``status`` comes from checking those headers; ``doubt`` says
    why the lines may not be this request's (then they are a warning, possible at best, never a pass)."""
    if isinstance(answer, LogsUnavailable):
        reruns = [f"rerun: {search.command()}" for search in answer.searches[:1]]
        obs = unavailable(HopName.INTEGRATION, "this request's gateway log", answer.reason, answer.kind)
        return HopObservation(obs.hop, obs.probe, obs.status, evidence=(*obs.evidence, *reruns), data=obs.data)
    execution = answer.execution
    if execution is None or execution.endpoint_headers is None:
        why = answer.execution_note or "the execution log holds no endpoint request for this request"
        obs = unavailable(HopName.INTEGRATION, "the headers the gateway sent IIS", why, "not_found")
        return HopObservation(obs.hop, obs.probe, obs.status, evidence=obs.evidence, data={"aws": answer.as_dict()})
    dump = execution.endpoint_headers
    lines = [f"{LOGGED}request {answer.request_id} → {execution.endpoint_uri or 'the integration'}"]
    lines += endpoint_lines(dump)
    if execution.endpoint_status is not None:
        latency = execution.integration_latency_ms
        lines.append(f"{LOGGED}IIS answered {execution.endpoint_status}" + (f" in {latency} ms" if latency else ""))
    lines += [f"{LOGGED}error: {error}" for error in execution.errors]
    if execution.status is not None:
        lines.append(f"{LOGGED}method completed with status {execution.status}")
    wanted = [name.lower() for name in propagation]
    claims = tuple((name, value) for name, value in dump.pairs if name.lower() in wanted)
    subject = next((value for name, value in claims if wanted and name.lower() == wanted[0]), None)
    confidence = Confidence.CERTAIN
    if doubt:
        lines.append(f"{LOGGED}not taken as this request's: {doubt}")
        status, confidence = HopStatus.WARNING, Confidence.POSSIBLE
    return HopObservation(
        HopName.INTEGRATION,
        PROBE,
        status,
        None if doubt else Identity(subject, claims, SENT_TO_IIS),
        tuple(lines),
        float(execution.integration_latency_ms) if execution.integration_latency_ms is not None else None,
        confidence,
        data={"aws": {"endpoint_headers": dump.as_dict(), "request_id": answer.request_id, "doubt": doubt or None}},
    )
