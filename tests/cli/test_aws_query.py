"""`baton aws query` against moto: the query is always shown, rows printed inert, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoRestApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import RID, MotoLogs, access_line, logs_profile

__all__ = ["fake_aws", "moto_url", "no_aws"]  # fixtures used below


def _profile(moto_url: str, folder: Path) -> Path:
    api = MotoRestApi(moto_url)
    logs = MotoLogs(moto_url)
    group = logs.group(f"/cli/query/{api.api_id}")
    logs.put(group, access_line(), "\x1b[2Jnot json")
    return logs_profile(folder, moto_url, api_id=api.api_id, access_log_group=group)


def test_query_shows_the_query_and_the_rows(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(moto_url, fake_aws)
    assert main(["aws", "query", "--profile", str(profile), "--status", "200", "--since", "10m"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("query over /cli/query/")
    assert '  | filter status = "200" or status = 200' in out
    assert RID in out
    assert "\x1b" not in out and "\\x1b[2Jnot json" in out


def test_query_json_carries_the_query(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(moto_url, fake_aws)
    raw = "fields @timestamp, @message | limit 5"
    assert main(["aws", "query", "--profile", str(profile), "--insights", raw, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["query"] == raw and document["rows"]


def test_iis_group_without_a_configured_group_exits_2(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = _profile(moto_url, fake_aws)
    assert main(["aws", "query", "--profile", str(profile), "--user", "alice", "--group", "iis"]) == 2
    assert "set [aws] iis_log_group" in capsys.readouterr().err


def test_no_rows_exits_1(fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    api = MotoRestApi(moto_url)
    group = MotoLogs(moto_url).group("/cli/query-empty")
    profile = logs_profile(fake_aws, moto_url, api_id=api.api_id, access_log_group=group)
    assert main(["aws", "query", "--profile", str(profile), "--user", "nobody"]) == 1
    assert "0 row(s)" in capsys.readouterr().out
