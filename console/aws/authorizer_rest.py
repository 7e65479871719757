"""A REST API's Lambda authorizer (TOKEN or REQUEST), asked through AWS ``TestInvokeAuthorizer`` with the real token
and request values, its policy then judged against THIS request's method ARN (console.aws.policy_match).

TestInvokeAuthorizer answers ``clientStatus`` 0 when the authorizer ran; it does not apply the policy to any method,
so a policy that does not allow this ARN is a deny here even when the authorizer "succeeded". Its ``log`` lines are
the execution log of the test run; the context map is read from its ``Authorizer result body`` line when present.
Token-shaped text in anything kept (log lines, context, principal) is masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from console.aws.config_read import Reader
from console.aws.policy_match import match_policy, names_single_method, parse_policy, real_stage
from console.engine.redact import redact_text
from console.model.authorizer_decision import AuthorizerResult, ClientResponse, Effect, PolicyMatch, Source
from console.model.aws_config import AuthorizerConfig

_RESULT_BODY = re.compile(r"Authorizer result body(?: before parsing)?:\s*(\{.*\})\s*$")
EXPLICIT_DENY = ClientResponse(
    403, "User is not authorized to access this resource with an explicit deny", "AccessDeniedException"
)
IMPLICIT_DENY = ClientResponse(403, "User is not authorized to access this resource", "AccessDeniedException")
_BY_STATUS = {
    401: ClientResponse(401, "Unauthorized", "UnauthorizedException"),
    403: IMPLICIT_DENY,
    500: ClientResponse(500, "null", "AuthorizerConfigurationException"),
}


def request_values(headers: Sequence[tuple[str, str]], path: str, stage_variables: Mapping[str, str]) -> dict[str, Any]:
    """TestInvokeAuthorizer's request: the headers as sent (a repeated name keeps its last value in ``headers`` and
    every value in ``multiValueHeaders``), the path with its query, and the stage's variables."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    request: dict[str, Any] = {"headers": single, "multiValueHeaders": multi, "pathWithQueryString": path or "/"}
    if stage_variables:
        request["stageVariables"] = dict(stage_variables)
    return request


def context_from_log(lines: Sequence[str]) -> dict[str, Any]:
    """The ``context`` of the authorizer's answer, from its ``Authorizer result body`` log line ({} when absent)."""
    for line in lines:
        match = _RESULT_BODY.search(line)
        if match is None:
            continue
        try:
            body = json.loads(match.group(1))
        except (ValueError, RecursionError):
            continue
        context = body.get("context") if isinstance(body, dict) else None
        if isinstance(context, dict):
            return context
    return {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _pairs(values: Mapping[str, Any] | None, held: Sequence[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, Mapping):
        return ()
    shown = []
    for key, value in values.items():
        text = ", ".join(_text(v) for v in value) if isinstance(value, list) else _text(value)
        shown.append((redact_text(str(key), held), redact_text(text, held)))
    return tuple(shown)


def cache_note(authorizer: AuthorizerConfig, judged: PolicyMatch) -> str | None:
    """The cross-route risk of a cached policy that names single methods (domain §1.6, F10)."""
    if authorizer.ttl <= 0 or not names_single_method(judged.statements):
        return None
    return (
        f"the authorizer caches its policy for {authorizer.ttl} s and the policy names single method ARNs: the same "
        "token on another method or path within the TTL is refused (403) without invoking the authorizer — return "
        "a wildcard resource (…/stage/*/*) or set the TTL to 0"
    )


def test_invoke(
    reader: Reader,
    authorizer: AuthorizerConfig,
    *,
    headers: Sequence[tuple[str, str]],
    path: str,
    stage_variables: Mapping[str, str],
    arn: str,
    held: Sequence[str],
) -> AuthorizerResult:
    """Ask AWS what ``authorizer`` decides for this request; AwsError (from ``reader``) on any AWS failure."""
    request = request_values(headers, path, stage_variables)
    answer = reader.call(
        "TestInvokeAuthorizer", "test_invoke_authorizer", restApiId=reader.api_id, authorizerId=authorizer.id, **request
    )
    log_text = str(answer.get("log", "") or "")
    lines = tuple(redact_text(line, held) for line in log_text.splitlines() if line.strip())
    status = int(answer.get("clientStatus", 0) or 0)
    principal = answer.get("principalId")
    statements, notes = parse_policy(answer.get("policy"))
    statements, placeholder_notes = real_stage(statements, reader.stage)
    judged = match_policy(statements, arn, notes + placeholder_notes)
    notes_out = list(judged.notes)
    reasons: list[str] = []
    response: ClientResponse | None
    if status not in (0, 200):
        response = _BY_STATUS.get(status, ClientResponse(status, "", ""))
        reasons.append(f"TestInvokeAuthorizer says the client would get HTTP {status}")
        effect = judged.effect if statements else Effect.NO_POLICY
    elif not statements:
        response = _BY_STATUS[500]
        reasons.append("the authorizer returned no usable policy document: API Gateway answers 500")
        effect = Effect.NO_POLICY
    else:
        effect = judged.effect
        response = {Effect.DENY: EXPLICIT_DENY, Effect.NONE_MATCHING: IMPLICIT_DENY}.get(effect)
        if effect is Effect.DENY and judged.statement is not None:
            reasons.append(f"statement {judged.statement.index} explicitly denies {arn}")
        elif effect is Effect.NONE_MATCHING:
            reasons.append(f"no statement of the policy allows {arn} (implicit deny), though the authorizer succeeded")
        elif effect is Effect.UNDETERMINED:
            reasons.append(f"undetermined: {judged.notes[-1]}")
        note = cache_note(authorizer, judged)
        if note:
            notes_out.append(note)
    latency = answer.get("latency")
    return AuthorizerResult(
        allowed=response is None and effect is not Effect.UNDETERMINED,
        source=Source.TEST_INVOKE,
        authorizer_type=authorizer.type,
        authorizer_id=authorizer.id,
        authorizer_name=authorizer.name,
        method_arn=arn,
        effect=effect,
        principal_id=redact_text(str(principal), held) if principal not in (None, "") else None,
        statement=judged.statement,
        statements=judged.statements,
        context=_pairs(context_from_log(lines) or None, held),
        claims=_pairs(answer.get("claims"), held),
        latency_ms=int(latency) if isinstance(latency, int | float) else None,
        log_lines=lines,
        client_status=status,
        response=response,
        reasons=tuple(reasons),
        notes=tuple(notes_out),
    )
