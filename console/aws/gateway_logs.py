"""This request's gateway logs from CloudWatch: the execution log and the access-log record, polled until found.

Entry point (phase 2 folds it into the trace's authorizer and integration hops)::

    fetch_request_logs(settings, request_id, correlation_id=None, *, started_at=None, wait=None, cancel=None,
                       progress=None, client_factory=None, api_kind="rest", since=None, advice="cli")
        -> GatewayLogEvidence | Unavailable

- ``request_id``: the response's ``x-amzn-RequestId``. ``correlation_id`` also searches the access log for records
  carrying it: a record whose ``requestId`` is another request's is listed in ``related``, never taken as this
  request's. An empty ``request_id`` with a ``correlation_id`` searches by correlation id alone, and the record is
  labelled as matched by that field only.
- The window: from ``since`` (epoch seconds) when given; else from SKEW_S before ``started_at`` (the request's time,
  when the caller knows it: a trace); else the last DEFAULT_LOOKBACK_S (a request id pasted from a ticket).
- ``wait``: seconds to keep polling (default ``[aws] log_wait``, else 30): API Gateway delivers logs after a delay.
  Polling stops early once ``Method completed with status`` and the access record are both in. It is a deadline:
  the default clients' timeouts and retries fit the time left (console.aws.gateway_logs_clients).
- One request id logged by several executions (clients can set it) is never merged: ``executions`` holds each and
  ``execution`` is None (the same for access records).
- ``cancel`` (threading.Event) is checked between polls; ``progress(PollProgress)`` is called before each poll.
- ``advice``: whose options a "not found" names: ``cli`` (`baton aws logs`: ``--since``, ``--wait``) or ``trace`` (a
  trace searches from its request's time and waits ``[aws] log_wait``: the profile's setting is what can change).
- ``client_factory(service)`` → a boto3 client (default: console.aws.session for ``settings``); tests pass a moto or
  Stubber-backed one.
Never raises for AWS failures or absence: the answer is the evidence (either part may be missing, with a note) or
Unavailable(reason). Bad ids raise UsageError (from check_id) before any call.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.aws.gateway_logs_clients import cloudwatch_client_factory, target_of
from console.aws.gateway_logs_groups import check_id, execution_group
from console.aws.gateway_logs_search import Search, access_group
from console.errors import AwsError
from console.model.gateway_log import GatewayLogEvidence, PollProgress, Unavailable

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

__all__ = ["DEFAULT_LOOKBACK_S", "DEFAULT_WAIT", "POLL_INTERVAL", "SKEW_S", "fetch_request_logs", "window_start"]

DEFAULT_WAIT = 30.0
POLL_INTERVAL = 2.0
DEFAULT_LOOKBACK_S = 3600.0
"""Without the request's time, the last hour is searched: an incident's request id usually arrives within it."""
SKEW_S = 300.0
"""With the request's time, the search starts this much earlier: the local clock may be ahead of CloudWatch's."""
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
    since: float | None = None,
    advice: str = "cli",
) -> GatewayLogEvidence | Unavailable:
    """The execution log and access record of ``request_id`` (see the module docstring)."""
    began = time.monotonic()
    correlation_id = check_id(correlation_id, "--correlation-id") if correlation_id else None
    request_id = check_id(request_id, "request id") if request_id.strip() or correlation_id is None else ""
    limit = wait if wait is not None else (settings.log_wait if settings.log_wait is not None else DEFAULT_WAIT)
    cancel = cancel or threading.Event()
    factory = client_factory or cloudwatch_client_factory(settings, deadline=began + limit)
    exec_group = execution_group(settings.execution_log_group, settings.api_id, settings.stage)
    start_s, window = window_start(since, started_at)
    try:
        acc_group, acc_note, _kind = access_group(settings, factory, api_kind)
        search = Search(factory("logs"), request_id, correlation_id, int(start_s * 1000), settings)
    except AwsError as exc:
        return Unavailable(exc.one_line(), kind=exc.reason)
    search.target = target_of(factory)
    search.window = window
    search.advice = advice
    if api_kind == "http":
        search.execution_note = "HTTP APIs write no execution log (access logging only)"
    elif exec_group is None:
        search.execution_note = "no execution log group: set [aws] api_id and stage, or [aws] execution_log_group"
    search.exec_group = exec_group if api_kind != "http" else None
    search.access_group = acc_group
    search.access_note = acc_note
    if search.exec_group is None and acc_group is None:
        return Unavailable(f"{search.execution_note}; {acc_note}", kind="config")
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


def window_start(since: float | None, started_at: float | None, now: float | None = None) -> tuple[float, str]:
    """The search's start (epoch seconds) and the window in words, for the "not found" advice."""
    now = time.time() if now is None else now
    if since is not None:
        start, how = since, "the window"
    elif started_at is not None:
        start, how = started_at - SKEW_S, f"{SKEW_S / 60:.0f} min before the request to now"
    else:
        start, how = now - DEFAULT_LOOKBACK_S, f"the last {DEFAULT_LOOKBACK_S / 3600:.0f} h"
    moment = datetime.datetime.fromtimestamp(start, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return start, f"{how} (from {moment})"
