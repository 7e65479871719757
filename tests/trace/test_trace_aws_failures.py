"""Every AWS failure in a trace is an unknown observation with its reason, never a pass: an unreachable endpoint, a
wrong api id, no credentials; and a cancel while the trace polls CloudWatch ends the trace at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.config.load import load_profile
from console.errors import TraceCancelled
from console.model.trace import HopName, HopObserved, HopStatus, Trace, TraceEvent, TraceRequest
from console.session import Session
from tests.aws.motokit import closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import MotoLogs
from tests.trace.test_trace_aws_kit import CORRELATION, Gateway, gateway, profile, rest_api, token

__all__ = ["closed_port_url", "fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here

REQUEST = TraceRequest(headers=(("X-Correlation-Id", CORRELATION),))


def trace_of(path: Path) -> Trace:
    session = Session(load_profile(str(path)))
    try:
        return session.trace(REQUEST)
    finally:
        session.close()


def aws_observations(trace: Trace) -> list[tuple[HopName, HopStatus, tuple[str, ...]]]:
    return [(h.name, o.status, o.evidence) for h in trace.hops for o in h.observations if o.probe == "aws"]


def assert_unavailable(trace: Trace, reason: str) -> None:
    seen = aws_observations(trace)
    assert {hop for hop, _s, _e in seen} == {HopName.AUTHORIZER, HopName.INTEGRATION}, seen
    for _hop, status, evidence in seen:
        assert status is HopStatus.UNKNOWN
        assert evidence[0].startswith("AWS: unavailable — "), evidence
    assert any(reason in line for _h, _s, evidence in seen for line in evidence), seen
    for name in (HopName.AUTHORIZER, HopName.INTEGRATION):  # the reason reaches the hop's evidence (panes, --json)
        assert any(line.startswith("AWS: unavailable — ") for line in trace.hop(name).evidence)
    # Only AWS could have seen what the integration sent: unavailable, it stays unknown and the verdict unconfirmed.
    assert trace.hop(HopName.INTEGRATION).status is HopStatus.UNKNOWN
    assert not trace.verdict.ok


@pytest.fixture
def blind(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    """A gateway with no IIS echo: only AWS could have shown the inner hops."""
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    gateway.echo = None
    return gateway


def test_an_unreachable_aws_endpoint_leaves_every_aws_observation_unknown_with_the_reason(
    fake_aws: Path, blind: Gateway, closed_port_url: str, tmp_path: Path
) -> None:
    trace = trace_of(profile(tmp_path, blind.url, "abc123", closed_port_url, log_wait=1))
    assert_unavailable(trace, closed_port_url.removeprefix("http://"))


def test_a_wrong_api_id_is_named(fake_aws: Path, blind: Gateway, moto_url: str, tmp_path: Path) -> None:
    trace = trace_of(profile(tmp_path, blind.url, "nosuchapi9", moto_url, log_wait=1))
    assert_unavailable(trace, "nosuchapi9")


def test_no_credentials_is_named(no_aws: Path, blind: Gateway, moto_url: str, tmp_path: Path) -> None:
    trace = trace_of(profile(tmp_path, blind.url, "abc123", moto_url, log_wait=1))
    assert_unavailable(trace, "credentials")


def test_cancel_while_polling_cloudwatch_ends_the_trace_at_once(
    fake_aws: Path, gateway: Gateway, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    MotoLogs(moto_url).group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")  # exists; this request never comes
    session = Session(load_profile(str(profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=60))))
    cancel = threading.Event()
    looking: list[HopObserved] = []
    outcome: list[BaseException | Trace] = []

    def on_event(event: TraceEvent) -> None:
        if isinstance(event, HopObserved) and event.observation.probe == "aws":
            looking.append(event)
            cancel.set()  # the user stops the trace while the integration hop says it is looking in CloudWatch

    def run() -> None:
        try:
            outcome.append(session.trace(REQUEST, on_event, cancel))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(20)  # far below log_wait (60 s): the poll did not run to its deadline
    session.close()
    assert not worker.is_alive()
    assert looking and "looking in CloudWatch" in looking[0].observation.evidence[0]
    assert looking[0].observation.hop is HopName.INTEGRATION and looking[0].observation.status is HopStatus.UNKNOWN
    assert len(outcome) == 1 and isinstance(outcome[0], TraceCancelled)
