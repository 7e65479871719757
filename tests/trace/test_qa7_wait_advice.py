"""A trace whose gateway log is not found names what a trace user can change ([aws] log_wait, the window it
searched), not `baton aws logs`' --since/--wait; `baton aws logs` keeps its own advice (qa7 #7)."""

from __future__ import annotations

import time
from pathlib import Path

from console.aws.gateway_logs import fetch_request_logs
from console.model.gateway_log import Unavailable
from console.model.profile import AwsSettings
from tests.aws.motokit import MotoRestApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import REGION, RID, MotoLogs

__all__ = ["fake_aws", "moto_url", "no_aws"]  # fixtures used here


def _settings(moto: str) -> AwsSettings:
    api = MotoRestApi(moto)
    api.method("/orders/{id}", "GET")
    api.deploy("dev")
    MotoLogs(moto).group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")  # exists; this request never comes
    return AwsSettings(
        region=REGION, api_id=api.api_id, stage="dev", endpoint_url=moto, access_log_group="/none", log_wait=5
    )


def test_a_trace_that_finds_no_log_names_the_profiles_log_wait_not_cli_options(fake_aws: Path, moto_url: str) -> None:
    settings = _settings(moto_url)
    result = fetch_request_logs(settings, RID, started_at=time.time(), wait=0.2, interval=0.05, advice="trace")
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    assert "[aws] log_wait" in result.reason and "in the profile" in result.reason
    assert "5 min before the request to now (from " in result.reason  # the window the trace searched
    assert "--since" not in result.reason and "--wait" not in result.reason
    assert "aws apigateway update-stage" in result.reason  # whether execution logging is on is still asked


def test_baton_aws_logs_keeps_its_own_advice(fake_aws: Path, moto_url: str) -> None:
    settings = _settings(moto_url)
    result = fetch_request_logs(settings, RID, started_at=time.time(), wait=0.2, interval=0.05)
    assert isinstance(result, Unavailable) and result.kind == "not_found"
    assert "--since" in result.reason and "--wait" in result.reason
    assert "log_wait" not in result.reason
