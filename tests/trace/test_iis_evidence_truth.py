"""What a trace says of IIS's log is true: a line it found is never "missing", the IIS hop says how the line was
matched (certain by correlation id, possible by time) and what its status means, and its sentences read cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from loopback import peer
from sandboxes import Sandboxes
from test_diag_log_match import FIELDS, HEADER, NO_ID_FIELD, line, no_wait
from test_diag_verdict import answering, hop, jwt, run, write_profile

from console.cli import main
from console.engine.diagnosis.ground_truth import iis_stage
from console.engine.iis.catalogue import describe
from console.engine.probes.record import IisTruth
from console.model.enums import HopName

NOT_FOUND_PAGE = b"<h2>404 - File or directory not found.</h2>"


@pytest.fixture(autouse=True)
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


def traced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], write: Any, *, status: int, head: str = FIELDS
) -> tuple[dict[str, Any], str]:
    """One trace through a peer answering as IIS that logs ``write(correlation id)``: (--json document, text)."""
    log = tmp_path / "u_ex261130.log"
    log.write_text(HEADER + head)
    body = NOT_FOUND_PAGE if status == 404 else b"ok"

    def iis(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(write(request.get("X-Correlation-Id", "-")))
        return status, [("Content-Type", "text/html"), ("Server", "Microsoft-IIS/10.0")], body

    with peer(answering(iis)) as port:
        profile = no_wait(write_profile(tmp_path, port, echo_path=None, log_path=str(log)))
        _code, doc = run(capsys, profile)
        main(["trace", "--profile", profile, "--no-color"])
    text = capsys.readouterr().out
    return doc, text


def test_a_log_line_found_by_id_is_never_listed_as_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc, text = traced(tmp_path, capsys, lambda cid: line(cid, user="-", status="404 0 2"), status=404)
    assert doc["iis"]["substatus"] == 0 and doc["iis"]["win32_status"] == 2  # the line was found and decoded
    missing = doc["verdict"]["missing_evidence"] or ""
    assert "W3C log line" not in missing and "substatus" not in missing, missing
    assert "W3C log line" not in text and "does not show the substatus" not in text, text


def test_the_iis_hop_says_how_the_line_was_matched_and_what_it_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, text = traced(tmp_path, capsys, lambda cid: line(cid, user="-", status="404 0 2"), status=404)
    title = describe(404, 0, 2).title
    said = [e for e in hop(doc, "iis")["evidence"] if "matched by correlation id" in e]
    assert said and "certain" in said[0] and "404.0.2" in said[0] and title in said[0], hop(doc, "iis")
    assert "ERROR_FILE_NOT_FOUND" in said[0]
    shown = [t for t in text.splitlines() if "matched by correlation id" in t]
    assert shown and "certain" in shown[0] and f"404.0.2 {title}" in shown[0], text


def test_a_time_window_guess_is_labelled_possible_in_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_id = NO_ID_FIELD

    def guessed(_cid: str) -> str:
        return line("", user="alice", status="200 0 0").rsplit(" ", 2)[0] + "\n"  # no header, no id fields

    doc, text = traced(tmp_path, capsys, guessed, status=200, head=no_id)
    said = [e for e in hop(doc, "iis")["evidence"] if "matched by time, method and path" in e]
    assert said and "possible" in said[0] and "200.0.0 OK" in said[0], hop(doc, "iis")
    shown = [t for t in text.splitlines() if "matched by time, method and path" in t and "possible" in t]
    assert shown, text


def test_sentences_are_joined_without_a_stray_full_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc, text = traced(tmp_path, capsys, lambda _cid: "", status=200)  # IIS answers, its log holds nothing
    summary = doc["verdict"]["summary"]
    assert "the IIS log did not settle it" in summary, summary
    assert ".;" not in summary and ".;" not in text, summary
    assert all(".;" not in f["detail"] for f in doc["findings"]), doc["findings"]


# -- ground truth: an integration timeout --------------------------------------------------------------------------


def test_ground_truth_never_says_iis_answered_none() -> None:
    still_working = IisTruth(True, (), (), "alice", "TrustedHeader", None, None, None)
    evidence = iis_stage(still_working).evidence
    assert not any("None" in e for e in evidence), evidence
    assert any("received" in e for e in evidence), evidence
    late = iis_stage(IisTruth(True, (), (), "alice", "TrustedHeader", 200, 0, None), timed_out=True).evidence
    assert "IIS answered 200" not in late and any("after the gateway stopped waiting" in e for e in late), late


def test_an_integration_timeout_says_iis_finished_after_the_gateway_stopped_waiting(sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace("integration-timeout")
    evidence = trace.hop(HopName.IIS).evidence
    assert not any(e.startswith("IIS answered") for e in evidence), evidence
    said = [e for e in evidence if "gateway stopped waiting" in e]
    assert said, evidence
    assert "None" not in said[0]
