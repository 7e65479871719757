"""While a trace polls CloudWatch (up to [aws] log_wait) the live trace says how far along it is on the integration
hop (attempt, seconds of the limit, what it waits for), and the gateway hop shows what the gateway answered as soon
as the answer is in, not "pending" (qa7 #8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config.load import load_profile
from console.engine.tracebook import TraceBook
from console.model.trace import HopName, HopObserved, HopStatus, TraceEvent, TraceFinished, TraceRequest
from console.session import Session
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import MotoLogs
from tests.trace.test_trace_aws_kit import CORRELATION, Gateway, gateway, profile, rest_api, token

__all__ = ["fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here

WAIT = 3


@pytest.fixture
def events(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[TraceEvent]:
    """Every event of one trace whose execution log never comes (the poll runs to its log_wait)."""
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    MotoLogs(moto_url).group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    session = Session(load_profile(str(profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=WAIT))))
    seen: list[TraceEvent] = []
    try:
        session.trace(TraceRequest(headers=(("X-Correlation-Id", CORRELATION),)), seen.append)
    finally:
        session.close()
    return seen


def _progress(events: list[TraceEvent]) -> list[str]:
    return [
        str(e.observation.data["progress"])
        for e in events
        if isinstance(e, HopObserved) and "progress" in e.observation.data
    ]


def test_the_integration_hop_counts_the_cloudwatch_wait(events: list[TraceEvent]) -> None:
    said = _progress(events)
    assert said, "no progress was told while the trace polled CloudWatch"
    assert all(text.startswith("CloudWatch: ") and f" of {WAIT} s" in text for text in said)
    assert any("attempt 1" in text for text in said) and any("attempt 2" in text for text in said)
    assert any("waiting for execution log in API-Gateway-Execution-Logs_" in text for text in said)
    # the seconds move on between polls (every poll is 2 s apart): more than one step is shown, never a frozen line
    assert len(set(said)) >= 3
    live = [e.observation for e in events if isinstance(e, HopObserved) and "progress" in e.observation.data]
    assert {(o.hop, o.status) for o in live} == {(HopName.INTEGRATION, HopStatus.UNKNOWN)}
    assert all("looking in CloudWatch for request" in o.evidence[0] for o in live)
    assert "[aws] log_wait" in live[0].evidence[0]
    assert all(str(o.data["progress_clock"]).endswith(f"/{WAIT} s") for o in live)


def test_the_gateway_hop_shows_its_answer_before_the_wait(events: list[TraceEvent]) -> None:
    first_wait = next(i for i, e in enumerate(events) if isinstance(e, HopObserved) and e.observation.probe == "aws")
    gateway_seen = [
        (i, e.observation)
        for i, e in enumerate(events)
        if isinstance(e, HopObserved) and e.observation.hop is HopName.GATEWAY
    ]
    assert gateway_seen and gateway_seen[0][0] < first_wait
    answered = gateway_seen[0][1]
    assert answered.status is HopStatus.OK and answered.elapsed_ms is not None


def test_the_book_shows_the_answered_gateway_and_the_wait_while_the_trace_runs(events: list[TraceEvent]) -> None:
    book = TraceBook()
    last_wait = max(i for i, e in enumerate(events) if isinstance(e, HopObserved) and "progress" in e.observation.data)
    for event in events[: last_wait + 1]:
        book.record(event)
    hops = {h.name: h for h in book.hops() if h is not None}
    assert hops[HopName.GATEWAY].status is HopStatus.OK  # not pending while AWS is awaited
    integration = hops[HopName.INTEGRATION]
    assert "progress" in integration.observations[-1].data
    assert len(integration.evidence) == 1  # one "looking" line however many steps were told
    for event in events[last_wait + 1 :]:
        book.record(event)
    assert isinstance(events[-1], TraceFinished) and book.trace() is not None
