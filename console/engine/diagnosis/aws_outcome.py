"""The authorizer's outcome as the gateway's execution log records it, whatever the wording, and that outcome as the
trace's authorizer decision when AWS's TestInvokeAuthorizer could not answer.

A Lambda authorizer's Deny is logged in more than one way: "Successfully completed authorizer execution" (the Lambda
ran fine) followed by "The client is not authorized to perform this operation.", or only the returned policy in
"Authorizer result body before parsing" with a 403. The parser keeps the raw lines; this module reads them all."""

from __future__ import annotations

import json
from dataclasses import dataclass

from console.model.gateway_log import AuthorizerLog, ExecutionLog
from console.model.trace import AuthorizerDecision, PolicyStatement

LOG_SOURCE = "the gateway's execution log"
NOT_AUTHORIZED = "the client is not authorized to perform this operation"
"""API Gateway's execution-log line after an authorizer's Deny (as reported from real logs; see the report)."""
_EFFECTS = {"allowed": "allow", "denied": "deny", "unauthorized": "unauthorized", "error": "error"}
_KINDS = {"COGNITO_USER_POOLS": "cognito", "JWT": "jwt", "TOKEN": "lambda_token", "REQUEST": "lambda_request"}


@dataclass(frozen=True, slots=True)
class LoggedOutcome:
    """What the log says the authorizer decided: ``allowed``/``denied``/``unauthorized``/``error`` or None, and why."""

    outcome: str | None
    why: str = ""


def statements(policy: str | None) -> tuple[PolicyStatement, ...]:
    """The statements of a logged ``policyDocument`` (JSON text); empty when it cannot be read."""
    try:
        doc = json.loads(policy) if policy else None
    except (ValueError, RecursionError):
        return ()
    raw = doc.get("Statement") if isinstance(doc, dict) else None
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    found: list[PolicyStatement] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        actions, resources = _strings(item.get("Action")), _strings(item.get("Resource"))
        # Only a wildcard resource is known to match this request: the method ARN is not in the log.
        found.append(PolicyStatement(str(item.get("Effect", "")).lower(), actions, resources, "*" in resources))
    return tuple(found)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def logged_outcome(execution: ExecutionLog) -> LoggedOutcome:
    """The authorizer's decision for this request as the log shows it, reading every wording AWS uses."""
    log = execution.authorizer
    said = next((line.text for line in execution.lines if line.text.strip().lower().startswith(NOT_AUTHORIZED)), None)
    if said is not None:
        return LoggedOutcome("denied", f"the log says '{said.strip()[:120]}'")
    if log is None:
        return LoggedOutcome(None)
    if log.outcome is not None:
        return LoggedOutcome(log.outcome)
    policy = statements(log.policy)
    effects = {s.effect for s in policy}
    if "deny" in effects and ("allow" not in effects or any(s.effect == "deny" and s.matches_request for s in policy)):
        return LoggedOutcome("denied", "the policy the authorizer returned has Effect Deny")
    return LoggedOutcome(None)


def decision_from_log(
    log: AuthorizerLog, outcome: LoggedOutcome, request_id: str | None, authorizer_type: str | None, doubt: str = ""
) -> AuthorizerDecision:
    """The authorizer pane's decision from the log: this very request's record (matched by its request id), or,
    when ``doubt`` says the lines may be another request's or contradict the response, an unknown effect."""
    effect = "unknown" if doubt or outcome.outcome is None else _EFFECTS.get(outcome.outcome, "unknown")
    rid = f" (x-amzn-RequestId {request_id})" if request_id else ""
    if doubt:
        reason = f"{LOG_SOURCE} for this request id{rid} says {outcome.outcome or 'nothing of the decision'}, "
        reason += f"but it is not trusted as this request's: {doubt}"
    else:
        reason = f"from {LOG_SOURCE} for this request id{rid}: evidence of this very request"
        reason += f" ({outcome.why})" if outcome.why else ""
    return AuthorizerDecision(
        kind=_KINDS.get(authorizer_type or "", "none"),
        effect=effect,
        source=LOG_SOURCE,
        principal_id=log.principal,
        reason=reason,
        context=log.context,
        policy=statements(log.policy),
        cached=log.cache_hit,
    )
