"""The IIS pane says what is true of the trace's IIS log and of IIS's answer: no log configured, a configured
location naming nothing (quoted), searched but no line yet (IIS buffers its log), or the line; never a bare 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import peer
from sandboxes import Sandboxes
from test_diag_log_match import no_wait
from test_diag_verdict import answering, jwt, write_profile

from console.config import load_profile
from console.config.secrets import resolve_secret
from console.engine.trace import run_trace
from console.engine.tracebook import TraceBook
from console.model.trace import TraceRequest
from console.model.views import IisView
from console.session import Session
from widgets.iis_panel import view_content

IIS_200 = (200, [("Content-Type", "text/plain"), ("Server", "Microsoft-IIS/10.0")], b"ok")
HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-05-17 00:00:00\n"
    "#Fields: date time cs-method cs-uri-stem cs-username sc-status sc-substatus sc-win32-status X-Correlation-Id\n"
)
OLD_WORDING = "no [iis] log_path in the profile, or no line"


@pytest.fixture(autouse=True)
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


def pane(tmp_path: Path, log_path: str | None) -> str:
    """Trace once through a peer that answers as IIS; the book's IIS view and the pane's text."""
    with peer(answering(lambda _r: IIS_200)) as port:
        profile = write_profile(tmp_path, port, echo_path=None, log_path=log_path)
        session = Session(load_profile(no_wait(profile) if log_path else profile), timeout=10)
        book = TraceBook()
        try:
            session.trace(TraceRequest(), book.record)
        finally:
            session.close()
    view = book.iis_view()
    assert view is not None and view.status is not None and view.log is None and view.log_note
    return view_content(view).plain


def test_a_configured_log_path_that_names_nothing_is_quoted(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope" / "u_ex999999.log")
    text = pane(tmp_path, missing)
    assert f'"{missing}"' in text and "no such file or folder" in text, text
    assert "[iis] log_path" in text and OLD_WORDING not in text
    assert "names no [iis] log_path" not in text  # the profile has one


def test_no_log_configured_says_so(tmp_path: Path) -> None:
    text = pane(tmp_path, None)
    assert "the profile names no [iis] log_path" in text, text
    assert OLD_WORDING not in text


def test_a_searched_log_without_the_line_says_iis_buffers_it(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER)
    text = pane(tmp_path, str(log))
    assert "no line with" in text and str(log) in text and "netsh http flush logbuffer" in text, text
    assert "names no [iis] log_path" not in text and "names nothing" not in text


def test_a_folder_with_no_logs_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "W3SVC9"
    empty.mkdir()
    text = pane(tmp_path, str(empty))
    assert f'"{empty}"' in text and "names no [iis] log_path" not in text, text


def test_a_location_with_a_colon_space_that_names_nothing_is_quoted_whole(tmp_path: Path) -> None:
    odd = tmp_path / "logs: old"
    odd.mkdir()
    missing = str(odd / "u_ex999999.log")
    text = pane(tmp_path, missing)
    assert f'"{missing}"' in text and "names nothing readable" in text and "no such file or folder" in text, text


def test_a_searched_log_with_a_colon_space_in_its_path_says_iis_buffers_it(tmp_path: Path) -> None:
    odd = tmp_path / "W3SVC1: site"
    odd.mkdir()
    log = odd / "u_ex260517.log"
    log.write_text(HEADER)
    text = pane(tmp_path, str(log))
    assert "none yet: no line with" in text and str(log) in text and "netsh http flush logbuffer" in text, text
    assert "none tied" not in text


def test_a_log_without_the_correlation_field_says_no_line_can_be_tied(tmp_path: Path) -> None:
    log = tmp_path / "u_ex260517.log"
    log.write_text(HEADER.replace(" X-Correlation-Id", "") + "2026-05-17 00:00:01 GET /other - 200 0 0\n")
    text = pane(tmp_path, str(log))
    assert f'none tied to this request in "{log}"' in text and "has no X-Correlation-Id field" in text, text


@pytest.fixture(scope="module")
def timed_out(sandboxes: Sandboxes) -> IisView:
    book = TraceBook()
    target = sandboxes.target("integration-timeout")
    run_trace(target, TraceRequest(), book.record, resolve=resolve_secret, client=sandboxes.client)
    view = book.iis_view()
    assert view is not None
    return view


def test_an_integration_timeout_is_a_sentence_never_a_bare_zero(timed_out: IisView) -> None:
    text = view_content(timed_out).plain
    first = text.splitlines()[0]
    assert "! 0" not in text and "server  unknown" not in text and not first.rstrip().endswith(" 0"), text
    assert "no answer reached the gateway within its integration timeout" in first, first
    assert "IIS's log says it finished later: 200" in first and "the client had gone" in first, first
    assert "200.0.64" in text  # the decoded line is still shown below
