"""Ask AWS about one traced request: the API's configuration, the authorizer's decision, this request's gateway logs.

The three questions go to the Target's GatewayEvidence (console/session.py fills it with console/aws/evidence.py
when the profile has ``[aws] api_id``) at once, each on its own thread: a cancel returns at once, whatever AWS is
doing. The answers are kept as given (evidence or ``Unavailable``); console/engine/probes/aws_observe.py turns them
into the hops' observations and console/engine/diagnosis/aws_rules.py into findings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from console.engine.aws_hooks import ExpectedPropagation, LogsUnavailable, Unavailable
from console.errors import BatonError, TraceCancelled
from console.model.authorizer_decision import AuthorizerResult
from console.model.enums import Confidence, HopName, HopStatus
from console.model.gateway_log import GatewayLogEvidence, PollProgress
from console.model.trace import HopObservation, ResponseSnapshot

if TYPE_CHECKING:  # Evidence holds this module's answers: imported for typing only
    from console.engine.diagnosis.evidence import Evidence
    from console.engine.target import Target

PROBE = "aws"
REQUEST_ID_HEADERS = ("x-amzn-RequestId", "apigw-requestid")
"""Where API Gateway names the request in its answer: REST (``x-amzn-RequestId``), HTTP APIs (``apigw-requestid``)."""
SIGNING_HEADERS = frozenset({"x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})

TICK_S = 1.0
"""How often the integration hop's "looking in CloudWatch" progress is refreshed while the trace waits for the log."""


def polling(request_id: str, step: PollProgress) -> HopObservation:
    """Streamed while the trace polls CloudWatch, so the integration hop says it is looking (and how far along), not
    that nothing came. The evidence line stays the same at every step (a live hop lists it once); the step itself is
    ``data["progress"]``, one line for `baton trace`'s progress print and the hop trace, and ``data["progress_clock"]``
    (``6/30 s``), which the hop trace shows in its latency column: a narrow pane still shows how far along it is."""
    shown = request_id if len(request_id) <= 128 else f"{request_id[:128]}…"
    return HopObservation(
        HopName.INTEGRATION,
        PROBE,
        HopStatus.UNKNOWN,
        None,
        (
            f"looking in CloudWatch for request {shown}, up to {step.limit_s:.0f} s ([aws] log_wait): API "
            "Gateway delivers its execution log seconds after the answer",
        ),
        confidence=Confidence.POSSIBLE,
        data={"progress": progress_text(step), "progress_clock": f"{step.elapsed_s:.0f}/{step.limit_s:.0f} s"},
    )


def progress_text(step: PollProgress) -> str:
    """``CloudWatch: 6 s of 30 s, attempt 3 — waiting for execution log in …`` (what and how far first: a row cut to
    the screen's width loses the long group names, not the progress)."""
    attempt = f", attempt {step.attempt}" if step.attempt else ""
    waiting = f" — waiting for {step.waiting_for}" if step.waiting_for else ""
    return f"CloudWatch: {step.elapsed_s:.0f} s of {step.limit_s:.0f} s{attempt}{waiting}"


Expected = ExpectedPropagation | Unavailable
Decision = AuthorizerResult | Unavailable
Logs = GatewayLogEvidence | LogsUnavailable


@dataclass(frozen=True, slots=True)
class AwsAnswers:
    """What AWS answered for one trace; None where nothing was asked (no gateway crossed, no request id)."""

    expected: Expected | None
    decision: Decision | None
    logs: Logs | None
    request_id: str | None = None


def request_id_of(response: ResponseSnapshot | None) -> str | None:
    """The gateway's id for this request, from its answer; None when it gave none."""
    if response is None:
        return None
    return next((v.strip() for name in REQUEST_ID_HEADERS if (v := response.header(name)) and v.strip()), None)


def decision_headers(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers sent, as the authorizer would see them: without SigV4's (an IAM route has no authorizer)."""
    return [
        (name, value)
        for name, value in headers
        if name.lower() not in SIGNING_HEADERS
        and not (name.lower() == "authorization" and value.startswith("AWS4-HMAC-SHA256"))
    ]


@dataclass(slots=True)
class Asking:
    """The three questions under way (each on its own thread); ``answers`` waits for them."""

    boxes: dict[str, tuple[threading.Event, dict[str, Any]]]
    cancel: threading.Event
    request_id: str | None

    def answers(self) -> AwsAnswers:
        """Every answer; TraceCancelled as soon as the cancel event is set, whatever AWS is still doing."""
        for done, _box in self.boxes.values():
            while not done.wait(0.02):
                if self.cancel.is_set():
                    raise TraceCancelled("cancelled")
        if self.cancel.is_set():
            raise TraceCancelled("cancelled")
        got = {name: box.get("value") or _failed(box) for name, (_done, box) in self.boxes.items()}
        logs = got["logs"]
        if isinstance(logs, Unavailable):  # an adapter slip: said as the log model says it
            logs = LogsUnavailable(logs.reason, kind=logs.kind)
        return AwsAnswers(got["expected"], got["decision"], logs, self.request_id)


def ask_aws(
    target: Target,
    ev: Evidence,
    token: str | None,
    headers: Sequence[tuple[str, str]],
    cancel: threading.Event | None = None,
    looking: Callable[[HopObservation], None] | None = None,
) -> Asking | None:
    """Ask the Target's GatewayEvidence the three questions about the request just sent (``ev``: its method, URL,
    response, correlation id and time; ``headers`` as sent); None when there is nothing to ask (no ``[aws]``
    adapter, or the request went straight to IIS). ``.answers()`` waits for them."""
    source = target.aws
    if source is None or ev.direct_to_iis:
        return None
    method, response, correlation_id = ev.method, ev.response, ev.correlation_id
    started_at = ev.started_at if ev.started_at is not None else time.time()
    request_id = request_id_of(response)
    stop = cancel or threading.Event()
    path = urlsplit(ev.url).path or "/"
    poll = _Progress(request_id or "", source.log_wait, looking)

    def fetch_logs() -> Logs:
        if request_id is None:
            return LogsUnavailable(
                "the response carried no x-amzn-RequestId (or apigw-requestid): API Gateway's logs cannot be "
                "matched to this request",
                kind="no_request_id",
            )
        poll.start(stop)
        try:
            return source.logs(
                request_id, correlation_id, started_at=started_at, wait=source.log_wait, cancel=stop, progress=poll
            )
        finally:
            poll.done.set()

    jobs: dict[str, Callable[[], Any]] = {
        "expected": lambda: source.expected(method, path),
        "decision": lambda: source.decision(token, method, path, decision_headers(headers)),
        "logs": fetch_logs,
    }
    return Asking({name: _start(work) for name, work in jobs.items()}, stop, request_id)


class _Progress:
    """The CloudWatch poll's progress, told to the live trace at each poll and every TICK_S between polls (a poll
    may take a while, and the wait between polls is seconds): attempt, seconds so far of the limit, what it awaits."""

    def __init__(self, request_id: str, limit: float, tell: Callable[[HopObservation], None] | None) -> None:
        self.request_id, self.limit, self.tell = request_id, limit, tell
        self.done = threading.Event()
        self.began = time.monotonic()
        self.step = PollProgress(0, 0.0, "", limit)
        self.lock = threading.Lock()

    def __call__(self, step: PollProgress) -> None:
        with self.lock:
            self.step, self.began = step, time.monotonic() - step.elapsed_s
        self._say(step)

    def start(self, cancel: threading.Event) -> None:
        """Say "looking" now, then again every TICK_S until the answer (or a cancel)."""
        if self.tell is None:
            return
        self.began = time.monotonic()
        self._say(self.step)

        def ticker() -> None:
            while not self.done.wait(TICK_S) and not cancel.is_set():
                with self.lock:
                    elapsed = min(time.monotonic() - self.began, self.step.limit_s)
                    step = PollProgress(self.step.attempt, elapsed, self.step.waiting_for, self.step.limit_s)
                self._say(step)

        threading.Thread(target=ticker, daemon=True, name="baton-aws-progress").start()

    def _say(self, step: PollProgress) -> None:
        if self.tell is not None and not self.done.is_set():
            self.tell(polling(self.request_id, step))


def _start(work: Callable[[], Any]) -> tuple[threading.Event, dict[str, Any]]:
    done = threading.Event()
    box: dict[str, Any] = {"began": time.monotonic()}

    def runner() -> None:
        try:
            box["value"] = work()
        except BatonError as exc:  # an adapter should answer Unavailable; a slip must still not pass for a pass
            box["error"] = exc.one_line()
        except Exception as exc:  # any adapter failure becomes "unavailable", never a crashed trace
            box["error"] = f"{type(exc).__name__} while asking AWS"
        finally:
            done.set()

    threading.Thread(target=runner, daemon=True, name="baton-aws").start()
    return done, box


def _failed(box: dict[str, Any]) -> Unavailable:
    return Unavailable(str(box.get("error") or "AWS gave no answer"), kind="aws")
