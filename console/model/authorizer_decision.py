"""What an API Gateway authorizer decides for one token and request, as asked of AWS or evaluated locally. Plain data.

Built by ``console.aws.authorizer_decide.decide``; ``AuthorizerResult.to_trace_decision()`` gives the trace's
``console.model.trace.AuthorizerDecision`` (the authorizer hop) when the lead folds it in. Every AWS-backed answer is
an ``AuthorizerResult`` (the evidence) or an ``Unavailable`` (why there is none): never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

TEST_BUTTON_NOTE = (
    "the API Gateway console's Test button (TestInvokeMethod) skips authorization: a passing TestInvokeMethod proves "
    "nothing about the authorizer"
)
"""Said with every decision: the one test AWS offers for a method bypasses the authorizer (domain §1.9, F15)."""


class Effect(StrEnum):
    """What the authorizer's answer means for this request's method ARN."""

    ALLOW = "allow"
    DENY = "deny"
    """An explicit Deny statement matches (it wins over any Allow)."""
    NONE_MATCHING = "none-matching"
    """No statement matches this ARN: an implicit deny."""
    UNDETERMINED = "undetermined"
    """A statement Baton does not evaluate (Condition, NotResource, NotAction) could change the answer: neither
    allow nor deny is claimed."""
    NO_POLICY = "no-policy"
    """The authorizer gave no IAM policy (a simple response, a JWT or Cognito check, or it refused the token)."""


class Source(StrEnum):
    """Who decided."""

    TEST_INVOKE = "aws TestInvokeAuthorizer"
    LAMBDA_INVOKE = "lambda invoke"
    LOCAL = "local evaluation"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of the authorizer's IAM policy, as returned."""

    index: int
    """Its position in the policy, from 1."""
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    sid: str | None = None
    unsupported: tuple[str, ...] = ()
    """Parts Baton does not evaluate (NotResource, NotAction, Condition), named."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "actions": list(self.actions),
            "resources": list(self.resources),
            "unsupported": list(self.unsupported),
        }


@dataclass(frozen=True, slots=True)
class PolicyMatch:
    """A policy judged against one method ARN: the effect and the statement that decided it."""

    effect: Effect
    method_arn: str
    statement: Statement | None = None
    statements: tuple[Statement, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClientResponse:
    """What the caller would get back from API Gateway for this decision (domain §1.7, §2.2)."""

    status: int
    message: str
    error_type: str = ""
    """``x-amzn-ErrorType`` (REST) or the ``www-authenticate`` error (HTTP API JWT)."""


@dataclass(frozen=True, slots=True)
class AuthorizerResult:
    """The authorizer's decision for this token and request."""

    allowed: bool
    source: Source
    authorizer_type: str
    """REST ``TOKEN`` / ``REQUEST`` / ``COGNITO_USER_POOLS``; HTTP API ``JWT`` / ``REQUEST`` (Lambda)."""
    authorizer_id: str
    authorizer_name: str
    method_arn: str
    effect: Effect
    principal_id: str | None = None
    statement: Statement | None = None
    """The statement that decided (Deny wins), None when none matched or there is no policy."""
    statements: tuple[Statement, ...] = ()
    context: tuple[tuple[str, str], ...] = ()
    """The authorizer context (key, value as text); token-shaped values masked."""
    claims: tuple[tuple[str, str], ...] = ()
    latency_ms: int | None = None
    log_lines: tuple[str, ...] = ()
    client_status: int | None = None
    """TestInvokeAuthorizer's ``clientStatus`` (0: the authorizer succeeded) or the Lambda invoke's status."""
    response: ClientResponse | None = None
    """What the client would get when the request is refused; None when it passes."""
    reasons: tuple[str, ...] = ()
    """Why it is refused, each naming the exact check."""
    notes: tuple[str, ...] = ()

    @property
    def undetermined(self) -> bool:
        """Baton cannot tell allow from deny (a statement it does not evaluate could decide): never a pass."""
        return self.effect is Effect.UNDETERMINED

    @property
    def decision(self) -> str:
        """``allow``, ``deny`` or ``undetermined``."""
        return "undetermined" if self.undetermined else "allow" if self.allowed else "deny"

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``baton aws authorize --json``."""
        response = self.response
        return {
            "decision": self.decision,
            "source": self.source.value,
            "authorizer": {"type": self.authorizer_type, "id": self.authorizer_id, "name": self.authorizer_name},
            "method_arn": self.method_arn,
            "effect": self.effect.value,
            "principal_id": self.principal_id,
            "statement": self.statement.as_dict() if self.statement is not None else None,
            "policy": [statement.as_dict() for statement in self.statements],
            "context": dict(self.context),
            "claims": dict(self.claims),
            "latency_ms": self.latency_ms,
            "log": list(self.log_lines),
            "client_status": self.client_status,
            "client_response": None
            if response is None
            else {"status": response.status, "message": response.message, "error_type": response.error_type},
            "reasons": list(self.reasons),
            "notes": list(self.notes),
        }

    def to_trace_decision(self) -> Any:
        """This decision as the trace's authorizer-hop object (``console.model.trace.AuthorizerDecision``)."""
        from console.model.trace import AuthorizerDecision, PolicyStatement

        kinds = {"COGNITO_USER_POOLS": "cognito", "JWT": "jwt", "TOKEN": "lambda_token", "REQUEST": "lambda_request"}
        refused = "unauthorized" if self.response is not None and self.response.status == 401 else "deny"
        if self.response is not None and self.response.status >= 500:
            refused = "error"
        decided = self.statement.index if self.statement is not None else None
        policy = tuple(
            PolicyStatement(s.effect.lower(), s.actions, s.resources, matches_request=s.index == decided)
            for s in self.statements
        )
        return AuthorizerDecision(
            kind=kinds.get(self.authorizer_type, "none"),
            effect="unknown" if self.undetermined else "allow" if self.allowed else refused,
            source={Source.TEST_INVOKE: "aws test-invoke"}.get(self.source, self.source.value),
            principal_id=self.principal_id,
            reason="; ".join(self.reasons),
            context=self.context,
            policy=policy,
            method_arn=self.method_arn,
        )


@dataclass(frozen=True, slots=True)
class Unavailable:
    """No decision could be had; ``reason`` says why in one line naming the fix."""

    reason: str
    kind: str = "aws"
    """``console.errors.AwsError.reason`` (credentials, expired, unauthorized, region, throttled, unreachable, clock,
    not_found, config, aws), or ``not_allowed`` (invoking is off), ``jwks``, ``no_authorizer``, ``unsupported``."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"decision": "unavailable", "kind": self.kind, "reason": self.reason}
