"""An HTTP API's Lambda authorizer, invoked (``lambda.invoke``) with the event API Gateway would send it.

Only when the profile says ``[aws] allow_invoke = true``: invoking runs the customer's code. The event is built by
console.aws.authorizer_event from the authorizer's configuration (payload format 1.0 or 2.0, identity sources); an
identity source the request lacks means API Gateway answers 401 without invoking, and so does Baton. The answer is
a simple response (``{"isAuthorized": bool, "context": {...}}``, 2.0 with simple responses on) or an IAM policy,
judged against the request's route ARN. A Lambda error or an unreadable answer is API Gateway's 500.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from console.aws.authorizer_event import RequestFacts, event_v1, event_v2, identity_values
from console.aws.config_read import Reader
from console.aws.errors import aws_error
from console.aws.policy_match import match_policy, parse_policy
from console.engine.redact import redact_text
from console.errors import AwsError
from console.model.authorizer_decision import AuthorizerResult, ClientResponse, Effect, Source

INVOKE_REFUSED = "invoking the authorizer runs your code; set [aws] allow_invoke = true to let Baton do it"
FORBIDDEN = ClientResponse(403, "Forbidden", "")
UNAUTHORIZED = ClientResponse(401, "Unauthorized", "")
FAILED = ClientResponse(500, "Internal Server Error", "")
_FUNCTION = re.compile(r"functions/(.+?)/invocations")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


def function_of(authorizer_uri: str, stage_variables: Mapping[str, str]) -> str | None:
    """The Lambda function ARN in an authorizer URI, its ``${stageVariables.x}`` filled in; None when there is none."""
    match = _FUNCTION.search(authorizer_uri)
    if match is None:
        return authorizer_uri if authorizer_uri.startswith("arn:aws") and ":function:" in authorizer_uri else None
    return _STAGE_VARIABLE.sub(lambda m: stage_variables.get(m.group(1), m.group(0)), match.group(1))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _pairs(values: Any, held: Sequence[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, Mapping):
        return ()
    return tuple((redact_text(str(k), held), redact_text(_text(v), held)) for k, v in values.items())


def invoke(
    reader: Reader,
    raw: Mapping[str, Any],
    facts: RequestFacts,
    held: Sequence[str],
) -> AuthorizerResult:
    """What the Lambda authorizer ``raw`` (apigatewayv2 GetAuthorizer) decides, invoked through ``reader`` (a lambda
    client); AwsError on any AWS failure."""
    sources = tuple(str(source) for source in raw.get("IdentitySource", []) or [])
    version = str(raw.get("AuthorizerPayloadFormatVersion", "") or "2.0")
    simple = bool(raw.get("EnableSimpleResponses", False))
    base: dict[str, Any] = {
        "source": Source.LAMBDA_INVOKE,
        "authorizer_type": str(raw.get("AuthorizerType", "REQUEST")),
        "authorizer_id": str(raw.get("AuthorizerId", "")),
        "authorizer_name": str(raw.get("Name", "")),
        "method_arn": facts.arn,
    }
    notes = [f"payload format {version}, simple responses {'on' if simple else 'off'}"]
    _, missing = identity_values(sources, facts)
    if missing:
        reason = f"identity source {', '.join(missing)} is missing from the request: API Gateway answers 401 without "
        reason += "invoking the Lambda"
        return AuthorizerResult(False, effect=Effect.NO_POLICY, response=UNAUTHORIZED, reasons=(reason,), **base)
    function = function_of(str(raw.get("AuthorizerUri", "") or ""), facts.stage_variables)
    if function is None:
        reason = "the authorizer's URI names no Lambda function: API Gateway answers 500"
        return AuthorizerResult(False, effect=Effect.NO_POLICY, response=FAILED, reasons=(reason,), **base)
    event = event_v2(facts, sources) if version == "2.0" else event_v1(facts, sources)
    started = time.monotonic()
    answer = _invoke(reader, function, json.dumps(event).encode())
    latency = int((time.monotonic() - started) * 1000)
    payload = answer["Payload"].read() if hasattr(answer.get("Payload"), "read") else answer.get("Payload", b"")
    tail = base64.b64decode(answer.get("LogResult", "") or "").decode("utf-8", "replace")
    lines = tuple(redact_text(line, held) for line in tail.splitlines() if line.strip())
    base.update(latency_ms=latency, log_lines=lines, client_status=int(answer.get("StatusCode", 0) or 0))
    try:
        doc = json.loads(payload or b"null")
    except (ValueError, RecursionError):
        doc = None
    if answer.get("FunctionError"):
        message = doc.get("errorMessage") if isinstance(doc, dict) else None
        said = f": {redact_text(str(message), held)[:200]}" if message else ""
        reason = f"the Lambda failed ({answer['FunctionError']}){said}: API Gateway answers 500"
        return AuthorizerResult(False, effect=Effect.NO_POLICY, response=FAILED, reasons=(reason,), **base)
    if not isinstance(doc, dict):
        reason = "the Lambda's answer is not a JSON object: API Gateway answers 500"
        return AuthorizerResult(False, effect=Effect.NO_POLICY, response=FAILED, reasons=(reason,), **base)
    context = _pairs(doc.get("context"), held)
    if simple and version == "2.0" and "policyDocument" not in doc:
        allowed = doc.get("isAuthorized")
        if not isinstance(allowed, bool):
            reason = "the simple response has no boolean isAuthorized: API Gateway answers 500"
            return AuthorizerResult(False, effect=Effect.NO_POLICY, response=FAILED, reasons=(reason,), **base)
        reasons = () if allowed else ("the Lambda answered isAuthorized: false",)
        response = None if allowed else FORBIDDEN
        return AuthorizerResult(
            allowed,
            effect=Effect.NO_POLICY,
            context=context,
            response=response,
            reasons=reasons,
            notes=tuple(notes),
            **base,
        )
    return _policy_answer(doc, facts, context, notes, held, base)


def _invoke(reader: Reader, function: str, payload: bytes) -> Any:
    """lambda Invoke; a function that does not exist is named as such (errors.py knows only NotFoundException)."""
    import botocore.exceptions as bx

    try:
        return reader.client.invoke(
            FunctionName=function, InvocationType="RequestResponse", LogType="Tail", Payload=payload
        )
    except bx.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise AwsError(
                f"the authorizer's Lambda function {function} does not exist",
                reason="not_found",
                where="lambda Invoke",
                hint="check the authorizer's URI (apigatewayv2 get-authorizer) and [aws] region",
            ) from None
        raise aws_error(exc, target=reader.target, service="lambda", operation="Invoke") from None
    except bx.BotoCoreError as exc:
        raise aws_error(exc, target=reader.target, service="lambda", operation="Invoke") from None


def _policy_answer(
    doc: Mapping[str, Any],
    facts: RequestFacts,
    context: tuple[tuple[str, str], ...],
    notes: list[str],
    held: Sequence[str],
    base: dict[str, Any],
) -> AuthorizerResult:
    principal = doc.get("principalId")
    statements, policy_notes = parse_policy(doc.get("policyDocument"))
    judged = match_policy(statements, facts.arn, policy_notes)
    reasons: list[str] = []
    response: ClientResponse | None = None
    if not statements or principal in (None, ""):
        reasons.append("the IAM-policy response lacks principalId or a policyDocument: API Gateway answers 500")
        response = FAILED
    elif judged.effect is Effect.DENY and judged.statement is not None:
        reasons.append(f"statement {judged.statement.index} explicitly denies {facts.arn}")
        response = FORBIDDEN
    elif judged.effect is Effect.NONE_MATCHING:
        reasons.append(f"no statement of the policy allows {facts.arn} (implicit deny)")
        response = FORBIDDEN
    elif judged.effect is Effect.UNDETERMINED:
        reasons.append(f"undetermined: {judged.notes[-1]}")
    return AuthorizerResult(
        response is None and judged.effect is not Effect.UNDETERMINED,
        effect=judged.effect if statements else Effect.NO_POLICY,
        principal_id=redact_text(str(principal), held) if principal not in (None, "") else None,
        statement=judged.statement,
        statements=judged.statements,
        context=context,
        response=response,
        reasons=tuple(reasons),
        notes=(*notes, *judged.notes),
        **base,
    )
