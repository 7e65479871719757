"""The trace's AWS adapter asks CloudWatch with the trace's advice: a trace user changes [aws] log_wait, not the
`baton aws logs` options (qa7 #7, at the adapter the trace uses)."""

from __future__ import annotations

import time
from pathlib import Path

from console.aws.evidence import AwsGatewayEvidence
from console.config.load import load_text
from console.model.gateway_log import Unavailable
from tests.aws.motokit import MotoRestApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import REGION, RID, MotoLogs

__all__ = ["fake_aws", "moto_url", "no_aws"]  # fixtures used here


def test_the_trace_adapter_gives_the_traces_advice(fake_aws: Path, moto_url: str) -> None:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy("dev")
    MotoLogs(moto_url).group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    profile = load_text(
        f'name = "t"\nenvironment = "dev"\n[gateway]\nurl = "https://{api.api_id}.execute-api.{REGION}.amazonaws.com'
        f'/dev/orders/1"\n[aws]\nregion = "{REGION}"\napi_id = "{api.api_id}"\nstage = "dev"\n'
        f'endpoint_url = "{moto_url}"\naccess_log_group = "/none"\n',
        "t.toml",
    )
    answer = AwsGatewayEvidence(profile).logs(RID, None, started_at=time.time(), wait=0.2, cancel=None, progress=None)
    assert isinstance(answer, Unavailable), answer
    assert "[aws] log_wait" in answer.reason
    assert "--since" not in answer.reason and "--wait" not in answer.reason
