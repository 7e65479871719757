"""[iis] log_path: the W3C line with this trace's correlation id confirms or refutes the identity, and is shown."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest
from loopback import peer
from test_diag_log_match import no_wait
from test_diag_verdict import Answer, answering, hop, jwt, run, write_profile

from console.engine.probes.iis_logs import LogQuery, search_logs

FIELDS = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id\n"
)
HEADER = "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"


def logging_iis(log: Path, user: str, status: str = "200 0 0") -> Answer:
    """IIS writing its W3C line for each request (cs-username ``user``), then answering a plain 200."""
    lock = threading.Lock()

    def answer(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        cid = request.get("X-Correlation-Id", "-")
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")  # IIS stamps lines in UTC
        line = f"{stamp} 10.0.0.1 GET /orders - 443 {user} 10.0.0.2 Amazon+API+Gateway {status} 5 {cid}\n"
        with lock, log.open("a", encoding="utf-8") as handle:
            handle.write(line)
        return 200, [("Content-Type", "text/plain"), ("Server", "Microsoft-IIS/10.0")], b"ok"

    return answer


@pytest.fixture
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


@pytest.mark.usefixtures("alice")
def test_the_log_line_confirms_the_caller(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + FIELDS)
    with peer(answering(logging_iis(log, "alice"))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log))))
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]
    iis = hop(doc, "iis")
    assert iis["status"] == "ok" and iis["identity"]["subject"] == "alice"
    assert any(doc["correlation_id"] in line and "Amazon+API+Gateway" in line for line in iis["evidence"]), iis


@pytest.mark.usefixtures("alice")
def test_the_log_line_refutes_another_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + FIELDS)
    with peer(answering(logging_iis(log, "mallory"))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log))))
    assert code == 1 and (doc["verdict"]["broken_at"], doc["verdict"]["finding"]) == ("iis", "iis.wrong_user")
    assert "mallory" in doc["verdict"]["summary"]


@pytest.mark.usefixtures("alice")
def test_a_line_without_a_fields_directive_is_shown_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "u_ex261130.log"
    log.write_text("")
    with peer(answering(logging_iis(log, "alice"))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log))))
    verdict = doc["verdict"]
    assert code == 1 and verdict["finding"] == "trace.identity_unconfirmed", verdict
    assert "#Fields" in verdict["summary"]
    assert "Configure [iis] echo_path" not in verdict["fix"] and str(log) in verdict["fix"]
    assert any(doc["correlation_id"] in line for line in hop(doc, "iis")["evidence"])


@pytest.mark.usefixtures("alice")
def test_a_missing_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + FIELDS + "2026-11-30 00:00:00 10.0.0.1 GET / - 443 bob 10.0.0.2 ua 200 0 0 5 other\n")
    with peer(answering(lambda _r: (200, [("Content-Type", "text/plain")], b"ok"))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log))))
    assert code == 1 and doc["verdict"]["finding"] == "trace.identity_unconfirmed"
    assert f"no line with {doc['correlation_id']}" in doc["verdict"]["summary"], doc["verdict"]


def test_fields_are_read_by_the_directive_in_force(tmp_path: Path) -> None:
    log = tmp_path / "ex.log"
    log.write_text(
        HEADER
        + "#Fields: date time cs-username sc-status X-Correlation-Id\n"
        + "2026-01-01 00:00:00 bob 200 c-0\n"
        + "#Fields: date time cs(User-Agent) cs-username sc-status sc-substatus X-User-Id X-Correlation-Id\n"
        + '2026-01-01 00:00:01 "Mozilla 5.0 (x)" CORP\\alice 401 2 - c-1\n'
    )
    found = search_logs(LogQuery("c-1"), str(log))
    assert len(found.by_id) == 1
    record = found.by_id[0]
    assert record.get("cs(User-Agent)") == "Mozilla 5.0 (x)"
    assert record.get("cs-username") == "CORP\\alice"
    assert record.get("x-user-id") == ""  # '-' is empty
    assert (record.number("sc-status"), record.number("sc-substatus")) == (401, 2)


def test_a_line_whose_values_do_not_match_its_fields_is_refused_and_says_why(tmp_path: Path) -> None:
    log = tmp_path / "ex.log"
    log.write_text(HEADER + "#Fields: date time cs-username\n2026-01-01 00:00:00 a b c-1\n")
    found = search_logs(LogQuery("c-1"), str(log))
    assert found.by_id == () and found.chosen is None
    assert "ex.log:4" in found.unreadable and "5 values" in found.unreadable and "names 3" in found.unreadable
