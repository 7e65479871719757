"""A trace finds its IIS line: by correlation id, else by time, method and path (a guess that never gives a ✓),
in HTTPERR when http.sys refused it, and keeps looking while IIS has not written it yet."""

from __future__ import annotations

import datetime
import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from loopback import peer
from test_diag_log_match import no_wait
from test_diag_verdict import answering, hop, jwt, run, write_profile
from test_tracebook import finished, started

from console.config import load_profile
from console.engine.probes.iis_line import LOOKING, decoded
from console.engine.probes.iis_logs import LogQuery, search_logs
from console.engine.trace import TraceCancelled
from console.engine.tracebook import TraceBook
from console.model.enums import Confidence, HopName, HopStatus
from console.model.trace import HopObservation, HopObserved, TraceFinished, TraceRequest
from console.model.views import IisLogLine
from console.session import Session

HEADER = "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-05-17 00:00:00\n"
FIELDS = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "sc-status sc-substatus sc-win32-status time-taken {id}\n"
)
NO_ID = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "sc-status sc-substatus sc-win32-status time-taken\n"
)
HTTPERR = (
    "#Software: Microsoft HTTP API 2.0\n#Version: 1.0\n#Date: 2026-05-17 00:00:00\n"
    "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\n"
)


def stamp(epoch: float | None = None) -> str:
    """IIS writes UTC."""
    moment = datetime.datetime.fromtimestamp(epoch if epoch is not None else time.time(), datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def w3c(
    cid: str = "-",
    *,
    user: str = "alice",
    stem: str = "/orders",
    method: str = "GET",
    when: str = "",
    agent: str = "Amazon+API+Gateway",
    status: str = "200 0 0",
    query: str = "-",
) -> str:
    tail = f" {cid}" if cid else ""
    return f"{when or stamp()} 10.0.0.1 {method} {stem} {query} 443 {user} 10.0.0.2 {agent} {status} 15{tail}\n"


def query(cid: str = "c-42", **kw: Any) -> LogQuery:
    now = time.time()
    base: dict[str, Any] = {"sent_at": now - 1, "finished_at": now, "method": "GET", "path": "/dev/orders"}
    return LogQuery(cid, **{**base, **kw})


@pytest.fixture
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


# -- by correlation id --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["X-Correlation-Id", "cs(X-Correlation-Id)"])
def test_the_line_is_found_by_the_exact_value_of_its_correlation_id_field(tmp_path: Path, field: str) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id=field) + w3c("c-41", user="bob") + w3c("c-42") + w3c("c-420"))
    found = search_logs(query(), str(log))
    assert [r.line for r in found.by_id] == [6]
    assert found.confidence is Confidence.CERTAIN and found.reason() == "matched by correlation id"
    assert found.candidates == ()  # an id hit is never mixed with guesses
    shown = decoded(found.by_id[0], found, "X-Correlation-Id")
    assert "(certain: matched by correlation id): 200.0.0 OK" in shown["summary"], shown["summary"]


def test_the_profiles_correlation_header_names_the_field(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="cs(X-Request-Id)") + w3c("r-1"))
    assert search_logs(query("r-1", header="X-Request-Id"), str(log)).by_id
    assert not search_logs(query("r-1"), str(log)).by_id


def test_an_id_only_inside_another_field_is_not_a_match(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="X-Correlation-Id") + w3c("-", stem="/search", agent="c-42", user="bob"))
    found = search_logs(query(), str(log))
    assert found.by_id == ()
    assert "c-42 is in the cs(User-Agent) field" in found.elsewhere and "u_ex260517.log:5" in found.elsewhere
    assert found.candidates == ()  # /search is not the path sent


# -- by time, method and path -----------------------------------------------------------------------------------


def test_without_an_id_field_the_line_is_guessed_by_time_method_and_path(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    old = stamp(time.time() - 3600)
    log.write_text(
        HEADER + NO_ID + w3c("", when=old) + w3c("", method="POST") + w3c("", stem="/other") + w3c("", stem="/orders")
    )
    found = search_logs(query(), str(log), wait=5)  # a guess where no id can ever be logged: nothing to wait for
    assert found.waited < 4
    assert [r.line for r in found.candidates] == [8] and found.id_field is False
    assert found.confidence is Confidence.POSSIBLE
    assert found.reason() == "matched by time, method and path: 1 candidate, none tied by correlation id"
    shown = decoded(found.candidates[0], found, "X-Correlation-Id")
    assert shown["confidence"] == "possible" and shown["where"].endswith("u_ex260517.log:8")


def test_two_candidates_are_said(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + NO_ID + w3c("", user="bob") + w3c(""))
    found = search_logs(query(), str(log))
    assert len(found.candidates) == 2 and "2 candidates" in found.reason()


@pytest.mark.usefixtures("alice")
def test_a_guessed_line_naming_the_caller_never_gives_a_tick(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + NO_ID)

    def iis(_request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(w3c("", user="alice"))  # the caller, at the right time, method and path: still a guess
        return 200, [("Content-Type", "text/plain"), ("Server", "Microsoft-IIS/10.0")], b"ok"

    with peer(answering(iis)) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log))))
    assert code == 1 and doc["verdict"]["ok"] is False and doc["verdict"]["finding"] == "trace.identity_unconfirmed"
    assert hop(doc, "iis")["status"] != "ok"
    assert "matched by time, method and path: 1 candidate" in doc["verdict"]["summary"], doc["verdict"]


# -- HTTPERR ---------------------------------------------------------------------------------------------------


def test_a_request_refused_by_http_sys_is_found_in_httperr_with_its_reason_decoded(tmp_path: Path) -> None:
    site = tmp_path / "W3SVC1"
    site.mkdir()
    (site / "u_ex260517.log").write_text(HEADER + FIELDS.format(id="X-Correlation-Id"))
    errors = tmp_path / "HTTPERR"
    errors.mkdir()
    (errors / "httperr1.log").write_text(
        HTTPERR + f"{stamp()} 10.0.0.2 50123 10.0.0.1 443 HTTP/1.1 GET /orders 400 - FieldLength -\n"
    )
    found = search_logs(query(), str(site), str(errors), wait=5)
    assert found.waited < 4 and len(found.httperr) == 1
    shown = decoded(found.httperr[0], found, "X-Correlation-Id")
    assert shown["kind"] == "HTTPERR" and ["reason", "FieldLength"] in shown["fields"]
    assert "header" in shown["meaning"].lower(), shown["meaning"]
    # The trace's short line says it is a guess from HTTPERR, and what http.sys's reason means.
    assert shown["summary"].startswith("HTTPERR line ") and "(possible: HTTPERR matched by time" in shown["summary"]
    assert "400 FieldLength: " in shown["summary"], shown["summary"]
    assert found.reason() == "HTTPERR matched by time, method and path: 1 candidate, none tied by correlation id"


# -- waiting for a line IIS has not written yet -------------------------------------------------------------------


def test_a_line_written_during_the_wait_is_found(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="X-Correlation-Id"))
    looking: list[str] = []

    def flush() -> None:
        time.sleep(0.3)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(w3c("c-42"))

    writer = threading.Thread(target=flush)
    writer.start()
    found = search_logs(query(), str(log), wait=10, waiting=lambda: looking.append("looking"))
    writer.join()
    assert [r.line for r in found.by_id] == [5] and looking == ["looking"]
    assert found.waited < 9


def test_nothing_found_says_iis_buffers_its_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="X-Correlation-Id"))
    with peer(answering(lambda _r: (200, [("Content-Type", "text/plain")], b"ok"))) as port:
        code, doc = run(capsys, no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log), auth="none")))
    summary = doc["verdict"]["summary"]
    assert code == 1 and "no line with" in summary and "asynchronously" in summary and "netsh http flush" in summary


def test_cancel_during_the_wait_stops_the_trace_at_once(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="X-Correlation-Id"))
    with peer(answering(lambda _r: (200, [("Content-Type", "text/plain")], b"ok"))) as port:
        path = Path(write_profile(tmp_path, port, echo_path=None, log_path=str(log), auth="none"))
        path.write_text(path.read_text() + "log_wait = 60\n")
        session = Session(load_profile(str(path)), timeout=30)
        cancel = threading.Event()
        events: list[object] = []

        def on_event(event: object) -> None:
            events.append(event)
            if isinstance(event, HopObserved) and event.observation is LOOKING:
                threading.Timer(0.2, cancel.set).start()

        before = threading.active_count()
        started = time.monotonic()
        with pytest.raises(TraceCancelled):
            session.trace(TraceRequest(), on_event, cancel)
        elapsed = time.monotonic() - started
        session.close()
    assert elapsed < 10  # the wait was 60 s: only the cancel ended it
    assert any(isinstance(e, HopObserved) and e.observation is LOOKING for e in events)
    time.sleep(0.1)
    assert threading.active_count() <= before  # no worker left polling the log


# -- locations -----------------------------------------------------------------------------------------------------


def test_a_folder_is_read_newest_file_first_including_custom_field_files(tmp_path: Path) -> None:
    old = tmp_path / "u_ex260516.log"
    old.write_text(
        HEADER + FIELDS.format(id="X-Correlation-Id") + w3c("c-42", user="mallory", when="2026-05-16 10:00:00")
    )
    os.utime(old, (1, 1))
    new = tmp_path / "u_ex260517_x.log"
    new.write_text(HEADER + FIELDS.format(id="X-Correlation-Id") + w3c("c-42"))
    found = search_logs(query(), str(tmp_path))
    assert found.searched[0].endswith("u_ex260517_x.log")
    assert found.chosen is not None and found.chosen.source.endswith("u_ex260517_x.log")


def test_a_glob_names_the_logs(tmp_path: Path) -> None:
    (tmp_path / "u_ex260517.log").write_text(HEADER + FIELDS.format(id="X-Correlation-Id") + w3c("c-42"))
    assert search_logs(query(), str(tmp_path / "u_ex*.log")).by_id
    nothing = search_logs(query(), str(tmp_path / "nope*.log"), wait=5)
    assert nothing.waited < 4 and "no file matches" in nothing.problem and "nope*.log" in nothing.problem


def test_a_missing_log_path_is_named(tmp_path: Path) -> None:
    found = search_logs(query(), str(tmp_path / "missing.log"))
    assert "missing.log" in found.problem and "no such file" in found.problem


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_log_is_named(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER)
    log.chmod(0)
    try:
        found = search_logs(query(), str(log))
    finally:
        log.chmod(0o644)
    assert "permission denied" in found.problem and "u_ex260517.log" in found.problem


# -- the IIS pane's line ------------------------------------------------------------------------------------


def test_the_book_builds_the_pane_line_from_the_iis_log_observation() -> None:
    data = {
        "kind": "W3C",
        "where": "u_ex.log:3",
        "confidence": "possible",
        "reason": "matched by time, method and path: 1 candidate",
        "fields": [["status", "200.0.0"]],
        "meaning": "OK",
    }
    trace = finished()
    seen = HopObservation(HopName.IIS, "iis-log", HopStatus.UNKNOWN, data={"log": data})
    hops = tuple(replace(h, observations=(seen,)) if h.name is HopName.IIS else h for h in trace.hops)
    book = TraceBook()
    book.apply(started())
    assert book.iis_view() is not None and book.iis_view().log is None  # type: ignore[union-attr]
    book.apply(TraceFinished(replace(trace, hops=hops)))
    view = book.iis_view()
    assert view is not None and view.log is not None
    assert view.log.confidence is Confidence.POSSIBLE and view.log.fields == (("status", "200.0.0"),)
    assert view.log.where == "u_ex.log:3"
    assert IisLogLine.of({"confidence": "sure"}) is None and IisLogLine.of("x") is None


def test_a_request_the_authorizer_refused_does_not_wait_for_an_iis_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER + FIELDS.format(id="X-Correlation-Id"))
    refused = (
        401,
        [("Content-Type", "application/json"), ("x-amzn-ErrorType", "UnauthorizedException")],
        b'{"message":"Unauthorized"}',
    )
    with peer(answering(lambda _r: refused)) as port:
        path = Path(write_profile(tmp_path, port, echo_path=None, log_path=str(log), auth="none"))
        path.write_text(path.read_text() + "log_wait = 30\n")
        started = time.monotonic()
        code, _doc = run(capsys, str(path))
    assert code == 1 and time.monotonic() - started < 20  # the gateway answered: IIS has no line to wait for
