"""Response-only diagnosis from recorded responses: every signal names its producer, finding and deciding line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from responsekit import load

from console.engine.diagnosis.response import read_response
from console.model.trace import HopName, HopStatus

G, A, N, S = HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION, HopName.IIS


@dataclass(frozen=True)
class Case:
    file: str
    producer: HopName | None
    code: str
    confidence: str
    evidence: str
    """One line the first finding must quote, exactly."""
    broken: HopName | None
    missing: str | None = None
    """A phrase missing_evidence must contain; "" = must be empty; None = not checked."""
    kind: str = "rest"
    auth: str | None = None


CASES = [
    Case(
        "rest_explicit_deny",
        A,
        "authorizer.explicit_deny",
        "certain",
        "x-amzn-ErrorType: AccessDeniedException",
        A,
        "",
        auth="lambda",
    ),
    # The identity-based-policy wording is also what an IAM identity policy's Deny says: likely, not certain.
    Case(
        "rest_explicit_deny_identity_policy",
        A,
        "authorizer.explicit_deny",
        "likely",
        'body: {"Message":"User is not authorized to access this resource with an explicit deny in an '
        'identity-based policy"}',
        A,
        auth="lambda",
    ),
    Case(
        "rest_implicit_deny",
        A,
        "authorizer.implicit_deny",
        "certain",
        'body: {"message":"User is not authorized to access this resource"}',
        A,
        "Starting authorizer",
        auth="lambda",
    ),
    Case(
        "rest_unauthorized",
        A,
        "authorizer.unauthorized",
        "certain",
        'body: {"message":"Unauthorized"}',
        A,
        "request id 3c2b1a09-8f7e-4d6c-b5a4-1e2f3a4b5c6d",
        auth="cognito",
    ),
    Case(
        "http_jwt_audience",
        A,
        "token.audience_mismatch",
        "certain",
        'www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a '
        'valid audience"',
        A,
        "",
        kind="http",
        auth="jwt",
    ),
    Case(
        "http_jwt_expired",
        A,
        "token.expired",
        "likely",
        'body: {"message":"Unauthorized"}',
        A,
        "baton decode",
        kind="http",
        auth="jwt",
    ),
    Case(
        "http_insufficient_scope",
        A,
        "authorizer.insufficient_scope",
        "certain",
        'www-authenticate: Bearer scope="orders/read" error="insufficient_scope" error_description="the token '
        'does not have the required scopes"',
        A,
        kind="http",
        auth="jwt",
    ),
    Case(
        "rest_authorizer_error",
        A,
        "authorizer.configuration_error",
        "certain",
        "x-amzn-ErrorType: AuthorizerConfigurationException",
        A,
        "CloudWatch logs",
        auth="lambda",
    ),
    Case("rest_api_key", G, "gateway.api_key_missing", "certain", "x-amzn-ErrorType: ForbiddenException", G, ""),
    Case(
        "rest_waf_forbidden", G, "gateway.api_key_missing", "possible", 'body: {"message":"Forbidden"}', G, "WAF logs"
    ),
    Case("rest_throttled", G, "gateway.throttled", "certain", 'body: {"message":"Too Many Requests"}', G, ""),
    Case("rest_quota", G, "gateway.quota_exceeded", "certain", "x-amzn-ErrorType: LimitExceededException", G, ""),
    Case(
        "rest_missing_auth_token",
        G,
        "gateway.missing_authentication_token",
        "certain",
        'body: {"message":"Missing Authentication Token"}',
        G,
        "",
    ),
    Case(
        "rest_resource_policy_anonymous",
        G,
        "gateway.resource_policy_denied",
        "certain",
        "x-amzn-ErrorType: AccessDeniedException",
        G,
        "",
    ),
    # "with an explicit deny": the resource policy or the caller's IAM policy; the body does not say which.
    Case(
        "rest_resource_policy_explicit",
        G,
        "gateway.policy_explicit_deny",
        "likely",
        "x-amzn-ErrorType: AccessDeniedException",
        G,
        auth="iam",
    ),
    Case(
        "rest_iam_signature_mismatch",
        A,
        "authorizer.iam_signature_invalid",
        "certain",
        "x-amzn-ErrorType: InvalidSignatureException",
        A,
        "",
        auth="iam",
    ),
    Case(
        "rest_iam_signature_expired",
        A,
        "authorizer.iam_signature_expired",
        "certain",
        'body: {"message":"Signature expired: 20141106T010406Z is now earlier than 20141106T011252Z '
        '(20141106T011752Z - 5 min.)"}',
        A,
        "",
        auth="iam",
    ),
    Case(
        "rest_iam_token_invalid",
        A,
        "authorizer.iam_signature_invalid",
        "certain",
        "x-amzn-ErrorType: UnrecognizedClientException",
        A,
        auth="iam",
    ),
    Case(
        "rest_integration_timeout",
        G,
        "gateway.integration_timeout",
        "certain",
        'body: {"message": "Endpoint request timed out"}',
        N,
        "time-taken",
    ),
    Case(
        "http_integration_timeout",
        G,
        "gateway.integration_timeout",
        "likely",
        'body: {"message":"Service Unavailable"}',
        N,
        "Pf0XYlrSSKfHNSD=",
        kind="http",
    ),
    Case(
        "rest_network_error",
        G,
        "gateway.integration_failure",
        "certain",
        'body: {"message": "Network error communicating with endpoint"}',
        N,
        "",
    ),
    Case(
        "rest_internal_error",
        G,
        "gateway.integration_failure",
        "certain",
        "x-amzn-ErrorType: InternalServerErrorException",
        N,
        "Execution failed due to configuration error",
    ),
    Case(
        "rest_bad_gateway",
        G,
        "gateway.integration_failure",
        "likely",
        "x-amzn-ErrorType: InternalServerErrorException",
        N,
        "execution log",
    ),
    Case(
        "rest_iis_windows_auth",
        S,
        "iis.windows_auth_challenge",
        "certain",
        "x-amzn-Remapped-WWW-Authenticate: Negotiate",
        S,
        "sc-substatus",
    ),
    Case(
        "http_iis_windows_auth",
        S,
        "iis.windows_auth_challenge",
        "certain",
        "WWW-Authenticate: NTLM",
        S,
        kind="http",
        auth="jwt",
    ),
    Case(
        "iis_direct_401_2_challenge",
        S,
        "iis.windows_auth_challenge",
        "certain",
        "body: HTTP Error 401.2 - Unauthorized",
        S,
        "",
    ),
    Case("iis_direct_401_2", S, "iis.no_auth_method", "certain", "body: HTTP Error 401.2 - Unauthorized", S, ""),
    Case("iis_direct_401_1", S, "iis.logon_failed", "certain", "body: HTTP Error 401.1 - Unauthorized", S, ""),
    Case("iis_direct_401_3", S, "iis.access_denied", "certain", "body: HTTP Error 401.3 - Unauthorized", S, ""),
    Case("iis_direct_403_6", S, "iis.access_denied", "certain", "body: HTTP Error 403.6 - Forbidden", S, ""),
    Case("iis_direct_500_19", S, "iis.http_error", "certain", "body: HTTP Error 500.19 - Internal Server Error", S, ""),
    Case(
        "rest_iis_custom_401",
        S,
        "iis.error",
        "likely",
        "body: 401 - Unauthorized: Access is denied due to invalid credentials.",
        S,
        "sc-substatus",
    ),
    Case(
        "iis_direct_custom_404",
        S,
        "iis.http_error",
        "likely",
        "body: 404 - File or directory not found.",
        S,
        "sc-substatus",
    ),
    Case(
        "rest_iis_app_json_401",
        S,
        "iis.error",
        "likely",
        "x-amzn-Remapped-Server: Microsoft-IIS/10.0",
        S,
        "identity header never arrived",
    ),
    Case(
        "httpsys_direct_400_too_long",
        S,
        "iis.request_header_too_large",
        "certain",
        "Server: Microsoft-HTTPAPI/2.0",
        S,
        "",
    ),
    Case(
        "rest_httpsys_400_too_long",
        S,
        "iis.request_header_too_large",
        "certain",
        "body: HTTP Error 400. The size of the request headers is too long.",
        S,
        "",
    ),
    Case(
        "rest_iis_200",
        S,
        "trace.identity_unconfirmed",
        "likely",
        "x-amzn-Remapped-Server: Microsoft-IIS/10.0",
        None,
        "echo_path",
    ),
    Case("rest_200_plain", None, "trace.identity_unconfirmed", "likely", "status: 200", None, "echo_path"),
    Case(
        "plain_200_no_signals",
        None,
        "trace.identity_unconfirmed",
        "possible",
        "status: 200",
        None,
        "gateway request id",
    ),
    Case(
        "rest_customised_unauthorized",
        A,
        "authorizer.unauthorized",
        "likely",
        "x-amzn-ErrorType: UnauthorizedException",
        A,
        "execution log",
        auth="lambda",
    ),
    Case(
        "rest_customised_access_denied",
        A,
        "authorizer.explicit_deny",
        "possible",
        "x-amzn-ErrorType: AccessDeniedException",
        A,
        "execution or access log",
        auth="lambda",
    ),
    Case(
        "unrecognised_teapot",
        None,
        "trace.response_unrecognised",
        "possible",
        "body: short and stout, sorry",
        None,
        "IIS W3C log",
    ),
    Case(
        "http_lambda_forbidden",
        A,
        "authorizer.explicit_deny",
        "likely",
        'body: {"message":"Forbidden"}',
        A,
        "$context.authorizer.error",
        kind="http",
        auth="lambda",
    ),
    Case(
        "http_not_found",
        G,
        "gateway.missing_authentication_token",
        "likely",
        "apigw-requestid: Si3abovVVNiKQVG=",
        G,
        kind="http",
    ),
    Case(
        "http_internal_error",
        G,
        "gateway.integration_failure",
        "likely",
        'body: {"message":"Internal Server Error"}',
        N,
        "$context.integrationErrorMessage",
        kind="http",
        auth="jwt",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_signal(case: Case) -> None:
    reading = read_response(load(case.file), gateway_kind=case.kind, auth=case.auth)
    first = reading.findings[0]
    assert (reading.producer, first.code, first.confidence) == (case.producer, case.code, case.confidence)
    assert case.evidence in first.evidence, first.evidence
    broken = [o.hop for o in reading.observations if o.status is HopStatus.BROKEN]
    assert broken == ([case.broken] if case.broken else [])
    # A finding sits at the hop at fault; "identity unconfirmed" at IIS, "unrecognised" at the gateway.
    default = HopName.IIS if first.code == "trace.identity_unconfirmed" else HopName.GATEWAY
    assert first.hop == (case.broken or default).value
    if case.missing == "":
        assert reading.missing_evidence == ""
    elif case.missing is not None:
        assert case.missing in reading.missing_evidence


def test_every_recorded_response_has_a_case() -> None:
    from responsekit import RESPONSES

    assert {p.stem for p in RESPONSES.glob("*.http")} == {c.file for c in CASES}
