"""This request's gateway logs from CloudWatch: the execution log and the access-log record, polled until found.

Entry point (phase 2 folds it into the trace's authorizer and integration hops)::

    fetch_request_logs(settings, request_id, correlation_id=None, *, started_at=None, wait=None, cancel=None,
                       progress=None, client_factory=None, api_kind="rest") -> GatewayLogEvidence | Unavailable

- ``request_id``: the response's ``x-amzn-RequestId``; ``correlation_id`` finds the access record when the request
  id is not in it. ``started_at`` (epoch seconds, default now): searches start a minute before it (clock skew).
- ``wait``: seconds to keep polling (default ``[aws] log_wait``, else 30): API Gateway delivers logs after a delay.
  Polling stops early once ``Method completed with status`` and the access record are both in.
- ``cancel`` (threading.Event) is checked between polls; ``progress(PollProgress)`` is called before each poll.
- ``client_factory(service)`` → a boto3 client (default: console.aws.session for ``settings``); tests pass a moto or
  Stubber-backed one.
Never raises for AWS failures or absence: the answer is the evidence (either part may be missing, with a note) or
Unavailable(reason). Bad ids raise UsageError (from check_id) before any call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.aws.gateway_logs_groups import check_id, execution_group
from console.aws.gateway_logs_search import Search, access_group, cloudwatch_client_factory
from console.errors import AwsError
from console.model.gateway_log import GatewayLogEvidence, PollProgress, Unavailable

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

__all__ = ["DEFAULT_WAIT", "POLL_INTERVAL", "fetch_request_logs"]

DEFAULT_WAIT = 30.0
POLL_INTERVAL = 2.0
ClientFactory = Callable[[str], Any]


def fetch_request_logs(
    settings: AwsSettings,
    request_id: str,
    correlation_id: str | None = None,
    *,
    started_at: float | None = None,
    wait: float | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[PollProgress], None] | None = None,
    client_factory: ClientFactory | None = None,
    api_kind: str = "rest",
    interval: float = POLL_INTERVAL,
) -> GatewayLogEvidence | Unavailable:
    """The execution log and access record of ``request_id`` (see the module docstring)."""
    request_id = check_id(request_id, "request id")
    correlation_id = check_id(correlation_id, "--correlation-id") if correlation_id else None
    limit = wait if wait is not None else (settings.log_wait if settings.log_wait is not None else DEFAULT_WAIT)
    cancel = cancel or threading.Event()
    factory = client_factory or cloudwatch_client_factory(settings)
    exec_group = execution_group(settings.execution_log_group, settings.api_id, settings.stage)
    start_ms = int(((started_at if started_at is not None else time.time()) - 60) * 1000)
    try:
        acc_group, acc_note = access_group(settings, factory, api_kind)
        search = Search(factory("logs"), request_id, correlation_id, start_ms, settings)
    except AwsError as exc:
        return Unavailable(exc.one_line(), kind=exc.reason)
    if api_kind == "http":
        search.execution_note = "HTTP APIs write no execution log (access logging only)"
    elif exec_group is None:
        search.execution_note = "no execution log group: set [aws] api_id and stage, or [aws] execution_log_group"
    search.exec_group = exec_group if api_kind != "http" else None
    search.access_group = acc_group
    search.access_note = acc_note
    if search.exec_group is None and acc_group is None:
        return Unavailable(f"{search.execution_note}; {acc_note}", kind="config")
    began = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        elapsed = time.monotonic() - began
        if progress is not None:
            progress(PollProgress(attempt, elapsed, search.waiting_for(), limit))
        try:
            search.poll()
        except AwsError as exc:
            return Unavailable(exc.one_line(), kind=exc.reason, searches=search.searches())
        if search.done():
            break
        remaining = limit - (time.monotonic() - began)
        if remaining <= 0:
            break
        if cancel.wait(min(interval, remaining)):
            return Unavailable(
                f"cancelled after {attempt} poll(s) ({time.monotonic() - began:.0f} s)",
                kind="cancelled",
                searches=search.searches(),
            )
    return search.result(attempt, time.monotonic() - began, limit)
