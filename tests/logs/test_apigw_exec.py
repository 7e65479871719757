"""The execution-log parser: authorizer, headers sent to IIS (the second line when two), truncation, errors, masking,
and every message kept. Fixtures are written here; the public samples are only read (conformance test at the end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.engine.logs.apigw_exec import parse_execution_log, parse_execution_text
from console.engine.logs.apigw_headers import parse_header_map
from console.engine.logs.apigw_lines import group_messages
from tests.aws.motokit_logs import CORRELATION, RID, execution_lines, fake_jwt

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "logs" / "apigw"


def test_a_lambda_authorized_request_yields_authorizer_decision_and_the_headers_iis_was_sent() -> None:
    timed = [f"2026-06-02T10:00:00.{100 + i * 7:03d}Z {line}" for i, line in enumerate(execution_lines())]
    log = parse_execution_log(timed, RID)
    assert (log.request_id, log.status, log.http_method, log.resource_path) == (RID, 200, "GET", "/orders/42")
    assert log.extended_request_id == "QkF0b25FeHQ="
    auth = log.authorizer
    assert auth is not None
    assert (auth.authorizer_id, auth.invoked, auth.outcome, auth.cache_hit) == ("ab12cd", True, "allowed", False)
    assert auth.principal == "alice"
    assert auth.latency_ms == 35  # "Starting authorizer" at .107, "Using valid authorizer policy" at .142
    assert auth.policy is not None and '"Effect": "Allow"' in auth.policy
    assert dict(auth.context)["email"] == "alice@example.test"
    assert auth.endpoint_headers is not None and auth.endpoint_headers.get("User-Agent") == "AmazonAPIGateway_abc123"
    # the integration's headers, not the authorizer Lambda's
    assert log.endpoint_headers is not None
    assert log.endpoint_headers.get("x-user-email") == "alice@example.test"
    assert log.endpoint_headers.get("Date") == "Tue, 02 Jun 2026 10:00:00 GMT"  # ", " inside a value
    assert log.endpoint_uri == "https://iis.example.test/orders/42"
    assert (log.endpoint_status, log.integration_latency_ms) == (200, 12)
    assert log.understood == len(log.lines) and not log.unparsed


def test_without_timestamps_the_decision_is_still_read_from_the_lines() -> None:
    log = parse_execution_log(execution_lines())  # CloudWatch events: "(requestId) message", no timestamp
    assert log.authorizer is not None
    assert (log.authorizer.outcome, log.authorizer.latency_ms) == ("allowed", None)


def test_with_two_endpoint_header_lines_and_no_phase_lines_the_second_is_the_integrations() -> None:
    log = parse_execution_log(
        [
            "Endpoint request headers: {Authorization=****abcdef, User-Agent=AmazonAPIGateway_x}",
            "Endpoint request headers: {X-User-Id=alice, Host=iis.example.test}",
            "Method completed with status: 200",
        ]
    )
    assert log.endpoint_headers is not None
    assert log.endpoint_headers.names() == ("X-User-Id", "Host")


def test_a_truncated_header_line_keeps_the_headers_before_the_cut_and_says_where_it_was_cut() -> None:
    dump = parse_header_map(
        "{X-User-Id=alice, Date=Tue, 02 Jun 2026 10:00:00 GMT, X-Amz-Security-Token=FQoGZXIvYXdzEBaton0123 [TRUNCATED]"
    )
    assert dump.truncated and dump.cut_at == "X-Amz-Security-Token"
    assert dump.get("X-User-Id") == "alice" and dump.get("date") == "Tue, 02 Jun 2026 10:00:00 GMT"
    assert "FQoGZXIvYXdzEBaton0123" not in str(dump)
    cut_in_name = parse_header_map("{X-User-Id=alice, X-Amz- [TRUNCATED]")
    assert cut_in_name.names() == ("X-User-Id",) and cut_in_name.tail == "X-Amz-"
    unclosed = parse_header_map("{X-User-Id=alice, Accept=appl")
    assert unclosed.truncated and unclosed.get("Accept") == "appl"


def test_credentials_in_logged_headers_and_bodies_are_masked() -> None:
    token = fake_jwt()
    log = parse_execution_log(execution_lines())
    everything = repr(log)
    assert token not in everything and token.split(".")[2] not in everything
    assert "c0ffee" not in everything and "qrstuv" not in everything  # API Gateway's own masked tails
    assert "ctx-secret-value-123456" not in everything  # an authorizer context value under a secret-like key
    assert log.method_request_headers is not None
    shown = log.method_request_headers.get("Authorization")
    assert shown is not None and shown.startswith("Bearer <redacted JWT")
    assert log.method_request_headers.get("X-Correlation-Id") == CORRELATION


def test_lines_not_understood_are_kept_and_counted_never_dropped() -> None:
    log = parse_execution_log(
        [f"({RID}) Starting execution for request: {RID}", f"({RID}) Some wording AWS adds next year", "\x1b[31mred"]
    )
    assert len(log.lines) == 3 and log.understood == 1
    assert [line.text for line in log.unparsed] == ["Some wording AWS adds next year", "\x1b[31mred"]
    assert not log.complete


@pytest.mark.parametrize(
    ("lines", "outcome", "errors", "status"),
    [
        (
            [
                "Endpoint request body after transformations: {}",
                "Execution failed due to a timeout error",
                "Method completed with status: 504",
            ],
            None,
            ("Execution failed due to a timeout error",),
            504,
        ),
        (
            [
                "Starting authorizer: zz99 for request: r-1",
                "Execution failed due to configuration error: Authorizer error",
                "AuthorizerConfigurationException",
                "Method completed with status: 500",
            ],
            "error",
            ("Execution failed due to configuration error: Authorizer error", "AuthorizerConfigurationException"),
            500,
        ),
        (["Unauthorized request: r-2", "Unauthorized", "Method completed with status: 401"], "unauthorized", (), 401),
    ],
)
def test_errors_and_the_authorizer_outcome_are_read(
    lines: list[str], outcome: str | None, errors: tuple[str, ...], status: int
) -> None:
    log = parse_execution_log(lines)
    assert log.errors == errors and log.status == status
    assert (log.authorizer.outcome if log.authorizer else None) == outcome
    if outcome == "unauthorized":
        assert log.authorizer is not None and log.authorizer.cache_hit is None  # a missing token is not a cache hit


def test_a_capture_file_groups_wrapped_maps_and_bodies_and_splits_requests() -> None:
    text = "\n".join(
        [
            "Execution log for request test-one",
            "Tue Jun 02 10:00:00 UTC 2026 : Starting execution for request: test-one",
            "Tue Jun 02 10:00:00 UTC 2026 : Endpoint request headers: {X-User-Id=alice, ",
            "Host=iis.example.test}",
            "Tue Jun 02 10:00:00 UTC 2026 : Endpoint request body after transformations: {",
            '  "user": "alice"',
            "}",
            "Tue Jun 02 10:00:00 UTC 2026 : Method completed with status: 200",
            "2026-06-02T10:00:01.000Z (other-2) Starting execution for request: other-2",
            "2026-06-02T10:00:01.000Z (other-2) Method completed with status: 403",
        ]
    )
    assert len(list(group_messages(text.splitlines()))) == 7
    first, second = parse_execution_text(text)
    assert first.endpoint_headers is not None and first.endpoint_headers.names() == ("X-User-Id", "Host")
    assert (first.status, second.request_id, second.status) == (200, "other-2", 403)
    assert first.understood == len(first.lines)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="public samples not present")
def test_every_public_sample_parses_and_every_message_is_kept() -> None:
    for path in sorted(p for p in SAMPLES.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        messages = list(group_messages(text.splitlines()))
        logs = parse_execution_text(text)
        assert sum(len(log.lines) for log in logs) == len(messages), path.name
