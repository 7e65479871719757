"""QA6 defects of `baton aws logs` and `baton aws query` seen from the command line (moto): JSON error documents
(#15), the search window (#10), correlation-id records (#11), shared request ids (#12), the progress line (#17),
masked query rows (#8) and readable output (#19)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from console.cli import main
from console.commands.aws_logs import PollLine
from console.model.gateway_log import PollProgress
from tests.aws.motokit import MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import MotoLogs, logs_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

RID = "71000000-aaaa-4bbb-8ccc-000000000071"
OTHER = "0f000000-aaaa-4bbb-8ccc-0000000000f0"


def _lines(rid: str, user: str, ext: str) -> list[str]:
    body = [
        f"Extended Request Id: {ext}",
        f"Starting execution for request: {rid}",
        "Endpoint request URI: https://iis.example.test/orders/42?access_token=CLI-URI-TOKEN-1",
        f"Endpoint request headers: {{X-User-Id={user}, x-api-key=CLI-RAW-APIKEY-2, Host=iis.example.test}}",
        "Method completed with status: 200",
    ]
    return [f"({rid}) {line}" for line in body]


def _setup(moto_url: str, folder: Path) -> tuple[Path, MotoLogs, str, str]:
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    exec_group = logs.group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    access_group = logs.group(f"/qa6cli/access/{api.api_id}")
    profile = logs_profile(folder, moto_url, api_id=api.api_id, access_log_group=access_group, log_wait=0)
    return profile, logs, exec_group, access_group


# --- #15 --json prints a JSON error document ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["aws", "logs", RID, "--profile", "/nonexistent/qa6.toml", "--json"],
        ["aws", "logs", 'x" OR "', "--profile", "/nonexistent/qa6.toml", "--json"],
        ["aws", "query", "--status", "500", "--profile", "/nonexistent/qa6.toml", "--json"],
    ],
)
def test_json_failures_print_an_error_document_and_one_stderr_line(
    fake_aws: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["error"] and document["exit_code"] == 2 and document["kind"]
    assert len(out.err.strip().splitlines()) == 1 and out.err.startswith("baton: ")


def test_query_json_against_an_unreachable_endpoint_is_an_error_document(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = logs_profile(fake_aws, closed_port_url, api_id="abc123")
    assert main(["aws", "query", "--profile", str(profile), "--status", "500", "--json", "--wait", "5"]) == 2
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert "cannot reach" in document["error"] and document["kind"] == "unreachable"
    assert out.err.startswith("baton: ") and "cannot reach" in out.err


def test_logs_json_against_an_unreachable_endpoint_is_an_error_document(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = logs_profile(fake_aws, closed_port_url, api_id="abc123", access_log_group="/x")
    assert main(["aws", "logs", RID, "--profile", str(profile), "--json", "--wait", "0"]) == 2
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert "cannot reach" in document["error"] and document["kind"] == "unreachable" and document["exit_code"] == 2
    assert out.err.startswith("baton: ") and "cannot reach" in out.err
    assert "check [aws] endpoint_url" in out.err  # the same hint as whoami and inspect (QA6 #18)


@pytest.mark.parametrize("verb", ["logs", "query"])
def test_help_documents_the_json_error_document(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["aws", verb, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert '"error"' in text and '"exit_code"' in text


# --- #10 window ----------------------------------------------------------------------------------------------------


def test_logs_default_window_and_since(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile, logs, exec_group, _ = _setup(moto_url, fake_aws)
    logs.put(exec_group, *_lines(RID, "alice", "RXhUQQ=="), at_ms=int((time.time() - 2 * 3600) * 1000))
    assert main(["aws", "logs", RID, "--profile", str(profile)]) == 1
    err = capsys.readouterr().err
    assert "last 1 h" in err and "--since" in err
    assert main(["aws", "logs", RID, "--profile", str(profile), "--since", "3h"]) == 0
    assert "X-User-Id: alice" in capsys.readouterr().out


# --- #11 / #12 ------------------------------------------------------------------------------------------------------


def test_a_correlation_match_of_another_request_is_labelled_and_exits_1(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, logs, _exec, access_group = _setup(moto_url, fake_aws)
    record = {"requestId": OTHER, "status": "200", "principalId": "mallory", "correlationId": RID}
    logs.put(access_group, json.dumps(record))
    assert main(["aws", "logs", RID, "--correlation-id", RID, "--profile", str(profile)]) == 1
    err = capsys.readouterr().err
    assert OTHER in err and "correlation" in err


def test_a_shared_request_id_shows_both_executions_and_exits_1(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, logs, exec_group, _ = _setup(moto_url, fake_aws)
    logs.put(exec_group, *_lines(RID, "alice-sub", "RVhUMA=="), *_lines(RID, "mallory", "RVhUMQ=="))
    assert main(["aws", "logs", RID, "--profile", str(profile)]) == 1
    out = capsys.readouterr().out
    assert "X-User-Id: alice-sub" in out and "X-User-Id: mallory" in out
    assert "2 executions" in out
    assert "CLI-RAW-APIKEY-2" not in out and "CLI-URI-TOKEN-1" not in out  # #9


# --- #17 progress line ----------------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_fits_80_columns_and_redraws_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = _Tty()
    line = PollLine(out)
    waiting = "execution log in API-Gateway-Execution-Logs_vqt670sp89/staging and access-log record in /a/b/c/d"
    for attempt in (1, 2, 3):
        line(PollProgress(attempt, attempt * 2.0, waiting, 30.0))
    line.close()
    draws = out.getvalue().split("\r")[1:]
    assert len(draws) >= 3
    for draw in draws[:3]:
        assert draw.endswith("\x1b[K")
        assert len(draw.removesuffix("\x1b[K")) <= 79 and "\n" not in draw
    assert "attempt 3" in draws[2]


def test_no_progress_line_without_a_terminal() -> None:
    out = io.StringIO()
    line = PollLine(out)
    line(PollProgress(1, 0.0, "x", 30.0))
    line.close()
    assert out.getvalue() == ""


# --- #8 / #19 query rows ----------------------------------------------------------------------------------------------


def test_query_text_masks_secrets_and_shows_readable_timestamps(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, logs, _exec, access_group = _setup(moto_url, fake_aws)
    record = {"requestId": RID, "status": "500", "apiKey": "CLI-ACCESS-APIKEY-3", "error": "E" * 3000}
    logs.put(access_group, json.dumps(record), *_lines(RID, "alice", "RXhUQQ=="))
    raw = "fields @timestamp, @message | limit 50"
    assert main(["aws", "query", "--profile", str(profile), "--insights", raw]) == 0
    out = capsys.readouterr().out
    assert "CLI-ACCESS-APIKEY-3" not in out and "CLI-RAW-APIKEY-2" not in out and "CLI-URI-TOKEN-1" not in out
    assert "@timestamp=20" in out and "UTC" in out  # not a raw epoch in milliseconds
    assert "E" * 1000 not in out  # long values are cut in text (whole in --json)
    assert main(["aws", "query", "--profile", str(profile), "--insights", raw, "--json"]) == 0
    dumped = capsys.readouterr().out
    assert "CLI-ACCESS-APIKEY-3" not in dumped and "E" * 3000 in dumped
