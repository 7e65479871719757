"""The W3C log confirms only through this request's own record: its correlation-id field, its time, one user."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from loopback import peer
from test_diag_verdict import Answer, answering, codes, echo, hop, jwt, run, write_profile

FIELDS = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken X-User-Id X-Correlation-Id\n"
)
NO_ID_FIELD = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken\n"
)
HEADER = "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"


def now() -> str:
    """IIS stamps its lines in UTC."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def line(
    cid: str,
    *,
    user: str = "alice",
    header: str = "alice",
    stem: str = "/orders",
    query: str = "-",
    agent: str = "Amazon+API+Gateway",
    referer: str = "-",
    status: str = "200 0 0",
    when: str | None = None,
) -> str:
    return (
        f"{when or now()} 10.0.0.1 GET {stem} {query} 443 {user} 10.0.0.2 {agent} {referer} {status} 5 {header} {cid}\n"
    )


def no_wait(profile: str) -> str:
    """The profile with ``[iis] log_wait = 0``: these logs are written before IIS answers, so waiting finds nothing."""
    path = Path(profile)
    path.write_text(path.read_text() + "log_wait = 0\n")
    return profile


def logging_iis(log: Path, write: Any) -> Answer:
    """IIS writing ``write(correlation id)`` to its W3C log for each request, then answering a plain 200."""
    lock = threading.Lock()

    def answer(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        with lock, log.open("a", encoding="utf-8") as handle:
            handle.write(write(request.get("X-Correlation-Id", "-")))
        return 200, [("Content-Type", "text/plain"), ("Server", "Microsoft-IIS/10.0")], b"ok"

    return answer


@pytest.fixture
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


def trace_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], write: Any, *extra: str, head: str = FIELDS, **kw: Any
) -> tuple[int, dict[str, Any]]:
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + head)
    with peer(answering(logging_iis(log, write))) as port:
        profile = no_wait(write_profile(tmp_path, port, echo_path=None, log_path=kw.pop("log_path", str(log)), **kw))
        return run(capsys, profile, *extra)


def not_ok(code: int, doc: dict[str, Any]) -> None:
    assert code == 1 and doc["verdict"]["ok"] is False, doc["verdict"]
    assert hop(doc, "iis")["status"] != "ok", hop(doc, "iis")


@pytest.mark.usefixtures("alice")
def test_the_id_in_another_requests_user_agent_confirms_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(tmp_path, capsys, lambda cid: line("-", stem="/other", agent=cid))
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed"


@pytest.mark.usefixtures("alice")
def test_the_id_in_another_requests_query_confirms_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = trace_log(tmp_path, capsys, lambda cid: line("-", stem="/search", query=f"q={cid}"))
    not_ok(code, doc)
    code, doc = trace_log(tmp_path, capsys, lambda cid: line("-", stem="/search", query=cid))
    not_ok(code, doc)


@pytest.mark.parametrize("short", ["5", "0", "alice"])
@pytest.mark.usefixtures("alice")
def test_a_short_id_equal_to_another_field_confirms_nothing(
    short: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # time-taken 5, sc-substatus 0, cs-username alice: none of them is the correlation-id field.
    code, doc = trace_log(tmp_path, capsys, lambda _cid: line("other-id"), "--header", f"X-Correlation-Id: {short}")
    not_ok(code, doc)


@pytest.mark.usefixtures("alice")
def test_a_line_dated_long_before_the_trace_is_not_this_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(
        tmp_path,
        capsys,
        lambda cid: line(cid, when="2024-01-01 00:00:00"),
        "--header",
        "X-Correlation-Id: qa-fixed-1",
    )
    not_ok(code, doc)
    assert "2024-01-01 00:00:00" in doc["verdict"]["summary"], doc["verdict"]


@pytest.mark.usefixtures("alice")
def test_a_log_without_a_correlation_id_field_cannot_confirm_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(
        tmp_path,
        capsys,
        lambda cid: f"{now()} 10.0.0.1 GET /orders {cid} 443 alice 10.0.0.2 ua - 200 0 0 5\n",
        head=NO_ID_FIELD,
    )
    not_ok(code, doc)
    assert "X-Correlation-Id" in doc["verdict"]["summary"] and "field" in doc["verdict"]["summary"]
    assert "custom field" in doc["verdict"]["fix"], doc["verdict"]


@pytest.mark.parametrize("order", [("mallory", "alice"), ("alice", "mallory")])
@pytest.mark.usefixtures("alice")
def test_two_lines_for_one_id_naming_different_users_are_ambiguous_in_either_order(
    order: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = order
    code, doc = trace_log(
        tmp_path, capsys, lambda cid: line(cid, user=first, header=first) + line(cid, user=second, header=second)
    )
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "iis.identity_ambiguous", doc["verdict"]
    assert "mallory" in doc["verdict"]["summary"] and "alice" in doc["verdict"]["summary"]


@pytest.mark.usefixtures("alice")
def test_two_lines_that_agree_still_confirm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = trace_log(tmp_path, capsys, lambda cid: line(cid) + line(cid))
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]


@pytest.mark.usefixtures("alice")
def test_the_requests_line_is_found_before_a_later_line_quoting_the_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(
        tmp_path, capsys, lambda cid: line(cid) + line("-", stem="/x", referer=f"http://a/?c={cid}", user="bob")
    )
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]
    assert hop(doc, "iis")["identity"]["subject"] == "alice"


@pytest.mark.usefixtures("alice")
def test_log_path_may_be_a_directory_of_daily_logs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "W3SVC1"
    folder.mkdir()
    old = folder / "u_ex261129.log"
    old.write_text(HEADER + FIELDS + line("x", when="2026-11-29 23:00:00"))
    os.utime(old, (1, 1))
    (folder / "notes.txt").write_text("not a log")
    log = folder / "u_ex261130.log"
    log.write_text(HEADER + FIELDS)
    with peer(answering(logging_iis(log, line))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(folder))))
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]
    assert any(str(log) in e for e in hop(doc, "iis")["evidence"]), hop(doc, "iis")


@pytest.mark.usefixtures("alice")
def test_the_echo_and_the_log_disagreeing_is_not_ok_and_names_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + FIELDS)

    def answer(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        cid = request["X-Correlation-Id"]
        with log.open("a", encoding="utf-8") as handle:
            handle.write(line(cid, user="mallory", header="mallory"))
        return echo(lambda _r: {"headers": {"X-User-Id": "alice", "X-Correlation-Id": cid}, "user": "alice"})(request)

    with peer(answering(answer)) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, log_path=str(log))))
    not_ok(code, doc)
    summary = doc["verdict"]["summary"]
    assert "mallory" in summary and "alice" in summary and "log" in summary and "echo" in summary, summary


@pytest.mark.usefixtures("alice")
def test_a_logged_identity_header_without_cs_username_does_not_show_who_iis_resolved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(tmp_path, capsys, lambda cid: line(cid, user="-", header="alice"))
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed", doc["verdict"]
    assert "X-User-Id: alice" in doc["verdict"]["summary"], doc["verdict"]


@pytest.mark.usefixtures("alice")
def test_the_logged_401_2_is_the_verdict_and_the_fix_does_not_ask_for_log_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = trace_log(tmp_path, capsys, lambda cid: line(cid, user="-", header="alice", status="401 2 5"))
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "iis.no_auth_method", doc["verdict"]
    assert "401.2" in doc["verdict"]["summary"]
    assert "log_path" not in doc["verdict"]["fix"], doc["verdict"]
    assert "iis.no_auth_method" in codes(doc)
