"""Rules over the sandbox's ground truth: what the gateway, authorizer, integration and IIS each saw."""

from __future__ import annotations

import re

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.record import AuthorizerTruth, GroundTruth, IisTruth
from console.engine.redact import redact_text
from console.model.findings import Finding
from console.model.trace import (
    AuthorizerDecision,
    HopName,
    HopObservation,
    HopStatus,
    Identity,
    PolicyStatement,
    first_value,
)

PROBE = "sandbox"
REFUSALS = frozenset({"unauthorized", "deny", "error"})
"""Authorizer decisions that refuse the request."""


def gateway_stage(record: GroundTruth, ev: Evidence) -> tuple[HopObservation, list[Finding]]:
    """Routing, API key and throttling: the gateway's own refusals (the authorizer's are its own hop)."""
    gw, az = record.gateway, record.authorizer
    # Refused by the gateway itself (no route, API key, throttling): no authorizer refusal, and IIS never called.
    refused_here = gw.outcome == "refused" and az.decision not in REFUSALS and not record.integration.sent
    evidence = [f"gateway answered {gw.status}" + (f" ({gw.error_type})" if gw.error_type else "")]
    if gw.api_key != "not_required":
        evidence.insert(0, f"API key: {gw.api_key}")
    # Domain §1.8: the usage plan (API key, its throttle) is verified after the authorizer ran; its allow is unused.
    when = (
        "at the usage-plan check (API Gateway runs it after the authorizer, whose allow was not used)"
        if az.decision == "allow"
        else "before any authorizer ran"
    )
    findings: list[Finding] = []
    if refused_here and (gw.throttled or gw.status == 429):
        findings.append(
            hop_finding(
                "gateway.throttled",
                f"the gateway refused the request {when}: it throttled it ({gw.status})",
                hop=HopName.GATEWAY,
                evidence=tuple(evidence),
            )
        )
    elif refused_here and gw.api_key in ("missing", "invalid"):
        findings.append(
            hop_finding(
                "gateway.api_key_missing",
                (
                    f"the gateway refused the request {when}: the method requires an API key and the request's key "
                    f"is {gw.api_key} ({gw.status})"
                ),
                hop=HopName.GATEWAY,
                evidence=tuple(evidence),
            )
        )
    elif (
        refused_here
        and (gw.error_type or "").casefold() in ("missingauthenticationtokenexception", "")
        and gw.status in (403, 404)
    ):
        findings.append(
            hop_finding(
                "gateway.missing_authentication_token",
                (
                    f"no resource or route matches {record.client.method} {record.client.path} in this stage: "
                    f"the gateway answered {gw.status}"
                    + (f" ({gw.error_type})" if gw.error_type else "")
                    + " before any authorizer ran"
                ),
                hop=HopName.GATEWAY,
                evidence=tuple(evidence),
            )
        )
    status = HopStatus.BROKEN if refused_here else HopStatus.OK
    subject = ev.expected_subject()
    identity = Identity(subject, (("sub", subject),), "bearer token") if subject else None
    return HopObservation(HopName.GATEWAY, PROBE, status, identity, tuple(evidence)), findings


def authorizer_stage(record: GroundTruth, ev: Evidence) -> tuple[HopObservation, AuthorizerDecision, list[Finding]]:
    """The authorizer's decision, its policy and cache, and whether it carries an identity onward."""
    az = record.authorizer
    decision = authorizer_decision(record)
    findings: list[Finding] = []
    effect = az.decision
    evidence = [f"{az.type} authorizer: {effect}" + (f" ({az.reason})" if az.reason else "")]
    if az.cached:
        evidence.append(f"decision from the authorizer cache (key {redact_text(str(az.cache_key))})")
    if effect == "allow" and record.gateway.outcome == "refused" and not record.integration.sent:
        evidence.append("its allow was not used: the gateway then refused the request at the usage-plan check")
    identity = _authorizer_identity(az)
    if effect == "deny":
        findings.append(_deny_finding(az, decision, tuple(evidence)))
    elif effect == "error":
        findings.append(
            hop_finding(
                "authorizer.configuration_error",
                az.reason or "the authorizer failed",
                hop=HopName.AUTHORIZER,
                evidence=tuple(evidence),
            )
        )
    elif effect == "allow" and not _carries_identity(az, ev):
        wanted = ", ".join(claim for _h, claim in ev.target.propagation) or "sub"
        findings.append(
            hop_finding(
                "authorizer.context_missing_identity",
                (
                    f"the authorizer allowed the request with principalId {az.principal_id!r} but its context has "
                    f"none of {wanted}: nothing identifies the caller to map onward"
                ),
                hop=HopName.AUTHORIZER,
                evidence=tuple(evidence),
            )
        )
    status = {
        "allow": HopStatus.OK,
        "deny": HopStatus.BROKEN,
        "unauthorized": HopStatus.BROKEN,
        "error": HopStatus.BROKEN,
    }.get(effect, HopStatus.NOT_REACHED)
    if effect == "skipped" and az.type == "none" and record.gateway.outcome == "forwarded":
        status = HopStatus.OK
        evidence = ["no authorizer on this route"]
    observation = HopObservation(
        HopName.AUTHORIZER, PROBE, status, identity=identity, evidence=tuple(evidence), data={"decision": effect}
    )
    return observation, decision, findings


def _deny_finding(az: AuthorizerTruth, decision: AuthorizerDecision, evidence: tuple[str, ...]) -> Finding:
    explicit = any(s.effect.lower() == "deny" and s.matches_request for s in decision.policy)
    if explicit:
        matched = next(
            (r for s in decision.policy if s.effect.lower() == "deny" and s.matches_request for r in s.resources), None
        )
        denied = decision.method_arn or "this method"
        return hop_finding(
            "authorizer.explicit_deny",
            (
                f"the policy returned for principal {az.principal_id!r} denies {denied}"
                + (f" (Deny on {matched})" if matched and matched != decision.method_arn else "")
            ),
            hop=HopName.AUTHORIZER,
            evidence=evidence,
        )
    allowed = [r for s in decision.policy if s.effect.lower() == "allow" for r in s.resources]
    if az.cached and allowed:
        return hop_finding(
            "authorizer.cached_policy_mismatch",
            (
                f"the cached policy allows only {', '.join(allowed)}; this request is {decision.method_arn}, so the "
                "gateway denied it without calling the authorizer"
            ),
            hop=HopName.AUTHORIZER,
            evidence=evidence,
        )
    return hop_finding(
        "authorizer.implicit_deny",
        (f"no statement of the authorizer's policy allows {decision.method_arn or 'this method'}"),
        hop=HopName.AUTHORIZER,
        evidence=evidence,
    )


def authorizer_decision(record: GroundTruth) -> AuthorizerDecision:
    """The pane's AuthorizerDecision from the sandbox record."""
    az = record.authorizer
    statements = tuple(
        PolicyStatement(
            effect=s.effect,
            actions=s.actions,
            resources=s.resources,
            matches_request=az.matched_resource is not None and az.matched_resource in s.resources,
        )
        for s in az.policy
    )
    mapping = record.integration.mapping
    targets = tuple(
        (key, header) for header, expr in mapping for key, _v in az.context if expr.rstrip().endswith(f".{key}")
    )
    return AuthorizerDecision(
        kind=az.type,
        effect=az.decision,
        source="sandbox",
        principal_id=az.principal_id,
        reason=az.reason,
        context=az.context,
        context_targets=targets,
        policy=statements,
        method_arn=_method_arn(record),
        cached=az.cached,
        cache_key=redact_text(az.cache_key) if az.cache_key else None,
    )


_ARN_PREFIX = re.compile(r"^(arn:aws:execute-api:[^:]+:[^:]+:[^/]+)/")


def _method_arn(record: GroundTruth) -> str | None:
    """This request's method ARN, built as API Gateway does: <api ARN>/<stage>/<METHOD>/<path>."""
    resources = [r for s in record.authorizer.policy for r in s.resources]
    prefix = next((m.group(1) for r in resources if (m := _ARN_PREFIX.match(r))), None)
    if prefix is None or not record.client.path:
        return None
    stage, _, rest = record.client.path.lstrip("/").partition("/")
    return f"{prefix}/{stage}/{record.client.method}/{rest}"


_SHOWN = frozenset({"sub", "username", "cognito:groups", "scope", "token_use", "client_id", "email", "groups"})


def _authorizer_identity(az: AuthorizerTruth) -> Identity | None:
    values = {**dict(az.context), **dict(az.claims)}
    subject = values.get("sub") or values.get("username") or az.principal_id
    if not values and not az.principal_id:
        return None
    source = "authorizer claims" if az.claims else "authorizer context"
    shown = tuple((k, v) for k, v in values.items() if k in _SHOWN)
    return Identity(
        subject=subject, claims=(("principalId", az.principal_id), *shown) if az.principal_id else shown, source=source
    )


def _carries_identity(az: AuthorizerTruth, ev: Evidence) -> bool:
    wanted = [claim for _h, claim in ev.target.propagation] or ["sub"]
    return any(az.value(claim) for claim in wanted)


def integration_stage(record: GroundTruth, ev: Evidence) -> HopObservation:
    """What the integration sent to IIS (headers), or that it timed out / never ran."""
    integ = record.integration
    if not integ.sent:
        return HopObservation(HopName.INTEGRATION, PROBE, HopStatus.NOT_REACHED, evidence=("integration not called",))
    evidence = tuple(f"{h} = {expr}" for h, expr in integ.mapping)
    subject_header = ev.target.subject_header
    subject = first_value(integ.headers, subject_header) if subject_header else None
    source = f"{subject_header} header" if subject else "headers sent to IIS"
    identity = Identity(subject=subject or None, claims=integ.headers, source=source)
    status = HopStatus.BROKEN if integ.timed_out else HopStatus.OK
    return HopObservation(
        HopName.INTEGRATION,
        PROBE,
        status,
        identity=identity,
        evidence=evidence,
        data={"headers": dict(integ.headers), "timed_out": integ.timed_out},
    )


def iis_stage(iis: IisTruth, *, timed_out: bool = False, taken: str | None = None) -> HopObservation:
    """IIS's side: whether it received the request, who it resolved, what it answered.

    The status alone does not break the hop: the IIS rules judge who IIS resolved and what the status means.
    ``timed_out``: the gateway stopped waiting first; ``taken``: the time-taken (ms) IIS logged."""
    if not iis.answered:
        return HopObservation(HopName.IIS, PROBE, HopStatus.NOT_REACHED, evidence=("IIS received nothing",))
    evidence = [_answer(iis, timed_out, taken)]
    if iis.log_line:
        evidence.append(f"W3C: {iis.log_line}")
    identity = Identity(subject=iis.user, claims=iis.headers, source=f"IIS, {iis.auth_type or 'anonymous'} auth")
    # An error status is never shown as ok; the findings say whether it broke the identity or only the request.
    status = HopStatus.WARNING if iis.status is not None and iis.status >= 400 else HopStatus.OK
    return HopObservation(
        HopName.IIS,
        PROBE,
        status,
        identity=identity,
        evidence=tuple(evidence),
        data={
            "received": iis.received,
            "status": iis.status,
            "substatus": iis.substatus,
            "user": iis.user,
            "auth_type": iis.auth_type,
            "log_line": iis.log_line,
        },
    )


def _answer(iis: IisTruth, timed_out: bool, taken: str | None) -> str:
    """What IIS did with the request, as far as the sandbox saw it (never "answered None")."""
    if iis.status is None:
        if timed_out:
            return (
                "IIS received the request but had not answered when the gateway stopped waiting (integration timeout)"
            )
        return "IIS received the request; no answer from it was recorded"
    code = f"{iis.status}" + (f".{iis.substatus}" if iis.substatus else "")
    if timed_out:
        after = f" after {taken} ms" if taken and taken.isdigit() else ""
        return f"IIS finished after the gateway stopped waiting (integration timeout): {code}{after}, too late"
    return f"IIS answered {code}"
