"""`baton aws logs REQUEST_ID` against moto: the parsed lines, secrets masked, escape codes inert, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import RID, MotoLogs, access_line, execution_lines, fake_jwt, logs_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below


def _setup(moto_url: str, folder: Path, *extra: str) -> Path:
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    exec_group = logs.group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    access_group = logs.group(f"/cli/access/{api.api_id}")
    logs.put(exec_group, *execution_lines(), *extra)
    logs.put(access_group, access_line())
    return logs_profile(folder, moto_url, api_id=api.api_id, access_log_group=access_group, log_wait=2)


def test_logs_prints_the_headers_sent_to_iis_with_secrets_masked_and_escapes_inert(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = f"({RID}) Note from the network: \x1b]0;pwned\x07\x1b[31m"
    profile = _setup(moto_url, fake_aws, hostile)
    assert main(["aws", "logs", RID, "--profile", str(profile)]) == 0
    out = capsys.readouterr()
    assert "headers sent to the integration (IIS)" in out.out
    assert "    X-User-Email: alice@example.test" in out.out
    assert "authorizer ab12cd invoked: allowed" in out.out
    assert "Authorization: Bearer <redacted JWT" in out.out
    token = fake_jwt()
    assert token not in out.out and token.split(".")[2] not in out.out and "c0ffee" not in out.out
    assert "\x1b" not in out.out and "\\x1b]0;pwned\\x07\\x1b[31m" in out.out  # kept, shown inert
    assert "access    status 200 GET /orders/{id}" in out.out
    assert "aws logs filter-log-events" in out.out


def test_logs_json_is_one_document(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _setup(moto_url, fake_aws)
    assert main(["aws", "logs", RID, "--profile", str(profile), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["execution"]["status"] == 200
    assert document["execution"]["endpoint_headers"]["headers"]["X-User-Email"] == "alice@example.test"
    assert document["access"]["request_id"] == RID


def test_nothing_found_exits_1_with_the_reason(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = _setup(moto_url, fake_aws)
    assert main(["aws", "logs", "11111111-2222-3333-4444-555555555555", "--profile", str(profile), "--wait", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("baton: request 11111111-2222-3333-4444-555555555555 not found in ")
    assert "over the last 1 h (from " in err and "polled 0 s" in err  # the window searched (QA6 #10)
    assert "searched: aws logs filter-log-events" in err


def test_an_unreachable_endpoint_exits_2(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = logs_profile(fake_aws, closed_port_url, api_id="abc123", access_log_group="/x")
    assert main(["aws", "logs", RID, "--profile", str(profile), "--wait", "0"]) == 2
    assert "cannot reach" in capsys.readouterr().err


def test_a_request_id_with_quotes_is_refused_before_any_call(
    fake_aws: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = logs_profile(fake_aws, closed_port_url, api_id="abc123")
    assert main(["aws", "logs", 'x" OR "', "--profile", str(profile)]) == 2
    assert "request id must be" in capsys.readouterr().err
