"""API Gateway's own refusals: each default body and x-amzn-ErrorType mapped to a finding and the hops it speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.engine.diagnosis.response_signal import (
    AT_AUTHORIZER,
    AT_GATEWAY,
    BEFORE_AUTHORIZER,
    INTEGRATION_FAILED,
    INTEGRATION_TIMED_OUT,
    HopLayout,
)
from console.model.trace import HopName, HopStatus

_G, _A, _I = HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of gateway/authorizer refusal."""

    code: str
    hop: HopName
    """The hop at fault (the finding's hop)."""
    producer: HopName
    layout: HopLayout
    statuses: frozenset[int]
    """The status(es) of the default gateway response."""
    effect: str | None
    detail: str
    missing: str = ""
    """What would settle it; ``{rid}`` becomes ``request id X``."""


def _rule(
    code: str,
    hop: HopName,
    layout: HopLayout,
    statuses: set[int],
    effect: str | None,
    detail: str,
    missing: str = "",
    producer: HopName | None = None,
) -> Rule:
    return Rule(code, hop, producer or hop, layout, frozenset(statuses), effect, detail, missing)


_EXEC_LOG = "the API's execution log for {rid}"
_DENIED = "denied"

RULES: dict[str, Rule] = {
    # §1.7, F09
    "explicit_deny": _rule(
        "authorizer.explicit_deny",
        _A,
        AT_AUTHORIZER,
        {403},
        "deny",
        "The authorizer's policy denies this caller on purpose (explicit Deny).",
    ),
    # §1.7, F10: the same words for a policy that does not cover the method and for one cached from another route.
    "implicit_deny": _rule(
        "authorizer.implicit_deny",
        _A,
        AT_AUTHORIZER,
        {403},
        "deny",
        "The authorizer's policy does not cover this method ARN (implicit deny); a policy cached "
        "for another route gives the same answer.",
        _EXEC_LOG + ": no 'Starting authorizer' line means a policy cached from another route "
        "decided (F10); TestInvokeAuthorizer shows the policy's Resource",
    ),
    # §1.7, F01–F08
    "unauthorized": _rule(
        "authorizer.unauthorized",
        _A,
        AT_AUTHORIZER,
        {401},
        "unauthorized",
        "The authorizer refused the token, or found none where it looks.",
        "the token check (baton decode) and " + _EXEC_LOG + ": no authorizer lines means the "
        "token was missing or failed the identity-source regex (F08)",
    ),
    # §1.7, F11
    "authorizer_error": _rule(
        "authorizer.configuration_error",
        _A,
        AT_AUTHORIZER,
        {500},
        "error",
        "The authorizer failed: unreachable, no invoke permission, timed out or returned a bad shape.",
        "the authorizer Lambda's CloudWatch logs and " + _EXEC_LOG,
    ),
    # §1.7, §1.12, F13
    "api_key": _rule(
        "gateway.api_key_missing",
        _G,
        AT_GATEWAY,
        {403},
        None,
        "API Gateway refused the API key: missing, wrong, disabled or not in a usage plan for this stage.",
    ),
    "forbidden": _rule(
        "gateway.api_key_missing",
        _G,
        AT_GATEWAY,
        {403},
        None,
        "API Gateway answered 403 Forbidden without x-amzn-ErrorType: an API key refusal whose "
        "header was stripped, or a WAF block (same body, no error type).",
        _EXEC_LOG + " ('Verifying Usage Plan') or the web ACL's WAF logs",
    ),
    # §1.12, F14
    "throttled": _rule(
        "gateway.throttled",
        _G,
        AT_GATEWAY,
        {429},
        None,
        "API Gateway throttled the request (stage, method, usage plan or account limit).",
    ),
    "quota": _rule(
        "gateway.quota_exceeded", _G, AT_GATEWAY, {429}, None, "The usage plan's quota for this API key is used up."
    ),
    # §1.7, §3
    "missing_token": _rule(
        "gateway.missing_authentication_token",
        _G,
        BEFORE_AUTHORIZER,
        {403},
        None,
        "No resource matches this method and path in the stage, or an IAM route was called without a SigV4 signature.",
    ),
    "not_found": _rule(
        "gateway.missing_authentication_token",
        _G,
        BEFORE_AUTHORIZER,
        {404},
        None,
        "The HTTP API has no route for this method and path.",
    ),
    "policy_denied": _rule(
        "gateway.resource_policy_denied",
        _G,
        AT_GATEWAY,
        {403},
        None,
        "The API's resource policy (or the caller's IAM policy) does not allow execute-api:Invoke for this caller.",
        "the API's resource policy and the caller's IAM policies for this method ARN (the IAM "
        "policy simulator tells which one lacks the Allow)",
    ),
    # KC iam-sigv4-mismatch: "... because no identity-based policy allows the execute-api:Invoke action".
    "iam_policy_missing": _rule(
        "authorizer.iam_policy_missing",
        _A,
        AT_AUTHORIZER,
        {403},
        "deny",
        "The caller's IAM identity policy does not allow execute-api:Invoke on this method: "
        "the body says no identity-based policy allows it.",
    ),
    # KC troubleshoot-403: "... with an explicit deny": the resource policy or the caller's IAM policy denies.
    "policy_explicit_deny": _rule(
        "gateway.policy_explicit_deny",
        _G,
        AT_GATEWAY,
        {403},
        None,
        "An explicit Deny matches this caller and method, in the API's resource policy or "
        "in the caller's IAM policy; the body does not say which.",
        "the API's resource policy and the caller's IAM policies for this method ARN: "
        "the IAM policy simulator names the Deny statement",
    ),
    # Request validation (REST): a validator refuses the parameters or body before the integration runs.
    "bad_request": _rule(
        "gateway.request_validation_failed",
        _G,
        AT_GATEWAY,
        {400},
        None,
        "API Gateway's request validator refused the request (required parameters or body model).",
    ),
    "sig_invalid": _rule(
        "authorizer.iam_signature_invalid",
        _A,
        AT_AUTHORIZER,
        {403},
        "unauthorized",
        "API Gateway computed a different SigV4 signature: wrong secret key, region, service or canonical request.",
    ),
    "sig_expired": _rule(
        "authorizer.iam_signature_expired",
        _A,
        AT_AUTHORIZER,
        {403},
        "unauthorized",
        "The SigV4 signature's X-Amz-Date is more than 5 minutes from API Gateway's clock.",
    ),
    "token_invalid": _rule(
        "authorizer.iam_signature_invalid",
        _A,
        AT_AUTHORIZER,
        {403},
        "unauthorized",
        "The AWS access key or session token is not valid.",
    ),
    "token_expired": _rule(
        "authorizer.iam_signature_invalid",
        _A,
        AT_AUTHORIZER,
        {403},
        "unauthorized",
        "The temporary credentials' session token has expired: refresh them.",
    ),
    # §2.2 [inf]: the HTTP API JWT authorizer answers a missing scope with 403 and error="insufficient_scope".
    "insufficient_scope": _rule(
        "authorizer.insufficient_scope", _A, AT_AUTHORIZER, {403}, "deny", "The token lacks a scope the route requires."
    ),
    # §2.3: an HTTP API Lambda authorizer that says no answers 403 Forbidden (no scope error in www-authenticate).
    "http_forbidden": _rule(
        "authorizer.explicit_deny",
        _A,
        AT_AUTHORIZER,
        {403},
        "deny",
        "The HTTP API's authorizer refused this caller (403 Forbidden, no scope error).",
        "the API's access log for {rid} ($context.authorizer.error)",
    ),
    # §1.11, §2.5, F23
    "timeout": _rule(
        "gateway.integration_timeout",
        _I,
        INTEGRATION_TIMED_OUT,
        {504},
        None,
        "IIS did not answer within the integration timeout (29 s REST by default).",
        "the IIS W3C log for this request (time-taken) shows whether IIS finished late",
        _G,
    ),
    "unavailable": _rule(
        "gateway.integration_timeout",
        _I,
        INTEGRATION_TIMED_OUT,
        {503},
        None,
        "The HTTP API answers an integration timeout (30 s) with 503 Service Unavailable.",
        "the API's access log for {rid} ($context.integrationErrorMessage) and the IIS W3C log (time-taken)",
        _G,
    ),
    # §1.7, F25
    "network": _rule(
        "gateway.integration_failure",
        _I,
        INTEGRATION_FAILED,
        {504},
        None,
        "API Gateway could not connect to IIS: VPC link or NLB target unhealthy, security group or port closed.",
        "",
        _G,
    ),
    # §1.7, §1.11, F24
    "config": _rule(
        "gateway.integration_failure",
        _I,
        INTEGRATION_FAILED,
        {500},
        None,
        "API Gateway failed calling IIS: the integration's TLS (host name, chain, expiry), VPC link or "
        "mapping configuration.",
        _EXEC_LOG + ": 'Execution failed due to configuration error: …' names the cause",
        _G,
    ),
    # §1.11: a REST 502 with InternalServerErrorException when the integration response is invalid or too large.
    "bad_response": _rule(
        "gateway.integration_failure",
        _I,
        ((_G, HopStatus.OK), (_A, HopStatus.OK), (_I, HopStatus.BROKEN)),
        {502},
        None,
        "API Gateway could not use the integration's response (invalid or too large).",
        _EXEC_LOG + " ('Execution failed due to …')",
        _G,
    ),
}

# x-amzn-ErrorType → kind (§1.7, §3). "access_denied" and "internal" are refined by the body or status.
ERROR_TYPES: dict[str, str] = {
    "unauthorizedexception": "unauthorized",
    "accessdeniedexception": "access_denied",
    "authorizerconfigurationexception": "authorizer_error",
    "authorizerfailureexception": "authorizer_error",
    "forbiddenexception": "api_key",
    "toomanyrequestsexception": "throttled",
    "limitexceededexception": "quota",
    "missingauthenticationtokenexception": "missing_token",
    "invalidsignatureexception": "sig_invalid",
    "incompletesignatureexception": "sig_invalid",
    "unrecognizedclientexception": "token_invalid",
    "expiredtokenexception": "token_expired",
    "internalservererrorexception": "internal",
    "badrequestexception": "bad_request",
}

# Bodies that refine an error type; a body of another kind under that type means the body was customised.
REFINES: dict[str, frozenset[str]] = {
    "access_denied": frozenset(
        {
            "explicit_deny",
            "implicit_deny",
            "policy_denied",
            "token_invalid",
            "iam_policy_missing",
            "policy_explicit_deny",
        }
    ),
    "sig_invalid": frozenset({"sig_invalid", "sig_expired"}),
    "internal": frozenset({"network", "config", "timeout", "bad_response"}),
    "api_key": frozenset({"api_key", "forbidden"}),
}

_EXACT: dict[str, str] = {
    "unauthorized": "unauthorized",
    "forbidden": "forbidden",
    "too many requests": "throttled",
    "limit exceeded": "quota",
    "missing authentication token": "missing_token",
    "endpoint request timed out": "timeout",
    "network error communicating with endpoint": "network",
    "internal server error": "config",
    "service unavailable": "unavailable",
    "not found": "not_found",
}
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("the request signature we calculated does not match", "sig_invalid"),
    ("signature expired", "sig_expired"),
    ("the security token included in the request is invalid", "token_invalid"),
    ("the security token included in the request is expired", "token_expired"),
    ("invalid request body", "bad_request"),
    ("missing required request parameters", "bad_request"),
    ("invalid request parameter", "bad_request"),
)
_POLICY = re.compile(r"^user: (\S+) is not authorized to perform: execute-api:invoke", re.IGNORECASE)


def kind_of_message(message: str | None) -> str | None:
    """The refusal kind a default API Gateway message names (matched case-folded, §1.7, §3); None otherwise."""
    if message is None:
        return None
    text = message.rstrip(".").strip()
    if text.startswith("user is not authorized to access this resource"):
        return "explicit_deny" if "explicit deny" in text else "implicit_deny"
    if _POLICY.match(text):
        if "because no identity-based policy allows" in text:
            return "iam_policy_missing"
        return "policy_explicit_deny" if text.endswith("with an explicit deny") else "policy_denied"
    for prefix, kind in _PREFIXES:
        if text.startswith(prefix):
            return kind
    return _EXACT.get(text)


def policy_principal(message: str | None) -> str | None:
    """The ``User: …`` a resource/IAM policy denial names (``anonymous`` for unsigned callers); pass the raw text."""
    match = _POLICY.match((message or "").rstrip("."))
    return match.group(1) if match else None
