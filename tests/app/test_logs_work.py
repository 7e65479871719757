"""The Logs view's search words become the CLI's own Query: the profile's correlation field and the join's user."""

from __future__ import annotations

from pathlib import Path

from console.app.logs_work import matcher
from console.engine.logs.model import LogRecord, Schema
from console.engine.logs.view_model import Criteria

SCHEMA = Schema.of(("cs-method", "cs-username", "X-User-Sub", "X-Request-Id", "X-Correlation-Id"))


def line(*values: str) -> LogRecord:
    return LogRecord("u_ex260101_x.log", 5, 0, SCHEMA, values)


def test_a_bare_id_is_looked_for_in_the_profiles_correlation_field() -> None:
    record = line("GET", "-", "3cf7", "req-1", "other")
    assert matcher(Criteria(correlation_id="req-1"), "X-Request-Id")(record)
    assert not matcher(Criteria(correlation_id="req-1"))(record)  # default field: X-Correlation-Id


def test_an_id_equal_to_another_field_is_not_a_match() -> None:
    assert not matcher(Criteria(correlation_id="GET"))(line("GET", "-", "3cf7", "req-1", "corr-1"))


def test_user_is_the_caller_the_join_uses_matched_exactly() -> None:
    sandbox = line("GET", "-", "3cf7", "req-1", "corr-1")
    assert matcher(Criteria(user="3CF7"))(sandbox)
    stranger = line("GET", "FABRIKAM\\alice", "-", "req-2", "corr-2")
    assert not matcher(Criteria(user="alice"))(stranger)
    assert matcher(Criteria(user="*\\alice"))(stranger)


def test_the_join_summary_knows_iis_lines_no_request_could_be_judged_against(tmp_path: Path) -> None:
    # An IIS log without the correlation field: the pane must not say "every IIS request came through the gateway".
    from console.app.logs_work import join
    from console.engine.logs.view_model import LogPaths

    iis = tmp_path / "u_ex260517.log"
    iis.write_text(
        "#Fields: date time cs-method cs-uri-stem cs-username sc-status sc-substatus sc-win32-status\n"
        "2026-05-17 10:01:00 GET /orders alice 200 0 0\n"
    )
    gateway = tmp_path / "access.log"
    gateway.write_text(
        '{"requestId":"r1","status":"200","httpMethod":"GET","path":"/orders","integrationStatus":"200"}\n'
    )
    result = join(LogPaths("p", str(iis), None, str(gateway)))
    assert result.counts.get("iis_not_joinable") == 1
    assert result.counts.get("bypassed", 0) == 0
