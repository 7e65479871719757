"""After an integration timeout IIS is still working: the trace keeps looking for its log line a while."""

from __future__ import annotations

from typing import Any

import pytest

from console.engine import trace
from console.engine.diagnosis.evidence import Evidence
from console.engine.target import ClientPlan, Expectations, Target
from console.model.trace import ResponseSnapshot


def _target() -> Target:
    return Target(
        profile="p",
        environment="dev",
        gateway_url="http://127.0.0.1:9",
        gateway_kind="rest",
        auth="cognito",
        client=ClientPlan(flow="none"),
        expect=Expectations(),
        log_path="/var/log/iis",
        log_wait=0.5,
    )


def _waited(monkeypatch: pytest.MonkeyPatch, status: int, record: object) -> float:
    asked: dict[str, Any] = {}

    def search(*_args: object, wait: float, **_kwargs: object) -> object:
        asked["wait"] = wait
        raise LookupError  # stop here: only the wait asked for matters

    monkeypatch.setattr(trace, "search_logs", search)
    response = ResponseSnapshot(status=status, headers=(), body="", body_bytes=0, elapsed_ms=1000.0)
    ev = Evidence(target=_target(), correlation_id="c-1", response=response, method="GET", url="http://x/prod/a")
    ev.record = record  # type: ignore[assignment]
    with pytest.raises(LookupError):
        trace._search_iis_logs(ev.target, ev, "c-1", None, None)
    return float(asked["wait"])


def test_a_504_keeps_looking_even_where_the_sandbox_logs_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox's IIS writes its line when it finishes, after the gateway gave up: one look at once was flaky.
    assert _waited(monkeypatch, 504, record=object()) >= trace.TIMEOUT_LOG_WAIT


def test_other_answers_with_ground_truth_look_once(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _waited(monkeypatch, 200, record=object()) == 0.0
