"""A trace asks two questions of the API's configuration at once (what IIS should get, what the authorizer decides):
the configuration (six or more AWS calls) is read once and both answers come from that one reading."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from console.aws import config_read
from console.aws.evidence import AwsGatewayEvidence
from console.config.load import load_text
from console.engine.aws_hooks import ExpectedPropagation
from console.errors import AwsError
from tests.aws.motokit import MotoRestApi, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import REGION

__all__ = ["fake_aws", "moto_url", "no_aws"]  # fixtures used here


def evidence(moto_url: str) -> AwsGatewayEvidence:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET")
    api.deploy("dev")
    profile = load_text(
        f'name = "t"\nenvironment = "dev"\n[gateway]\nurl = "https://{api.api_id}.execute-api.{REGION}.amazonaws.com'
        f'/dev/orders/1"\n[aws]\nregion = "{REGION}"\napi_id = "{api.api_id}"\nstage = "dev"\n'
        f'endpoint_url = "{moto_url}"\n',
        "t.toml",
    )
    return AwsGatewayEvidence(profile)


def both_at_once(source: AwsGatewayEvidence) -> dict[str, Any]:
    """expected() and decision() on two threads, as the trace's AWS probe asks them."""
    got: dict[str, Any] = {}
    threads = [
        threading.Thread(target=lambda: got.__setitem__("expected", source.expected("GET", "/dev/orders/1"))),
        threading.Thread(target=lambda: got.__setitem__("decision", source.decision(None, "GET", "/dev/orders/1", []))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return got


def test_the_configuration_is_read_once_for_both_questions(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = evidence(moto_url)
    reads: list[tuple[str, str]] = []
    real = config_read.read_rest_config

    def counted(settings: Any, *, method: str, path: str, env: Any = None) -> Any:
        reads.append((method, path))
        return real(settings, method=method, path=path, env=env)

    monkeypatch.setattr(config_read, "read_rest_config", counted)
    got = both_at_once(source)
    assert reads == [("GET", "/orders/1")]
    assert isinstance(got["expected"], ExpectedPropagation)
    assert got["expected"].config.hit is not None and got["expected"].config.hit.resource_path == "/orders/{id}"
    assert "no authorizer" in got["decision"].reason  # the method has none: said from the same reading


def test_a_failed_reading_is_the_answer_of_both_not_a_hang(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = evidence(moto_url)
    calls: list[int] = []

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        calls.append(1)
        raise AwsError("AccessDenied: not allowed to GetResources", reason="unauthorized")

    monkeypatch.setattr(config_read, "read_rest_config", refused)
    got = both_at_once(source)
    assert len(calls) == 1 and set(got) == {"expected", "decision"}
    assert "AccessDenied" in got["expected"].reason and "AccessDenied" in got["decision"].reason
