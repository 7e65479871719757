"""QA6 defects of the gateway-log search on moto: the search window (#10), correlation-id records of other requests
(#11), a request id shared by two executions (#12), the --wait deadline (#14), credentials in query strings (#9), a
SigV4 Authorization value (#19) and one masking rule for `logs` and `query` (#8, #20)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from console.aws.gateway_logs import fetch_request_logs
from console.aws.insights import InsightsResult, run_query
from console.aws.insights_queries import build_query
from console.engine.logs.apigw_headers import parse_header_map
from console.model.gateway_log import GatewayLogEvidence, Unavailable
from console.model.profile import AwsSettings
from tests.aws.motokit import MotoRestApi
from tests.aws.motokit_logs import REGION, MotoLogs

R_OLD = "70000000-aaaa-4bbb-8ccc-000000000007"
R_MINE = "80000000-aaaa-4bbb-8ccc-000000000008"
R_OTHER = "0e000000-aaaa-4bbb-8ccc-0000000000e0"
R_DUP = "d0000000-aaaa-4bbb-8ccc-00000000000d"
R_SEC = "5e000000-aaaa-4bbb-8ccc-0000000005ec"
LEAKS = ("QS-TOKEN-value-1", "QS-APIKEY-2", "URI-TOKEN-3", "URI-SECRET-4", "SEND-TOKEN-5", "RAW-APIKEY-6")


def _setup(moto_url: str) -> tuple[AwsSettings, MotoLogs, str, str]:
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    exec_group = logs.group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    access_group = logs.group(f"/qa6logs/access/{api.api_id}")
    settings = AwsSettings(
        region=REGION, api_id=api.api_id, stage="dev", endpoint_url=moto_url, access_log_group=access_group
    )
    return settings, logs, exec_group, access_group


def _run(rid: str, user: str, ext: str = "RXh0MQ==") -> list[str]:
    body = [
        f"Extended Request Id: {ext}",
        f"Starting execution for request: {rid}",
        "HTTP Method: GET, Resource Path: /orders/42",
        "Endpoint request URI: https://iis.example.test/orders/42",
        f"Endpoint request headers: {{X-User-Id={user}, Host=iis.example.test}}",
        "Received response. Status: 200, Integration latency: 5 ms",
        "Method completed with status: 200",
    ]
    return [f"({rid}) {line}" for line in body]


def _access(rid: str, caller: str, correlation: str, ext: str = "RXh0MQ==") -> str:
    record = {"requestId": rid, "extendedRequestId": ext, "status": "200", "httpMethod": "GET"}
    return json.dumps(record | {"resourcePath": "/orders/{id}", "principalId": caller, "correlationId": correlation})


# --- #10 the search window ------------------------------------------------------------------------------------------


def test_a_request_logged_ten_minutes_ago_is_found_without_a_time(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _setup(moto_url)
    logs.put(exec_group, *_run(R_OLD, "alice"), at_ms=int((time.time() - 600) * 1000))
    result = fetch_request_logs(settings, R_OLD, wait=0, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.execution is not None and result.execution.status == 200


def test_since_sets_the_window_and_not_found_says_what_was_searched(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _setup(moto_url)
    logs.put(exec_group, *_run(R_OLD, "alice"), at_ms=int((time.time() - 7200) * 1000))
    missed = fetch_request_logs(settings, R_OLD, wait=0, interval=0.05)
    assert isinstance(missed, Unavailable) and missed.kind == "not_found"
    assert "from " in missed.reason and "UTC" in missed.reason  # the window searched
    assert "--since" in missed.reason  # and what would help
    found = fetch_request_logs(settings, R_OLD, wait=0, interval=0.05, since=time.time() - 3 * 3600)
    assert isinstance(found, GatewayLogEvidence) and found.execution is not None


# --- #11 correlation id --------------------------------------------------------------------------------------------


def test_another_requests_access_record_with_this_correlation_id_is_not_this_requests(
    fake_aws: Path, moto_url: str
) -> None:
    settings, logs, exec_group, access_group = _setup(moto_url)
    logs.put(exec_group, *_run(R_MINE, "alice-sub"))
    logs.put(access_group, _access(R_OTHER, "mallory", R_MINE))
    result = fetch_request_logs(settings, R_MINE, R_MINE, wait=0.3, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.access is None  # mallory's record is never shown as this request's
    assert [r.request_id for r in result.related] == [R_OTHER]
    assert R_OTHER in result.access_note and "correlationId" in result.access_note
    assert "mallory" not in json.dumps(result.as_dict()["access"])


def test_a_correlation_match_alone_is_not_found(fake_aws: Path, moto_url: str) -> None:
    settings, logs, _exec, access_group = _setup(moto_url)
    logs.put(access_group, _access(R_OTHER, "alice", "corr-qa6"))
    result = fetch_request_logs(settings, "90000000-aaaa-4bbb-8ccc-000000000009", "corr-qa6", wait=0.2, interval=0.05)
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    assert R_OTHER in result.reason and "correlation" in result.reason


def test_with_no_request_id_the_record_is_labelled_as_matched_by_correlation_id_only(
    fake_aws: Path, moto_url: str
) -> None:
    settings, logs, _exec, access_group = _setup(moto_url)
    logs.put(access_group, _access(R_OTHER, "alice", "corr-only-qa6"))
    result = fetch_request_logs(settings, "", "corr-only-qa6", wait=0.2, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.access is not None and result.access.request_id == R_OTHER
    assert result.access.matched_by == "correlationId"
    assert "correlation id only" in result.access_note and R_OTHER in result.execution_note


# --- #12 one request id, two executions ------------------------------------------------------------------------------


def test_two_executions_sharing_a_request_id_are_kept_apart_and_flagged(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _setup(moto_url)
    logs.client.create_log_stream(logGroupName=exec_group, logStreamName="s2")
    now = int(time.time() * 1000)
    logs.put(exec_group, *_run(R_DUP, "alice-sub", "RVhUMA=="), at_ms=now - 2000)
    events = [{"timestamp": now - 1000 + i, "message": m} for i, m in enumerate(_run(R_DUP, "mallory", "RVhUMQ=="))]
    logs.client.put_log_events(logGroupName=exec_group, logStreamName="s2", logEvents=events)
    result = fetch_request_logs(settings, R_DUP, wait=0.2, interval=0.05)
    assert isinstance(result, GatewayLogEvidence), result
    assert result.execution is None  # neither is picked silently
    users = sorted(e.endpoint_headers.get("X-User-Id") or "" for e in result.executions if e.endpoint_headers)
    assert users == ["alice-sub", "mallory"]
    assert "RVhUMA==" in result.execution_note and "RVhUMQ==" in result.execution_note
    assert "2 executions" in result.execution_note


def test_two_executions_in_one_stream_are_split_at_their_extended_request_ids(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _setup(moto_url)
    logs.put(exec_group, *_run(R_DUP, "alice-sub", "RVhUMA=="), *_run(R_DUP, "mallory", "RVhUMQ=="))
    result = fetch_request_logs(settings, R_DUP, wait=0.2, interval=0.05)
    assert isinstance(result, GatewayLogEvidence) and result.execution is None
    assert len(result.executions) == 2


# --- #14 --wait is a deadline ---------------------------------------------------------------------------------------


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A loopback endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_wait_bounds_the_whole_search_including_each_aws_call(fake_aws: Path, silent_url: str) -> None:
    settings = AwsSettings(region=REGION, api_id="abc123", stage="dev", endpoint_url=silent_url, access_log_group="/x")
    began = time.monotonic()
    result = fetch_request_logs(settings, R_MINE, wait=2)
    elapsed = time.monotonic() - began
    assert isinstance(result, Unavailable) and result.kind == "unreachable"
    assert "did not answer" in result.reason
    assert elapsed < 15  # not botocore's 20 s read timeout times three attempts per call


# --- #9 / #19 credentials in query strings, SigV4 ---------------------------------------------------------------


def _secret_lines(rid: str) -> list[str]:
    body = [
        f"Starting execution for request: {rid}",
        "HTTP Method: GET, Resource Path: /orders/42",
        "Method request query string: {access_token=QS-TOKEN-value-1, api_key=QS-APIKEY-2, page=3}",
        "Endpoint request URI: https://iis.example.test/orders/42?access_token=URI-TOKEN-3&client_secret=URI-SECRET-4&p=1",
        "Sending request to https://iis.example.test/orders/42?token=SEND-TOKEN-5",
        "Method request headers: {Authorization=AWS4-HMAC-SHA256 Credential=AKIAQA6TESTSIGV40000/20261130/eu-west-1/"
        "execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef, "
        "x-api-key=RAW-APIKEY-6}",
        "Method completed with status: 200",
    ]
    return [f"({rid}) {line}" for line in body]


def test_credentials_in_query_strings_are_masked_in_the_evidence(fake_aws: Path, moto_url: str) -> None:
    settings, logs, exec_group, _ = _setup(moto_url)
    logs.put(exec_group, *_secret_lines(R_SEC))
    result = fetch_request_logs(settings, R_SEC, wait=0.2, interval=0.05)
    assert isinstance(result, GatewayLogEvidence) and result.execution is not None
    dumped = json.dumps(result.as_dict())
    assert [leak for leak in LEAKS if leak in dumped] == []
    assert "page=3" in dumped and "p=1" in dumped  # ordinary parameters stay readable
    assert result.execution.endpoint_uri is not None and "access_token=<redacted>" in result.execution.endpoint_uri


def test_a_sigv4_authorization_value_stays_one_header() -> None:
    dump = parse_header_map(
        "{Authorization=AWS4-HMAC-SHA256 Credential=AKIAQA6TESTSIGV40000/20261130/eu-west-1/execute-api/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef, Host=x.example}"
    )
    assert dump.names() == ("Authorization", "Host")
    assert "0123456789abcdef" not in str(dump.pairs) and "AKIAQA6TESTSIGV40000" not in str(dump.pairs)


# --- #8 query rows are masked as logs masks them ----------------------------------------------------------------------


def test_query_rows_mask_what_logs_masks(fake_aws: Path, moto_url: str) -> None:
    logs = MotoLogs(moto_url)
    group = logs.group("/qa6logs/insights-secrets")
    now = int(time.time())
    lines = [
        *_secret_lines(R_SEC),
        f"({R_SEC}) Endpoint request headers: {{X-Amz-Security-Token=FwoGZXIvYXdzQA6sessionLEAK0123, Host=h}}",
        json.dumps({"requestId": R_SEC, "apiKey": "RAW-APIKEY-ACCESS-7", "status": "200"}),
    ]
    logs.put(group, *lines, at_ms=now * 1000)
    client = boto3.client("logs", region_name=REGION, endpoint_url=moto_url)
    result = run_query(client, (group,), "fields @timestamp, @message | limit 100", now - 60, now + 60)
    assert isinstance(result, InsightsResult) and len(result.rows) == len(lines)
    dumped = json.dumps(result.as_dict())
    leaks = (*LEAKS, "FwoGZXIvYXdzQA6sessionLEAK0123", "RAW-APIKEY-ACCESS-7", "0123456789abcdef0123")
    assert [leak for leak in leaks if leak in dumped] == []


def test_a_query_field_named_like_a_credential_is_masked_whole(fake_aws: Path) -> None:
    client = boto3.client("logs", region_name=REGION)
    stub = Stubber(client)
    stub.add_response("start_query", {"queryId": "q-9"})
    row = [{"field": "apiKey", "value": "plainkey99"}, {"field": "principalId", "value": "alice"}]
    stub.add_response("get_query_results", {"status": "Complete", "results": [row]}, {"queryId": "q-9"})
    with stub:
        result = run_query(client, ("g",), "fields apiKey, principalId", 1, 2)
    assert isinstance(result, InsightsResult)
    values = dict(result.rows[0])
    assert "plainkey99" not in values["apiKey"] and values["principalId"] == "alice"


# --- #20 --user matches the user exactly ---------------------------------------------------------------------------


def _pattern(query: str) -> re.Pattern[str]:
    found = re.search(r"@message like /(.*)/", query)
    assert found is not None, query
    assert "(?<" not in found.group(1) and "(?=" not in found.group(1)  # Insights regexes have no look-around
    return re.compile(found.group(1).replace("\\/", "/"))


def test_execution_user_query_matches_the_user_exactly() -> None:
    query = build_query("execution", user="alice")
    assert 'like "alice"' not in query
    pattern = _pattern(query)
    assert pattern.search("(r) Endpoint request headers: {X-User-Id=alice, Host=h}")
    assert pattern.search('(r) Authorizer result body before parsing: {"principalId":"alice"}')
    assert not pattern.search("(r) Endpoint request headers: {X-User-Id=malice, Host=h}")
    assert not pattern.search("(r) Endpoint request headers: {X-User-Id=alice-sub-0001, Host=h}")
    dotted = _pattern(build_query("execution", user="a.b+c@x.test"))
    assert dotted.search("{X-User-Email=a.b+c@x.test}") and not dotted.search("{X-User-Email=aXb+c@x.test}")
