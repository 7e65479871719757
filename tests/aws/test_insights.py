"""Logs Insights: the query texts, a run on moto (StartQuery + GetQueryResults), and — with botocore's Stubber, since
moto finishes every query at once and has no StopQuery — polling through Running, cancel, timeout and failures."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from console.aws.insights import InsightsResult, run_query
from console.aws.insights_queries import build_query
from console.errors import UsageError
from console.model.gateway_log import PollProgress, Unavailable
from tests.aws.motokit_logs import REGION, RID, MotoLogs, access_line


def test_queries_name_the_criterion_for_each_group() -> None:
    access = build_query("access", user="alice")
    assert 'principalId = "alice"' in access and 'sub = "alice"' in access and "limit 200" in access
    assert '`X-Correlation-Id` = "c-1"' in build_query("access", correlation_id="c-1")
    assert "Method completed with status: 403" in build_query("execution", status=403)
    iis = build_query("iis", status=401)
    assert 'parse @message "* * * * * * * * * * * * * * *" as date, time' in iis
    assert 'sc_status = "401"' in iis and "not like /^#/" in iis


@pytest.mark.parametrize("value", ['al"ice', "a|b", "a\\b", "a\nb", ""])
def test_values_that_could_change_the_query_are_refused(value: str) -> None:
    with pytest.raises(UsageError):
        build_query("access", user=value)


def test_a_query_runs_on_moto_and_rows_come_back_without_the_pointer(fake_aws: Path, moto_url: str) -> None:
    logs = MotoLogs(moto_url)
    group = logs.group("/baton/insights-access")
    now = int(time.time())
    logs.put(group, access_line(), at_ms=now * 1000)
    client = boto3.client("logs", region_name=REGION, endpoint_url=moto_url)
    steps: list[PollProgress] = []
    result = run_query(client, (group,), build_query("access", status=200), now - 60, now + 60, progress=steps.append)
    assert isinstance(result, InsightsResult), result
    assert len(result.rows) == 1 and RID in dict(result.rows[0])["@message"]
    assert all(field != "@ptr" for field, _ in result.rows[0])
    assert steps and steps[0].attempt == 1


def _stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("logs", region_name=REGION)
    return client, Stubber(client)


def test_polling_waits_through_running_and_reads_statistics(fake_aws: Path) -> None:
    client, stub = _stubbed()
    stub.add_response("start_query", {"queryId": "q-1"})
    stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-1"})
    done = {
        "status": "Complete",
        "results": [[{"field": "@message", "value": "\x1b[2Jhello"}, {"field": "@ptr", "value": "p"}]],
        "statistics": {"recordsMatched": 1.0, "recordsScanned": 10.0, "bytesScanned": 99.0},
    }
    stub.add_response("get_query_results", done, {"queryId": "q-1"})
    with stub:
        result = run_query(client, ("g",), "fields @message", 1, 2, interval=0.01)
    assert isinstance(result, InsightsResult)
    assert result.rows == ((("@message", "\x1b[2Jhello"),),) and result.records_scanned == 10.0


def test_cancel_stops_the_query(fake_aws: Path) -> None:
    client, stub = _stubbed()
    stub.add_response("start_query", {"queryId": "q-2"})
    stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-2"})
    stub.add_response("stop_query", {"success": True}, {"queryId": "q-2"})
    cancel = threading.Event()
    with stub:
        result = run_query(client, ("g",), "fields @message", 1, 2, cancel=cancel, progress=lambda _: cancel.set())
        stub.assert_no_pending_responses()  # StopQuery was called
    assert isinstance(result, Unavailable) and result.kind == "cancelled"


def test_a_query_past_its_timeout_is_stopped(fake_aws: Path) -> None:
    client, stub = _stubbed()
    stub.add_response("start_query", {"queryId": "q-3"})
    stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-3"})
    stub.add_response("stop_query", {"success": True}, {"queryId": "q-3"})
    with stub:
        result = run_query(client, ("g",), "fields @message", 1, 2, timeout=0)
        stub.assert_no_pending_responses()
    assert isinstance(result, Unavailable) and result.kind == "timeout"


@pytest.mark.parametrize(
    ("code", "kind", "text"),
    [
        ("MalformedQueryException", "config", "malformed"),
        ("ResourceNotFoundException", "config", "does not exist"),
        ("ThrottlingException", "throttled", "throttled"),
    ],
)
def test_start_query_errors_are_unavailable_with_one_line(fake_aws: Path, code: str, kind: str, text: str) -> None:
    client, stub = _stubbed()
    stub.add_client_error("start_query", service_error_code=code, http_status_code=400)
    with stub:
        result = run_query(client, ("g",), "fields @message", 1, 2)
    assert isinstance(result, Unavailable) and result.kind == kind and text in result.reason


def test_a_failed_query_is_unavailable(fake_aws: Path) -> None:
    client, stub = _stubbed()
    stub.add_response("start_query", {"queryId": "q-4"})
    stub.add_response("get_query_results", {"status": "Failed", "results": []}, {"queryId": "q-4"})
    with stub:
        result = run_query(client, ("g",), "fields @message", 1, 2)
    assert isinstance(result, Unavailable) and "Failed" in result.reason
