"""fetch_request_logs against CloudWatch Logs on a real local AWS API (moto): found, found late, deadline, cancel,
missing groups and AWS failures — each an answer, never an exception and never a silent pass."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from console.aws.gateway_logs import fetch_request_logs
from console.model.gateway_log import GatewayLogEvidence, PollProgress, Unavailable
from console.model.profile import AwsSettings
from tests.aws.motokit import MotoRestApi
from tests.aws.motokit_logs import CORRELATION, OTHER_RID, REGION, RID, MotoLogs, access_line, execution_lines


def _api_with_logs(moto_url: str, *, access: bool = True) -> tuple[AwsSettings, MotoLogs, str, str]:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy("dev")
    logs = MotoLogs(moto_url)
    exec_group = logs.group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    access_group = logs.group(f"/baton/access/{api.api_id}")
    if access:
        arn = f"arn:aws:logs:{REGION}:123456789012:log-group:{access_group}"
        api.client.update_stage(
            restApiId=api.api_id,
            stageName="dev",
            patchOperations=[{"op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn}],
        )
    settings = AwsSettings(region=REGION, api_id=api.api_id, stage="dev", endpoint_url=moto_url)
    return settings, logs, exec_group, access_group


def test_the_execution_log_and_the_stages_access_record_are_found_and_parsed(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, access_group = _api_with_logs(moto_url)
    logs.put(exec_group, *execution_lines(OTHER_RID, email="bob@example.test"))
    logs.put(exec_group, *execution_lines(), f"({OTHER_RID}) Endpoint response headers: {{x-amzn-RequestId={RID}}}")
    logs.put(access_group, access_line(OTHER_RID), access_line())
    result = fetch_request_logs(settings, RID, wait=5, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.execution is not None and result.execution.status == 200
    assert result.execution.endpoint_headers is not None
    assert result.execution.endpoint_headers.get("X-User-Email") == "alice@example.test"  # not bob's request
    assert result.other_lines == 1  # another request's line that mentions this id is not used
    assert result.access is not None and (result.access.request_id, result.access.status) == (RID, 200)
    assert result.attempts == 1 and not result.execution_note and not result.access_note
    assert {s.group for s in result.searches} == {exec_group, access_group}
    assert all(s.pattern == f'"{RID}"' for s in result.searches)


def test_lines_delivered_after_the_first_poll_are_found_on_a_later_poll(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, access_group = _api_with_logs(moto_url)
    seen: list[PollProgress] = []

    def progress(step: PollProgress) -> None:
        seen.append(step)
        if step.attempt == 3:  # CloudWatch delivers the request's lines only now
            logs.put(exec_group, *execution_lines())
            logs.put(access_group, access_line())

    result = fetch_request_logs(settings, RID, wait=10, interval=0.05, progress=progress)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.attempts == 3 and result.execution is not None and result.execution.complete
    assert [s.attempt for s in seen] == [1, 2, 3]
    assert "execution log in" in seen[0].waiting_for and "access-log record in" in seen[0].waiting_for
    assert seen[0].limit_s == 10


def test_nothing_within_the_deadline_is_unavailable_with_the_reason_and_the_fix(fake_aws: Path, moto_url: str) -> None:
    settings, _logs, exec_group, _access = _api_with_logs(moto_url)
    result = fetch_request_logs(settings, RID, wait=0.2, interval=0.05)
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    # the window searched (the last hour: no request time was given) and what would help (QA6 #10)
    assert "not found in" in result.reason and "the last 1 h (from " in result.reason and "--since" in result.reason
    assert "aws apigateway update-stage" in result.reason and "loglevel,value=INFO" in result.reason
    assert any(s.group == exec_group for s in result.searches)


def test_cancel_stops_polling_between_polls(fake_aws: Path, moto_url: str) -> None:
    settings, *_ = _api_with_logs(moto_url)
    cancel = threading.Event()
    steps: list[int] = []

    def progress(step: PollProgress) -> None:
        steps.append(step.attempt)
        cancel.set()

    result = fetch_request_logs(settings, RID, wait=30, interval=5, cancel=cancel, progress=progress)
    assert isinstance(result, Unavailable) and result.kind == "cancelled"
    assert steps == [1]


def test_a_missing_execution_group_says_execution_logging_is_off_and_the_access_record_still_counts(
    fake_aws: Path, moto_url: str
) -> None:
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    access_group = logs.group("/baton/access-only")
    logs.put(access_group, access_line(correlation=CORRELATION))
    settings = AwsSettings(
        region=REGION, api_id=api.api_id, stage="dev", endpoint_url=moto_url, access_log_group=access_group
    )
    result = fetch_request_logs(settings, RID, CORRELATION, wait=0.2, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.execution is None and "does not exist — is execution logging on" in result.execution_note
    assert result.access is not None and result.access.request_id == RID


def test_a_record_found_by_correlation_id_alone_is_another_requests_not_this_ones(
    fake_aws: Path, moto_url: str
) -> None:
    # (this test used to take RID's record, found by its correlation id, as the record of "unknown-request-1": QA6 #11)
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    access_group = logs.group("/baton/access-only-2")
    logs.put(access_group, access_line(correlation=CORRELATION))
    settings = AwsSettings(
        region=REGION, api_id=api.api_id, stage="dev", endpoint_url=moto_url, access_log_group=access_group
    )
    result = fetch_request_logs(settings, "unknown-request-1", CORRELATION, wait=0.2, interval=0.05)
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    assert "does not exist — is execution logging on" in result.reason
    assert RID in result.reason and "not this request's" in result.reason


def test_a_stage_without_access_logging_is_named(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _api_with_logs(moto_url, access=False)
    logs.put(exec_group, *execution_lines())
    result = fetch_request_logs(settings, RID, wait=1, interval=0.05)
    assert isinstance(result, GatewayLogEvidence)
    assert result.access is None and "has no access logging" in result.access_note


def test_an_unreachable_endpoint_is_unavailable_naming_the_endpoint(fake_aws: Path, closed_port_url: str) -> None:
    settings = AwsSettings(
        region=REGION, api_id="abc123", stage="dev", endpoint_url=closed_port_url, access_log_group="/x"
    )
    result = fetch_request_logs(settings, RID, wait=0)
    assert isinstance(result, Unavailable) and result.kind == "unreachable"
    assert "cannot reach" in result.reason


def test_access_denied_on_filter_log_events_is_unavailable_with_the_permission_to_grant(fake_aws: Path) -> None:
    client = boto3.client("logs", region_name=REGION)
    stub = Stubber(client)
    stub.add_client_error("filter_log_events", service_error_code="AccessDeniedException", http_status_code=400)
    stub.activate()

    def factory(service: str) -> Any:
        assert service == "logs"
        return client

    settings = AwsSettings(region=REGION, execution_log_group="API-Gateway-Execution-Logs_abc/dev")
    result = fetch_request_logs(settings, RID, wait=0, client_factory=factory)
    assert isinstance(result, Unavailable) and result.kind == "unauthorized"
    assert "allow logs:FilterLogEvents" in result.reason
