"""What API Gateway logged for one request: its execution log (parsed), its access-log record, or why neither is known.

Every string here came from CloudWatch (the network): shown inert, and already redacted by the parser (credential
header values masked whole, JWTs and API Gateway's ``****abc123`` tails masked), so nothing downstream can leak one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class HeaderDump:
    """A ``{Name=value, Name2=value}`` header map as API Gateway logs it, in logged order.

    ``truncated``: the line ended in ``[TRUNCATED]`` (or before its ``}``), so headers after ``cut_at`` are missing
    and the last value may be partial; ``tail`` is a trailing fragment that was not a whole ``Name=value``."""

    pairs: tuple[tuple[str, str], ...]
    truncated: bool = False
    cut_at: str | None = None
    tail: str = ""

    def get(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive; the last one logged), or None."""
        lowered = name.lower()
        found = None
        for key, value in self.pairs:
            if key.lower() == lowered:
                found = value
        return found

    def names(self) -> tuple[str, ...]:
        """Header names in logged order."""
        return tuple(key for key, _ in self.pairs)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the headers as a dict plus the truncation facts."""
        return {"headers": dict(self.pairs), "truncated": self.truncated, "cut_at": self.cut_at, "tail": self.tail}


@dataclass(frozen=True, slots=True)
class ExecLine:
    """One execution-log message (possibly several physical lines), after its timestamp and ``(requestId)`` prefix.

    ``kind`` is empty when the parser did not understand the message: it is kept, never dropped."""

    number: int
    text: str
    kind: str = ""
    timestamp: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorizerLog:
    """The Lambda/Cognito authorizer part of an execution log."""

    authorizer_id: str | None = None
    invoked: bool = False
    """A ``Starting authorizer:`` line was logged (the authorizer ran for this request)."""
    incoming_identity: str | None = None
    endpoint_uri: str | None = None
    endpoint_headers: HeaderDump | None = None
    result_body: str | None = None
    principal: str | None = None
    policy: str | None = None
    """The returned ``policyDocument`` as JSON text, when the result body could be read."""
    context: tuple[tuple[str, str], ...] = ()
    outcome: str | None = None
    """``allowed``, ``unauthorized``, ``denied`` or ``error``; None when the log says nothing of the decision."""
    latency_ms: int | None = None
    """From the timestamps of ``Starting authorizer`` and the decision line, when both carry one."""
    cache_hit: bool | None = None
    """[inferred] a decision logged without ``Starting authorizer`` came from the authorizer cache; None: unknown."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "authorizer_id": self.authorizer_id,
            "invoked": self.invoked,
            "incoming_identity": self.incoming_identity,
            "endpoint_uri": self.endpoint_uri,
            "endpoint_headers": self.endpoint_headers.as_dict() if self.endpoint_headers else None,
            "result_body": self.result_body,
            "principal": self.principal,
            "policy": self.policy,
            "context": dict(self.context),
            "outcome": self.outcome,
            "latency_ms": self.latency_ms,
            "cache_hit": self.cache_hit,
        }


@dataclass(frozen=True, slots=True)
class ExecutionLog:
    """One request's REST execution log, parsed; ``lines`` holds every message, understood or not."""

    request_id: str | None
    lines: tuple[ExecLine, ...]
    extended_request_id: str | None = None
    http_method: str | None = None
    resource_path: str | None = None
    method_request_headers: HeaderDump | None = None
    authorizer: AuthorizerLog | None = None
    endpoint_uri: str | None = None
    endpoint_headers: HeaderDump | None = None
    """What API Gateway sent the integration (IIS): the integration's ``Endpoint request headers`` (the second such
    line when the authorizer logged the first)."""
    endpoint_status: int | None = None
    integration_latency_ms: int | None = None
    endpoint_response_headers: HeaderDump | None = None
    errors: tuple[str, ...] = ()
    status: int | None = None
    """``Method completed with status: N``; None until that line is logged."""

    @property
    def understood(self) -> int:
        """Messages the parser recognised."""
        return sum(1 for line in self.lines if line.kind)

    @property
    def unparsed(self) -> tuple[ExecLine, ...]:
        """Messages the parser did not recognise (kept as logged)."""
        return tuple(line for line in self.lines if not line.kind)

    @property
    def complete(self) -> bool:
        """The final status line was logged: later polls cannot add to this request."""
        return self.status is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields, every line included."""
        return {
            "request_id": self.request_id,
            "extended_request_id": self.extended_request_id,
            "http_method": self.http_method,
            "resource_path": self.resource_path,
            "method_request_headers": self.method_request_headers.as_dict() if self.method_request_headers else None,
            "authorizer": self.authorizer.as_dict() if self.authorizer else None,
            "endpoint_uri": self.endpoint_uri,
            "endpoint_headers": self.endpoint_headers.as_dict() if self.endpoint_headers else None,
            "endpoint_status": self.endpoint_status,
            "integration_latency_ms": self.integration_latency_ms,
            "endpoint_response_headers": (
                self.endpoint_response_headers.as_dict() if self.endpoint_response_headers else None
            ),
            "errors": list(self.errors),
            "status": self.status,
            "understood": self.understood,
            "unparsed": [line.text for line in self.unparsed],
            "lines": [{"kind": line.kind, "timestamp": line.timestamp, "text": line.text} for line in self.lines],
        }


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One access-log record (a JSON object of ``$context`` values), with the values Baton reads lifted out."""

    request_id: str | None
    status: int | None
    correlation_id: str | None = None
    extended_request_id: str | None = None
    callers: tuple[str, ...] = ()
    integration_status: int | None = None
    error_type: str | None = None
    method: str = ""
    path: str = ""
    raw: tuple[tuple[str, str], ...] = ()
    """Every key with its value as text, as logged (redacted)."""
    matched_by: str = "requestId"
    """The record's field that matched the search: ``requestId``/``extendedRequestId`` (the request's own record) or
    the correlation-id field (``correlationId`` …), which any request can carry and so proves no identity."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "matched_by": self.matched_by,
            "request_id": self.request_id,
            "extended_request_id": self.extended_request_id,
            "correlation_id": self.correlation_id,
            "status": self.status,
            "callers": list(self.callers),
            "integration_status": self.integration_status,
            "error_type": self.error_type,
            "method": self.method,
            "path": self.path,
            "raw": dict(self.raw),
        }


@dataclass(frozen=True, slots=True)
class LogSearch:
    """One CloudWatch search Baton ran: which group, with which filter pattern, from when (epoch ms)."""

    group: str
    pattern: str
    start_ms: int

    def command(self) -> str:
        """The AWS CLI command that reruns this search."""
        return (
            f"aws logs filter-log-events --log-group-name '{self.group}' --start-time {self.start_ms} "
            f"--filter-pattern '{self.pattern}'"
        )


@dataclass(frozen=True, slots=True)
class GatewayLogEvidence:
    """What CloudWatch holds for one request: either part may be missing, each with the reason why."""

    request_id: str
    execution: ExecutionLog | None
    access: AccessRecord | None
    searches: tuple[LogSearch, ...]
    execution_note: str = ""
    """Why ``execution`` is None or incomplete (empty when it is complete)."""
    access_note: str = ""
    attempts: int = 1
    waited_s: float = 0.0
    other_lines: int = 0
    """Messages that mention the request id but carry another request's ``(requestId)`` prefix (not used)."""
    executions: tuple[ExecutionLog, ...] = ()
    """Every execution logged under this request id when there are several (clients can set x-amzn-RequestId):
    then ``execution`` is None, none is picked, and ``execution_note`` says so."""
    accesses: tuple[AccessRecord, ...] = ()
    """Every access record of this request id when there are several (``access`` is then None)."""
    related: tuple[AccessRecord, ...] = ()
    """Access records of *other* requests that carry the correlation id searched for: never this request's."""
    window: str = ""
    """The time window searched, in words (``the last 1 h (since 2026-…Z)``)."""

    @property
    def ambiguous(self) -> bool:
        """Several executions or access records carry this request id: none of them is shown as the request's."""
        return len(self.executions) > 1 or len(self.accesses) > 1

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``baton aws logs --json``."""
        return {
            "request_id": self.request_id or None,
            "window": self.window,
            "ambiguous": self.ambiguous,
            "execution": self.execution.as_dict() if self.execution else None,
            "execution_note": self.execution_note or None,
            "executions": [e.as_dict() for e in self.executions],
            "access": self.access.as_dict() if self.access else None,
            "access_note": self.access_note or None,
            "accesses": [a.as_dict() for a in self.accesses],
            "related_access": [a.as_dict() for a in self.related],
            "searches": [{"group": s.group, "pattern": s.pattern, "command": s.command()} for s in self.searches],
            "attempts": self.attempts,
            "waited_s": round(self.waited_s, 1),
            "other_lines": self.other_lines,
        }


@dataclass(frozen=True, slots=True)
class Unavailable:
    """An AWS-backed probe that could not answer, and why (never shown as passed)."""

    reason: str
    kind: str = "aws"
    """``not_found``, ``cancelled``, ``config`` or an AwsError reason (``credentials``, ``throttled`` …)."""
    searches: tuple[LogSearch, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "unavailable": self.reason,
            "kind": self.kind,
            "searches": [{"group": s.group, "pattern": s.pattern, "command": s.command()} for s in self.searches],
        }


@dataclass(frozen=True, slots=True)
class PollProgress:
    """One step of a CloudWatch poll, for a progress line: attempt n, seconds so far, what is awaited."""

    attempt: int
    elapsed_s: float
    waiting_for: str
    limit_s: float
