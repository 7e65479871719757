"""Each wrong cause the testers found gets its own finding, with a confidence no surer than the body allows."""

from __future__ import annotations

import dataclasses

import pytest
from recordkit import record
from responsekit import parse

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_rules import iis_findings
from console.engine.diagnosis.response import read_response
from console.engine.probes.record import parse_ground_truth
from console.engine.target import ClientPlan, Target
from console.model.expectations import Expectations
from console.model.trace import Confidence, HopName, HopStatus

ARN = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/prod/GET/orders"
USER = "arn:aws:iam::111122223333:role/reporting"


def rest_403(message: str) -> str:
    return (
        "HTTP/1.1 403 Forbidden\nContent-Type: application/json\nx-amzn-RequestId: 9f\n"
        f'x-amzn-ErrorType: AccessDeniedException\n\n{{"Message":"{message}"}}\n'
    )


@pytest.mark.parametrize(
    ("message", "auth", "hop", "code", "confidence"),
    [
        # "no identity-based policy allows": the caller's IAM policy lacks the Allow — the body says so.
        (
            f"User: {USER} is not authorized to perform: execute-api:Invoke on resource: {ARN} because no "
            "identity-based policy allows the execute-api:Invoke action",
            "iam",
            HopName.AUTHORIZER,
            "authorizer.iam_policy_missing",
            Confidence.CERTAIN,
        ),
        # An explicit deny in the resource policy or the IAM policy: the body cannot tell which.
        (
            f"User: {USER} is not authorized to perform: execute-api:Invoke on resource: {ARN} with an explicit deny",
            "iam",
            HopName.GATEWAY,
            "gateway.policy_explicit_deny",
            Confidence.LIKELY,
        ),
        # A signed caller without an Allow: resource policy or IAM policy, the older wording does not say.
        (
            f"User: {USER} is not authorized to perform: execute-api:Invoke on resource: {ARN}",
            "iam",
            HopName.GATEWAY,
            "gateway.resource_policy_denied",
            Confidence.POSSIBLE,
        ),
        # An unsigned caller can only be refused by the resource policy.
        (
            f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {ARN}",
            "cognito",
            HopName.GATEWAY,
            "gateway.resource_policy_denied",
            Confidence.CERTAIN,
        ),
        # The authorizer's Deny in today's wording, which an IAM identity policy's Deny shares.
        (
            "User is not authorized to access this resource with an explicit deny in an identity-based policy",
            "lambda",
            HopName.AUTHORIZER,
            "authorizer.explicit_deny",
            Confidence.LIKELY,
        ),
    ],
)
def test_policy_denials_are_told_apart(
    message: str, auth: str, hop: HopName, code: str, confidence: Confidence
) -> None:
    reading = read_response(parse(rest_403(message)), auth=auth)
    first = reading.findings[0]
    assert (first.hop, first.code, first.confidence) == (hop, code, confidence)


@pytest.mark.parametrize("message", ["Invalid request body", "Missing required request parameters: [tenant]"])
def test_request_validation_is_recognised(message: str) -> None:
    response = parse(
        "HTTP/1.1 400 Bad Request\nContent-Type: application/json\nx-amzn-RequestId: 7a\n"
        f'x-amzn-ErrorType: BadRequestException\n\n{{"message": "{message}"}}\n'
    )
    reading = read_response(response, auth="cognito")
    assert (reading.producer, reading.findings[0].code) == (HopName.GATEWAY, "gateway.request_validation_failed")
    assert dict((o.hop, o.status) for o in reading.observations)[HopName.IIS] is HopStatus.NOT_REACHED


HOSTNAME_PAGE = (
    "HTTP/1.1 400 Bad Request\nContent-Type: text/html; charset=us-ascii\n"
    "x-amzn-Remapped-Server: Microsoft-HTTPAPI/2.0\nx-amzn-RequestId: 5c\n\n"
    "<HTML><HEAD><TITLE>Bad Request</TITLE></HEAD><BODY><h2>Bad Request - Invalid Hostname</h2>"
    "<hr><p>HTTP Error 400. The request hostname is invalid.</p></BODY></HTML>\n"
)


def test_an_invalid_hostname_is_not_an_oversized_header() -> None:
    first = read_response(parse(HOSTNAME_PAGE)).findings[0]
    assert (first.hop, first.code, first.confidence) == (HopName.IIS, "iis.invalid_hostname", Confidence.CERTAIN)


def _target(auth: str = "cognito") -> Target:
    return Target(
        profile="p",
        environment="dev",
        gateway_url="http://127.0.0.1:9",
        gateway_kind="rest",
        auth=auth,
        client=ClientPlan(flow="none"),
        expect=Expectations(),
        propagation=(("X-User-Sub", "sub"),),
    )


def test_ground_truth_http_sys_400_reads_the_page_for_its_reason() -> None:
    truth = record(integration={"sent": True}, iis={"received": False, "status": 400, "user": None})
    ev = Evidence(target=_target(), correlation_id="c-1", response=parse(HOSTNAME_PAGE), record=truth)
    assert [f.code for f in iis_findings(ev, None, (), Confidence.CERTAIN)] == ["iis.invalid_hostname"]


@pytest.mark.parametrize(
    ("status", "page"),
    [
        (404, "<h3>HTTP Error 404.0 - Not Found</h3><h4>The resource you are looking for has been removed.</h4>"),
        (503, "<h3>HTTP Error 503.0 - Service Unavailable</h3><h4>The application pool is stopped.</h4>"),
    ],
)
def test_an_iis_error_page_without_an_echo_is_an_http_error(status: int, page: str) -> None:
    response = parse(
        f"HTTP/1.1 {status} Error\nContent-Type: text/html\nx-amzn-Remapped-Server: Microsoft-IIS/10.0"
        f"\nx-amzn-RequestId: 3d\n\n<html><body>{page}</body></html>\n"
    )
    result = diagnose(Evidence(target=_target(), correlation_id="c", response=response))
    assert (result.verdict.broken_at, result.verdict.finding) == (HopName.IIS, "iis.http_error")
    assert str(status) in result.verdict.summary and result.verdict.fix


def test_a_recorded_request_compares_iis_with_the_authorizer_claims() -> None:
    # A request someone else sent: the token is masked, so the authorizer's claims name the caller.
    truth = record(iis={"user": "mallory"})
    result = diagnose(
        Evidence(target=_target(), correlation_id="c-1", record=truth, sent_headers=dict(truth.client.headers))
    )
    assert (result.verdict.broken_at, result.verdict.finding) == (HopName.IIS, "iis.wrong_user")
    healthy = diagnose(
        Evidence(target=_target(), correlation_id="c-1", record=record(), sent_headers=dict(truth.client.headers))
    )
    assert healthy.verdict.ok, healthy.verdict.summary


def test_ground_truth_is_parsed_once_into_frozen_dataclasses() -> None:
    truth = record(iis={"status": "404", "substatus": 0})
    assert (truth.iis.status, truth.iis.substatus, truth.authorizer.value("sub")) == (404, 0, "alice")
    with pytest.raises(dataclasses.FrozenInstanceError):
        truth.iis.user = "mallory"  # type: ignore[misc]
    with pytest.raises(ValueError, match="'iis'"):
        parse_ground_truth({"client": {}, "gateway": {}, "authorizer": {}, "integration": {}})
