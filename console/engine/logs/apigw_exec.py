"""One request's API Gateway (REST) execution log → ExecutionLog: authorizer, headers sent to IIS, response, errors.

Entry points: :func:`parse_execution_log` (CloudWatch events of one request, each a message) and
:func:`parse_execution_text` (a file or a pasted console capture: physical lines, several requests). Neither raises
on content: a message the parser does not understand is kept in ``lines`` with an empty kind and counted.

Phases: the lines after ``Starting authorizer:`` belong to the authorizer (its Lambda's ``Endpoint request URI`` and
``headers``) until the decision (``Successfully completed authorizer execution``, usage-plan lines, ``Unauthorized``)
or ``Starting execution``; after that, ``Endpoint request headers`` are what the integration (IIS) was sent. With no
phase lines at all, the last of two ``Endpoint request headers`` lines is the integration's (issue 11).
Every text is redacted as it is read (console.engine.redact): nothing downstream holds a credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from console.engine.logs.apigw_headers import MAX_HEADERS, cap, parse_header_map, redact_json_pairs
from console.engine.logs.apigw_lines import classify, group_messages, parse_time, split_prefix, split_requests
from console.engine.logs.apigw_mask import mask_body, mask_text
from console.engine.redact import is_secret_header, redact_text, redact_value
from console.model.gateway_log import AuthorizerLog, ExecLine, ExecutionLog, HeaderDump

__all__ = ["parse_execution_log", "parse_execution_text"]

_AUTH_ENDS = frozenset({"authorizer_done", "usage_plan", "unauthorized_request", "unauthorized", "execution_start"})
_ERROR_KINDS = frozenset({"execution_failed", "endpoint_timeout", "access_denied", "authorizer_config_error"})
MAX_LINE = 8192
"""Characters kept of one message's text (a real line is at most 1 KB: API Gateway cuts it); values inside are capped
at apigw_headers.MAX_VALUE, header maps at MAX_HEADERS pairs, each with a marker saying what was left out."""


@dataclass
class _Auth:
    """The authorizer facts as they are read."""

    seen: bool = False
    authorizer_id: str | None = None
    invoked: bool = False
    started_at: str | None = None
    decided_at: str | None = None
    incoming_identity: str | None = None
    endpoint_uri: str | None = None
    endpoint_headers: HeaderDump | None = None
    result_body: str | None = None
    principal: str | None = None
    policy: str | None = None
    context: tuple[tuple[str, str], ...] = ()
    outcome: str | None = None
    policy_used: bool = False

    def _cache_hit(self) -> bool | None:
        if self.invoked or self.result_body is not None:
            return False  # the Lambda ran for this request
        # [inf] a decision logged with no "Starting authorizer" and no result body came from the authorizer cache
        # ("Unauthorized" alone proves nothing: a missing identity source is refused without running the authorizer)
        return True if self.policy_used else None

    def freeze(self, executed: bool, status: int | None) -> AuthorizerLog | None:
        if not self.seen:
            return None
        outcome = self.outcome
        if outcome is None and self.policy_used:
            # a decision without "Starting execution" and a 403 is the policy denying this method [inf]
            outcome = "allowed" if executed else ("denied" if status == 403 else None)
        latency = None
        start, end = parse_time(self.started_at), parse_time(self.decided_at)
        if start is not None and end is not None and end >= start:
            latency = int((end - start).total_seconds() * 1000)
        return AuthorizerLog(
            authorizer_id=self.authorizer_id,
            invoked=self.invoked,
            incoming_identity=self.incoming_identity,
            endpoint_uri=self.endpoint_uri,
            endpoint_headers=self.endpoint_headers,
            result_body=self.result_body,
            principal=self.principal,
            policy=self.policy,
            context=self.context,
            outcome=outcome,
            latency_ms=latency,
            cache_hit=self._cache_hit(),
        )


@dataclass
class _State:
    request_id: str | None
    lines: list[ExecLine] = field(default_factory=list)
    auth: _Auth = field(default_factory=_Auth)
    phase: str = ""
    values: dict[str, object] = field(default_factory=dict)
    endpoint_headers: list[HeaderDump] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    executed: bool = False


def parse_execution_log(messages: Iterable[str], request_id: str | None = None) -> ExecutionLog:
    """The ExecutionLog of one request from its messages (CloudWatch event messages, in time order).

    ``request_id``: the request asked for; None takes it from the first message that names one."""
    state = _State(request_id)
    for number, text in enumerate(messages, 1):
        _read(state, number, text)
    return _finish(state)


def parse_execution_text(text: str) -> tuple[ExecutionLog, ...]:
    """Every request in a file or capture (physical lines; multi-line bodies and wrapped header maps joined)."""
    messages = list(group_messages(text.splitlines()))
    return tuple(parse_execution_log(block) for block in split_requests(messages))


def _read(state: _State, number: int, text: str) -> None:
    message = split_prefix(text)
    body = message.body
    kind, match = classify(body)
    shown = cap(_shown_text(kind, match, body), MAX_LINE)
    if state.request_id is None and message.request_id:
        state.request_id = message.request_id
    state.lines.append(ExecLine(number, shown, kind, message.timestamp, message.request_id))
    if match is None:
        return
    groups = match.groupdict()
    value = (groups.get("value") or "").strip()
    auth = state.auth
    if kind == "exec_header" and state.request_id is None:
        state.request_id = groups["id"]
    elif kind == "extended_id":
        state.values["extended"] = groups["id"]
    elif kind == "authorizer_start":
        auth.seen = auth.invoked = True
        auth.authorizer_id, auth.started_at = groups["auth"], message.timestamp
        state.phase = "authorizer"
        if state.request_id is None:
            state.request_id = groups["id"]
    elif kind == "incoming_identity":
        auth.seen, auth.incoming_identity = True, cap(redact_text(value))
    elif kind in ("endpoint_uri", "endpoint_headers"):
        _endpoint(state, kind, value)
    elif kind in ("authorizer_result", "authorizer_policy", "authorizer_done", "unauthorized_request", "unauthorized"):
        _decision(state, kind, value, message.timestamp)
    elif kind == "authorizer_config_error":
        auth.seen, auth.outcome = True, "error"
    elif kind == "execution_start":
        state.phase, state.executed = "execution", True
        if state.request_id is None and groups.get("id"):
            state.request_id = groups["id"]
    elif kind == "http_method":
        state.values["method"], state.values["path"] = cap(groups["method"].strip()), cap(groups["path"].strip())
    elif kind == "method_headers":
        state.values["method_headers"] = parse_header_map(value)
    elif kind == "received":
        state.values["latency"] = int(groups["ms"])
        if groups.get("status"):
            state.values["endpoint_status"] = int(groups["status"])
    elif kind == "endpoint_response_headers":
        state.values["response_headers"] = parse_header_map(value)
    elif kind == "status":
        state.values["status"] = int(groups["status"])
    if kind in _AUTH_ENDS and state.phase == "authorizer":
        state.phase = "decided"
    if kind in _ERROR_KINDS:
        state.errors.append(shown)
        if state.phase == "authorizer" or kind == "authorizer_config_error":
            auth.seen, auth.outcome = True, "error"


def _shown_text(kind: str, match: re.Match[str] | None, body: str) -> str:
    """The message as kept, masked by the rule `baton aws query` uses too (console.engine.logs.apigw_mask)."""
    return mask_body(kind, match, body)


def _endpoint(state: _State, kind: str, value: str) -> None:
    in_authorizer = state.phase == "authorizer"
    if kind == "endpoint_uri":
        if in_authorizer:
            state.auth.endpoint_uri = cap(mask_text(value))
        else:
            state.values["endpoint_uri"] = cap(mask_text(value))
        return
    dump = parse_header_map(value)
    if in_authorizer:
        state.auth.endpoint_headers = dump
    else:
        state.endpoint_headers.append(dump)


def _decision(state: _State, kind: str, value: str, timestamp: str | None) -> None:
    auth = state.auth
    auth.seen = True
    if kind == "authorizer_result":
        auth.result_body = cap(redact_json_pairs(value))
        _read_result(auth, value)  # read whole, kept cut
        return
    auth.decided_at = auth.decided_at or timestamp
    auth.policy_used = auth.policy_used or kind in ("authorizer_policy", "authorizer_done")
    if kind == "authorizer_policy":
        auth.principal = auth.principal or cap(redact_text(value)) or None
    elif kind in ("unauthorized_request", "unauthorized"):
        auth.outcome = "unauthorized"


def _read_result(auth: _Auth, body: str) -> None:
    """principalId, policyDocument and context of a Lambda authorizer's result, when the logged body is whole JSON."""
    try:
        result = json.loads(body)
    except (ValueError, RecursionError):
        return  # truncated at 1024 bytes, or "null": the raw body is kept
    if not isinstance(result, dict):
        return
    if isinstance(result.get("principalId"), str | int):
        auth.principal = cap(redact_text(str(result["principalId"])))
    if isinstance(result.get("policyDocument"), dict):
        auth.policy = cap(redact_text(json.dumps(result["policyDocument"], sort_keys=True)))
    context = result.get("context")
    if isinstance(context, dict):
        pairs = [(cap(str(k), 200), _context_value(str(k), v)) for k, v in list(context.items())[: MAX_HEADERS + 1]]
        if len(context) > MAX_HEADERS:
            more = len(context) - MAX_HEADERS
            pairs[MAX_HEADERS:] = [("…", f"{more:,} more context key{'s' if more > 1 else ''} not kept")]
        auth.context = tuple(pairs)


def _context_value(key: str, value: object) -> str:
    """A context value as it may be shown: masked whole under a credential-like key (``token``, ``secret`` …)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return cap(redact_value(text) if is_secret_header(key) and text else redact_text(text))


def _finish(state: _State) -> ExecutionLog:
    values = state.values
    status = values.get("status")
    status = status if isinstance(status, int) else None
    dumps = state.endpoint_headers
    return ExecutionLog(
        request_id=state.request_id,
        lines=tuple(state.lines),
        extended_request_id=_text(values.get("extended")),
        http_method=_text(values.get("method")),
        resource_path=_text(values.get("path")),
        method_request_headers=_dump(values.get("method_headers")),
        authorizer=state.auth.freeze(state.executed, status),
        endpoint_uri=_text(values.get("endpoint_uri")),
        endpoint_headers=dumps[-1] if dumps else None,
        endpoint_status=_int(values.get("endpoint_status")),
        integration_latency_ms=_int(values.get("latency")),
        endpoint_response_headers=_dump(values.get("response_headers")),
        errors=tuple(state.errors),
        status=status,
    )


def _text(value: object) -> str | None:
    return cap(mask_text(value)) if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _dump(value: object) -> HeaderDump | None:
    return value if isinstance(value, HeaderDump) else None
