"""Rules over the sandbox's ground truth: what the gateway, authorizer, integration and IIS each saw."""

from __future__ import annotations

import re
from typing import Any

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.propagation import lookup
from console.engine.redact import redact_text
from console.model.findings import Finding
from console.model.trace import (
    AuthorizerDecision,
    Confidence,
    HopName,
    HopObservation,
    HopStatus,
    Identity,
    PolicyStatement,
)

PROBE = "sandbox"


def gateway_stage(record: dict[str, Any], ev: Evidence) -> tuple[HopObservation, list[Finding]]:
    """Routing, API key and throttling, before any authorizer runs."""
    gw, az = record["gateway"], record["authorizer"]
    # Refused by the gateway itself (API key, throttling): no authorizer refusal, and IIS never called.
    refused_here = (gw["outcome"] == "refused" and az["decision"] in ("skipped", "allow")
                    and not record["integration"]["sent"])
    evidence = [f"API key: {gw['api_key']}", f"gateway answered {gw['status']}"
                + (f" ({gw['error_type']})" if gw.get("error_type") else "")]
    findings: list[Finding] = []
    if refused_here and (gw.get("throttled") or gw["status"] == 429):
        findings.append(hop_finding("gateway.throttled", f"the gateway throttled the request ({gw['status']})",
                                    hop=HopName.GATEWAY, evidence=tuple(evidence)))
    elif refused_here and gw["api_key"] in ("missing", "invalid"):
        findings.append(hop_finding("gateway.api_key_missing", (
            f"the method requires an API key and the request's key is {gw['api_key']}: the gateway answered "
            f"{gw['status']} before the authorizer ran"), hop=HopName.GATEWAY, evidence=tuple(evidence)))
    status = HopStatus.BROKEN if refused_here else HopStatus.OK
    subject = ev.expected_subject()
    identity = Identity(subject, (("sub", subject),), "bearer token") if subject else None
    return HopObservation(HopName.GATEWAY, PROBE, status, identity, tuple(evidence)), findings


def authorizer_stage(record: dict[str, Any], ev: Evidence) -> tuple[HopObservation, AuthorizerDecision, list[Finding]]:
    """The authorizer's decision, its policy and cache, and whether it carries an identity onward."""
    az = record["authorizer"]
    decision = authorizer_decision(az, ev)
    findings: list[Finding] = []
    effect = az["decision"]
    evidence = [f"{az['type']} authorizer: {effect}" + (f" ({az['reason']})" if az.get("reason") else "")]
    if az.get("cached"):
        evidence.append(f"decision from the authorizer cache (key {redact_text(str(az.get('cache_key')))})")
    identity = _authorizer_identity(az)
    if effect == "deny":
        findings.append(_deny_finding(az, decision, tuple(evidence)))
    elif effect == "error":
        findings.append(hop_finding("authorizer.configuration_error", az.get("reason") or "the authorizer failed",
                                    hop=HopName.AUTHORIZER, evidence=tuple(evidence)))
    elif effect == "allow" and not _carries_identity(az, ev):
        wanted = ", ".join(claim for _h, claim in ev.target.propagation) or "sub"
        findings.append(hop_finding("authorizer.context_missing_identity", (
            f"the authorizer allowed the request with principalId {az.get('principal_id')!r} but its context has "
            f"none of {wanted}: nothing identifies the caller to map onward"),
            hop=HopName.AUTHORIZER, evidence=tuple(evidence)))
    status = {"allow": HopStatus.OK, "deny": HopStatus.BROKEN, "unauthorized": HopStatus.BROKEN,
              "error": HopStatus.BROKEN}.get(effect, HopStatus.NOT_REACHED)
    if effect == "skipped" and az["type"] == "none" and record["gateway"]["outcome"] == "forwarded":
        status = HopStatus.OK
        evidence = ["no authorizer on this route"]
    observation = HopObservation(HopName.AUTHORIZER, PROBE, status, identity=identity, evidence=tuple(evidence),
                                 data={"decision": effect})
    return observation, decision, findings


def _deny_finding(az: dict[str, Any], decision: AuthorizerDecision, evidence: tuple[str, ...]) -> Finding:
    explicit = any(s.effect.lower() == "deny" and s.matches_request for s in decision.policy)
    if explicit:
        matched = next((r for s in decision.policy if s.effect.lower() == "deny" and s.matches_request
                        for r in s.resources), None)
        denied = decision.method_arn or "this method"
        return hop_finding("authorizer.explicit_deny", (
            f"the policy returned for principal {az.get('principal_id')!r} denies {denied}"
            + (f" (Deny on {matched})" if matched and matched != decision.method_arn else "")),
            hop=HopName.AUTHORIZER, evidence=evidence)
    allowed = [r for s in decision.policy if s.effect.lower() == "allow" for r in s.resources]
    if az.get("cached") and allowed:
        return hop_finding("authorizer.cached_policy_mismatch", (
            f"the cached policy allows only {', '.join(allowed)}; this request is {decision.method_arn}, so the "
            "gateway denied it without calling the authorizer"), hop=HopName.AUTHORIZER, evidence=evidence)
    return hop_finding("authorizer.implicit_deny", (
        f"no statement of the authorizer's policy allows {decision.method_arn or 'this method'}"),
        hop=HopName.AUTHORIZER, evidence=evidence)


def authorizer_decision(az: dict[str, Any], ev: Evidence) -> AuthorizerDecision:
    """The pane's AuthorizerDecision from the sandbox record."""
    policy = az.get("policy") or {}
    method_arn = _method_arn(ev.record or {}, policy)
    statements: list[PolicyStatement] = []
    for raw in policy.get("Statement", []) if isinstance(policy, dict) else []:
        resources = raw.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else list(resources)
        actions = raw.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        matched = az.get("matched_resource")
        statements.append(PolicyStatement(
            effect=str(raw.get("Effect", "")), actions=tuple(map(str, actions)), resources=tuple(map(str, resources)),
            matches_request=matched is not None and matched in resources,
        ))
    context = az.get("context") or {}
    mapping = (ev.record or {}).get("integration", {}).get("mapping", {})
    targets = tuple((key, header) for header, expr in mapping.items() for key in context
                    if str(expr).rstrip().endswith(f".{key}"))
    return AuthorizerDecision(
        kind=str(az["type"]), effect=str(az["decision"]), source="sandbox", principal_id=az.get("principal_id"),
        reason=str(az.get("reason") or ""), context=tuple((str(k), str(v)) for k, v in context.items()),
        context_targets=targets, policy=tuple(statements), method_arn=method_arn,
        cached=bool(az.get("cached")), cache_key=redact_text(str(az["cache_key"])) if az.get("cache_key") else None,
    )


_ARN_PREFIX = re.compile(r"^(arn:aws:execute-api:[^:]+:[^:]+:[^/]+)/")


def _method_arn(record: dict[str, Any], policy: Any) -> str | None:
    """This request's method ARN, built as API Gateway does: <api ARN>/<stage>/<METHOD>/<path>."""
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    resources = [r for s in statements for r in ([s.get("Resource")] if isinstance(s.get("Resource"), str)
                                                   else s.get("Resource") or [])]
    prefix = next((m.group(1) for r in resources if (m := _ARN_PREFIX.match(str(r)))), None)
    client = record.get("client") or {}
    if prefix is None or not client.get("path"):
        return None
    stage, _, rest = str(client["path"]).lstrip("/").partition("/")
    return f"{prefix}/{stage}/{client.get('method', 'GET')}/{rest}"


def _authorizer_identity(az: dict[str, Any]) -> Identity | None:
    claims = az.get("claims") or {}
    context = az.get("context") or {}
    values = {**{str(k): str(v) for k, v in context.items()}, **{str(k): str(v) for k, v in claims.items()}}
    subject = values.get("sub") or values.get("username") or az.get("principal_id")
    if not values and not az.get("principal_id"):
        return None
    source = "authorizer claims" if claims else "authorizer context"
    shown = tuple((k, v) for k, v in values.items() if k in {"sub", "username", "cognito:groups", "scope",
                                                            "token_use", "client_id", "email", "groups"})
    return Identity(subject=subject, claims=(("principalId", str(az.get("principal_id"))), *shown)
                    if az.get("principal_id") else shown, source=source)


def _carries_identity(az: dict[str, Any], ev: Evidence) -> bool:
    values = {**(az.get("context") or {}), **(az.get("claims") or {})}
    wanted = [claim for _h, claim in ev.target.propagation] or ["sub"]
    return any(values.get(claim) not in (None, "") for claim in wanted)


def integration_stage(record: dict[str, Any], ev: Evidence) -> HopObservation:
    """What the integration sent to IIS (headers), or that it timed out / never ran."""
    integ = record["integration"]
    if not integ["sent"]:
        return HopObservation(HopName.INTEGRATION, PROBE, HopStatus.NOT_REACHED, evidence=("integration not called",))
    headers = {str(k): str(v) for k, v in integ["headers"].items()}
    mapping = integ.get("mapping") or {}
    evidence = tuple(f"{h} = {expr}" for h, expr in mapping.items())
    subject_header = ev.target.subject_header
    subject = lookup(headers, subject_header) if subject_header else None
    source = f"{subject_header} header" if subject else "headers sent to IIS"
    identity = Identity(subject=subject or None, claims=tuple(headers.items()), source=source)
    status = HopStatus.BROKEN if integ.get("timed_out") else HopStatus.OK
    return HopObservation(HopName.INTEGRATION, PROBE, status, identity=identity, evidence=evidence,
                          data={"headers": headers, "timed_out": bool(integ.get("timed_out"))})


def iis_stage(record: dict[str, Any]) -> HopObservation:
    """IIS's side: whether it received the request, who it resolved, what it answered."""
    iis = record["iis"]
    status_code = iis.get("status")
    if not iis["received"] and status_code is None:
        return HopObservation(HopName.IIS, PROBE, HopStatus.NOT_REACHED, evidence=("IIS received nothing",))
    sub = iis.get("substatus")
    evidence = [f"IIS answered {status_code}" + (f".{sub}" if sub else "")]
    if iis.get("log_line"):
        evidence.append(f"W3C: {iis['log_line']}")
    user = iis.get("user")
    identity = Identity(subject=str(user) if user else None,
                        claims=tuple((str(k), str(v)) for k, v in (iis.get("headers") or {}).items()),
                        source=f"IIS, {iis.get('auth_type') or 'anonymous'} auth")
    status = HopStatus.OK if status_code is not None and status_code < 400 else HopStatus.BROKEN
    return HopObservation(HopName.IIS, PROBE, status, identity=identity, evidence=tuple(evidence),
                          data={"received": bool(iis["received"]), "status": status_code, "substatus": sub,
                                "user": user, "auth_type": iis.get("auth_type"), "log_line": iis.get("log_line")})


CONFIDENCE = Confidence.CERTAIN
