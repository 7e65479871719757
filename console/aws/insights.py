"""CloudWatch Logs Insights: start a query, poll its results with progress, stop it on cancel or timeout.

Entry point::

    run_query(client, groups, query, start_s, end_s, *, cancel=None, progress=None, timeout=120.0, interval=1.0)
        -> InsightsResult | Unavailable

``client`` is a boto3 ``logs`` client (console.aws.gateway_logs_search.cloudwatch_client_factory makes one).
AWS errors come back as Unavailable with the one-line reason of console.aws.errors; the query text is kept in both
answers so the CLI always shows it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error
from console.engine.logs.apigw_mask import mask_field
from console.model.gateway_log import PollProgress, Unavailable

if TYPE_CHECKING:
    from console.aws.session import AwsTarget

__all__ = ["InsightsResult", "run_query"]

_DONE = frozenset({"Complete", "Failed", "Cancelled", "Timeout", "Unknown"})


@dataclass(frozen=True, slots=True)
class InsightsResult:
    """A finished query: its rows (field, value) in the service's order, and its statistics."""

    query: str
    groups: tuple[str, ...]
    start_s: int
    end_s: int
    rows: tuple[tuple[tuple[str, str], ...], ...]
    status: str
    records_matched: float = 0.0
    records_scanned: float = 0.0
    bytes_scanned: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "query": self.query,
            "groups": list(self.groups),
            "start": self.start_s,
            "end": self.end_s,
            "status": self.status,
            "rows": [dict(row) for row in self.rows],
            "statistics": {
                "records_matched": self.records_matched,
                "records_scanned": self.records_scanned,
                "bytes_scanned": self.bytes_scanned,
            },
        }


def run_query(
    client: Any,
    groups: tuple[str, ...],
    query: str,
    start_s: int,
    end_s: int,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[PollProgress], None] | None = None,
    timeout: float = 120.0,
    interval: float = 1.0,
    target: AwsTarget | None = None,
) -> InsightsResult | Unavailable:
    """Run ``query`` over ``groups`` between ``start_s`` and ``end_s`` (epoch seconds) and wait for its results.

    Every value in the rows is masked by the rule `baton aws logs` uses (console.engine.logs.apigw_mask.mask_field):
    credential headers in logged maps, credential query parameters, credential JSON keys, credential-named fields,
    JWTs and AWS key ids. ``target`` (the clients' endpoint) lets an AWS error name the endpoint and its fix."""
    import botocore.exceptions

    cancel = cancel or threading.Event()
    began = time.monotonic()
    try:
        query_id = client.start_query(logGroupNames=list(groups), startTime=start_s, endTime=end_s, queryString=query)[
            "queryId"
        ]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        return Unavailable(_reason(exc, "StartQuery", target), kind=_kind(exc))
    attempt = 0
    while True:
        attempt += 1
        elapsed = time.monotonic() - began
        if progress is not None:
            progress(PollProgress(attempt, elapsed, f"Insights query {query_id}", timeout))
        try:
            answer = client.get_query_results(queryId=query_id)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            return Unavailable(_reason(exc, "GetQueryResults", target), kind=_kind(exc))
        status = str(answer.get("status", "Unknown"))
        if status in _DONE:
            if status != "Complete":
                return Unavailable(f"the Insights query ended {status} (query id {query_id})", kind="aws")
            return _result(answer, query, groups, start_s, end_s)
        remaining = timeout - (time.monotonic() - began)
        if remaining <= 0:
            _stop(client, query_id)
            return Unavailable(f"the Insights query did not finish within {timeout:.0f} s; stopped it", kind="timeout")
        if cancel.wait(min(interval, remaining)):
            _stop(client, query_id)
            return Unavailable(f"cancelled; stopped Insights query {query_id}", kind="cancelled")


def _stop(client: Any, query_id: str) -> None:
    """StopQuery, best effort: the query may have finished meanwhile (InvalidParameterException)."""
    import botocore.exceptions

    with contextlib.suppress(botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        client.stop_query(queryId=query_id)  # a query that already ended costs nothing more


def _result(answer: dict[str, Any], query: str, groups: tuple[str, ...], start_s: int, end_s: int) -> InsightsResult:
    rows = tuple(
        tuple(
            (str(cell.get("field", "")), mask_field(str(cell.get("field", "")), str(cell.get("value", ""))))
            for cell in row
            if cell.get("field") != "@ptr"
        )
        for row in answer.get("results", [])
    )
    stats = answer.get("statistics") or {}
    return InsightsResult(
        query=query,
        groups=groups,
        start_s=start_s,
        end_s=end_s,
        rows=rows,
        status="Complete",
        records_matched=float(stats.get("recordsMatched", 0.0)),
        records_scanned=float(stats.get("recordsScanned", 0.0)),
        bytes_scanned=float(stats.get("bytesScanned", 0.0)),
    )


def _reason(exc: Exception, operation: str, target: AwsTarget | None = None) -> str:
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    if code == "MalformedQueryException":
        return f"logs {operation}: AWS refused the query as malformed (MalformedQueryException) — check its syntax"
    if code == "ResourceNotFoundException":
        return f"logs {operation}: a log group of the query does not exist — check the [aws] *_log_group settings"
    return aws_error(exc, target=target, service="logs", operation=operation).one_line()


def _kind(exc: Exception) -> str:
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    if code in ("MalformedQueryException", "ResourceNotFoundException"):
        return "config"
    return aws_error(exc).reason
