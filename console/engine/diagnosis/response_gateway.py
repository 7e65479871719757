"""Reads API Gateway's own answers (REST and HTTP API): x-amzn-ErrorType, default bodies, www-authenticate."""

from __future__ import annotations

import re

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.response_rules import (
    ERROR_TYPES,
    REFINES,
    RULES,
    Rule,
    kind_of_message,
    policy_principal,
)
from console.engine.diagnosis.response_signal import (
    Body,
    Signal,
    for_request,
    quote_body,
    quote_header,
    read_body,
    weakest,
)
from console.engine.diagnosis.response_sigv4 import sigv4_words
from console.model.findings import Finding
from console.model.trace import Confidence, HopName, HopStatus, ResponseSnapshot

__all__ = ["gateway_kind_of", "read_gateway"]

_CERTAIN, _LIKELY, _POSSIBLE = Confidence.CERTAIN, Confidence.LIKELY, Confidence.POSSIBLE
_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')

# §2.2: error_description → the token finding it names. Only the audience text is documented verbatim [doc];
# the others are the RFC 6750-style wording seen in practice [gap], so they are read as likely.
_DESCRIPTIONS: tuple[tuple[str, str, Confidence], ...] = (
    ("valid audience", "token.audience_mismatch", _CERTAIN),
    ("audience", "token.audience_mismatch", _LIKELY),
    ("issuer", "token.issuer_mismatch", _LIKELY),
    ("expired", "token.expired", _LIKELY),
    ("not valid yet", "token.not_yet_valid", _LIKELY),
    ("not yet valid", "token.not_yet_valid", _LIKELY),
    ("kid", "token.kid_unknown", _LIKELY),
    ("signing key", "token.kid_unknown", _LIKELY),
    ("signature", "token.signature_invalid", _LIKELY),
    ("missing", "authorizer.token_missing", _LIKELY),
)

_AUTH_NOTES: dict[tuple[str, str], str] = {
    ("unauthorized", "cognito"): " Cognito refuses expired tokens, tokens from another user pool, and ID tokens "
    "where the method's scopes need an access token.",
    ("unauthorized", "lambda"): " The Lambda authorizer threw 'Unauthorized', or the identity-source header was "
    "missing or failed its validation regex.",
    ("unauthorized", "jwt"): " The JWT authorizer refused the token's issuer, audience, lifetime or signature.",
    ("missing_token", "iam"): " With auth = iam, an unsigned request gets this answer too: sign it with SigV4.",
}


def gateway_kind_of(response: ResponseSnapshot, configured: str) -> str:
    """``http`` or ``rest``: the response's own request-id header decides, else the profile's kind (§1.10)."""
    if response.header("apigw-requestid"):
        return "http"
    if response.header("x-amzn-RequestId") or response.header("x-amz-apigw-id"):
        return "rest"
    return configured


def _error_type(response: ResponseSnapshot) -> str | None:
    value = response.header("x-amzn-ErrorType")
    if value is None:
        return None
    # Some paths append ":http://internal.amazon.com/coral/…" to the type name.
    return value.split(":", 1)[0].strip() or None


def _bearer(response: ResponseSnapshot) -> dict[str, str]:
    """The parameters of a ``Bearer`` www-authenticate challenge (HTTP API JWT authorizer, §2.2)."""
    value = response.header("www-authenticate") or ""
    if not value.strip().lower().startswith("bearer"):
        return {}
    return {k.lower(): v for k, v in _PARAM.findall(value)}


def _signal(
    rule: Rule,
    kind: str,
    response: ResponseSnapshot,
    auth: str | None,
    confidence: Confidence,
    evidence: tuple[str, ...],
    detail: str = "",
) -> Signal:
    text = (detail or rule.detail) + _AUTH_NOTES.get((kind, auth or ""), "")
    findings: list[Finding] = []
    if kind == "explicit_deny" and auth in {"cognito", "jwt"}:
        # §1.3: only a Lambda authorizer (or IAM) returns a policy; the profile may be out of date.
        text += f" The profile says auth = {auth}, which never returns a policy: check the profile."
        confidence = weakest(confidence, _LIKELY)
    sigv4 = sigv4_words(kind, read_body(response.body).raw_message)
    if sigv4 is not None:
        text += sigv4[0]
    if kind in {"sig_invalid", "sig_expired", "token_invalid", "token_expired"} and auth not in {None, "iam"}:
        text += f" This is a SigV4 answer, but the profile says auth = {auth}."
    rid = for_request(response)
    # A policy denial the body settles (an unsigned caller) needs no further evidence.
    settled = kind in _POLICY_KINDS and confidence is _CERTAIN
    missing = rule.missing.format(rid=rid) if rule.missing and not settled else ""
    if not missing and confidence is not _CERTAIN:
        missing = f"the API's execution or access log for {rid}"
    fix = sigv4[1] if sigv4 is not None else ""
    findings.append(hop_finding(rule.code, text, hop=rule.hop, confidence=confidence, evidence=evidence, fix=fix))
    if kind == "implicit_deny" and auth in {None, "lambda"}:
        # F10: the body cannot tell a policy that misses this route from one cached for another route.
        findings.append(
            hop_finding(
                "authorizer.cached_policy_mismatch",
                "The same 403 comes back when the "
                "authorizer's policy cached for another route names only that route's "
                "method ARN.",
                hop=HopName.AUTHORIZER,
                confidence=_POSSIBLE,
                evidence=evidence,
            )
        )
    return Signal(
        rule.producer, rule.layout, evidence, confidence, tuple(findings), rule.effect, missing_evidence=missing
    )


def _customised(et_kind: str, response: ResponseSnapshot, auth: str | None) -> tuple[str, Confidence]:
    """The kind an error type names when the body was customised (§1.7: gateway responses are customisable)."""
    if et_kind == "access_denied":
        # Cognito/JWT/IAM routes have no authorizer policy to deny with: the resource (or IAM) policy did.
        return ("policy_denied" if auth in {"iam", "cognito", "jwt", "none"} else "explicit_deny"), _POSSIBLE
    if et_kind == "internal":
        return {504: "network", 502: "bad_response"}.get(response.status, "config"), _LIKELY
    return et_kind, _LIKELY


def _with_error_type(error_type: str, body: Body, response: ResponseSnapshot, auth: str | None) -> Signal:
    header = quote_header(response, "x-amzn-ErrorType") or f"x-amzn-ErrorType: {error_type}"
    et_kind = ERROR_TYPES.get(error_type.casefold())
    msg_kind = kind_of_message(body.message)
    if body.has_message and body.message is None and response.status == 500:
        msg_kind = "authorizer_error"  # §1.7: {"message": null}
    if et_kind is None:
        detail = f"API Gateway refused with x-amzn-ErrorType {error_type}, which Baton has no rule for."
        finding = hop_finding(
            "trace.response_unrecognised",
            detail,
            hop=HopName.GATEWAY,
            confidence=_LIKELY,
            evidence=(header, quote_body(response)),
        )
        layout = (
            (HopName.GATEWAY, HopStatus.BROKEN),
            (HopName.INTEGRATION, HopStatus.NOT_REACHED),
            (HopName.IIS, HopStatus.NOT_REACHED),
        )
        return Signal(
            HopName.GATEWAY,
            layout,
            finding.evidence,
            _LIKELY,
            (finding,),
            missing_evidence=f"the API's execution log for {for_request(response)}",
        )
    if msg_kind is not None and (msg_kind == et_kind or msg_kind in REFINES.get(et_kind, ())):
        kind = "api_key" if et_kind == "api_key" else msg_kind
        confidence = _CERTAIN if response.status in RULES[kind].statuses else _LIKELY
        kind, confidence = _which_policy(kind, body, auth, confidence)
        rule = RULES[kind]
        detail = _policy_detail(body, rule) if kind in _POLICY_KINDS else ""
        return _signal(rule, kind, response, auth, confidence, (header, quote_body(response)), detail)
    kind, confidence = _customised(et_kind, response, auth)
    evidence = (header, "body: customised, not API Gateway's default — " + quote_body(response)[6:])
    detail = RULES[kind].detail + " The body was customised, so x-amzn-ErrorType alone decided this"
    if et_kind == "access_denied":
        detail += ": explicit deny, implicit deny and a resource-policy denial all send AccessDeniedException"
    return _signal(RULES[kind], kind, response, auth, confidence, evidence, detail + ".")


_POLICY_KINDS = frozenset({"policy_denied", "policy_explicit_deny", "iam_policy_missing"})


def _which_policy(kind: str, body: Body, auth: str | None, confidence: Confidence) -> tuple[str, Confidence]:
    """Identity policy, resource policy or explicit deny: only as sure as the body's words allow."""
    message = body.message or ""
    if kind == "explicit_deny" and "identity-based policy" in message:
        # An authorizer's policy and an IAM identity policy both answer with these words.
        return ("policy_explicit_deny" if auth == "iam" else "explicit_deny"), weakest(confidence, _LIKELY)
    if kind == "policy_explicit_deny":
        return kind, weakest(confidence, _LIKELY)
    if kind == "policy_denied":
        principal = policy_principal(body.raw_message) or ""
        # Only the resource policy can refuse an unsigned caller; a signed one may lack an IAM Allow instead.
        return kind, confidence if principal.lower() == "anonymous" else weakest(confidence, _POSSIBLE)
    return kind, confidence


def _policy_detail(body: Body, rule: Rule) -> str:
    principal = policy_principal(body.raw_message)
    if principal and principal.lower() == "anonymous":
        return "The API's resource policy does not allow unsigned (anonymous) callers to invoke it."
    return f"{rule.detail[:-1]} (principal {principal})." if principal else rule.detail


def _http_api(body: Body, response: ResponseSnapshot, auth: str | None) -> Signal | None:
    """HTTP API answers: no x-amzn-ErrorType; the JWT authorizer explains itself in www-authenticate (§2.2)."""
    params = _bearer(response)
    error = params.get("error", "")
    challenge = quote_header(response, "www-authenticate")
    if challenge and error == "insufficient_scope":
        return _signal(
            RULES["insufficient_scope"],
            "insufficient_scope",
            response,
            auth,
            _CERTAIN,
            (challenge, quote_body(response)),
        )
    if challenge and error and response.status == 401:
        description = params.get("error_description", "")
        code, confidence = next(
            ((c, conf) for text, c, conf in _DESCRIPTIONS if text in description.lower()),
            ("authorizer.unauthorized", _LIKELY),
        )
        detail = f'The HTTP API JWT authorizer refused the token: "{description or error}".'
        evidence = (challenge, quote_body(response))
        finding = hop_finding(code, detail, hop=HopName.AUTHORIZER, confidence=confidence, evidence=evidence)
        missing = (
            ""
            if confidence is _CERTAIN
            else "the token check (baton decode) against the authorizer's issuer, audience and key set"
        )
        rule = RULES["unauthorized"]
        return Signal(
            HopName.AUTHORIZER, rule.layout, evidence, confidence, (finding,), "unauthorized", missing_evidence=missing
        )
    kind = kind_of_message(body.message)
    if kind == "forbidden":
        kind = "http_forbidden"
    if kind == "config" and response.status == 500:
        return _http_internal(response, auth)
    if kind is None or response.status not in RULES[kind].statuses:
        return None
    confidence = _POSSIBLE if kind == "http_forbidden" and auth not in {None, "lambda"} else _LIKELY
    return _signal(RULES[kind], kind, response, auth, confidence, _id_evidence(response))


def _http_internal(response: ResponseSnapshot, auth: str | None) -> Signal:
    """§2.5, F11: an HTTP API 500 is an authorizer failure or an integration failure; only the access log tells."""
    evidence = _id_evidence(response)
    missing = (
        f"the API's access log for {for_request(response)}: $context.authorizer.error and "
        "$context.integrationErrorMessage"
    )
    integration = hop_finding(
        "gateway.integration_failure",
        "The HTTP API answered 500 Internal Server Error: the integration failed (TLS, VPC link, target).",
        hop=HopName.INTEGRATION,
        confidence=_POSSIBLE if auth == "lambda" else _LIKELY,
        evidence=evidence,
    )
    if auth != "lambda":
        return Signal(
            HopName.GATEWAY, RULES["bad_response"].layout, evidence, _LIKELY, (integration,), missing_evidence=missing
        )
    authorizer = hop_finding(
        "authorizer.configuration_error",
        "With a Lambda authorizer, an HTTP API 500 is as "
        "often the authorizer failing (error, timeout after 10 s, bad response).",
        hop=HopName.AUTHORIZER,
        confidence=_POSSIBLE,
        evidence=evidence,
    )
    return Signal(
        HopName.GATEWAY,
        ((HopName.GATEWAY, HopStatus.OK),),
        evidence,
        _POSSIBLE,
        (authorizer, integration),
        missing_evidence=missing,
    )


def _id_evidence(response: ResponseSnapshot) -> tuple[str, ...]:
    rid = quote_header(response, "apigw-requestid") or quote_header(response, "x-amzn-RequestId")
    return (quote_body(response), f"status: {response.status}", *((rid,) if rid else ()))


def read_gateway(response: ResponseSnapshot, kind: str, auth: str | None) -> Signal | None:
    """API Gateway's refusal in ``response``, or None when the response is not one of its answers."""
    body = read_body(response.body)
    error_type = _error_type(response)
    if error_type is not None:
        return _with_error_type(error_type, body, response, auth)
    if kind == "http" or _bearer(response):
        return _http_api(body, response, auth)
    msg_kind = kind_of_message(body.message)
    if body.has_message and body.message is None and response.status == 500:
        msg_kind = "authorizer_error"
    if msg_kind is None or response.status not in RULES[msg_kind].statuses:
        return None
    # REST sends x-amzn-ErrorType with every default response but the 504 timeout (§1.7); a WAF block has none.
    if msg_kind == "timeout":
        confidence = _CERTAIN if response.header("x-amzn-RequestId") else _LIKELY
    else:
        confidence = _POSSIBLE if msg_kind == "forbidden" else _LIKELY
    return _signal(RULES[msg_kind], msg_kind, response, auth, confidence, _id_evidence(response))
