"""One request's CloudWatch searches (FilterLogEvents) and what each poll found; used by console.aws.gateway_logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from console.aws.errors import aws_error
from console.aws.gateway_logs_clients import cloudwatch_client_factory, target_of
from console.aws.gateway_logs_groups import access_group_from_arn, logging_fix, quoted_pattern
from console.aws.gateway_logs_match import AccessMatches, split_executions
from console.engine.logs.apigw_exec import parse_execution_log
from console.model.gateway_log import AccessRecord, ExecutionLog, GatewayLogEvidence, LogSearch, Unavailable

if TYPE_CHECKING:
    from console.aws.session import AwsTarget
    from console.model.profile import AwsSettings

__all__ = ["AccessGroup", "Search", "access_group", "cloudwatch_client_factory"]

MAX_PAGES = 20
"""FilterLogEvents pages read per search and poll. A request's execution log is tens of events, one page; but over
a wide window CloudWatch may answer pages with few events and a nextToken while it scans, so several are read."""


class AccessGroup(NamedTuple):
    """The access-log group, or why there is none and the kind of that reason (``config`` or an AwsError's)."""

    group: str | None
    note: str
    kind: str = "config"


def access_group(settings: AwsSettings, factory: Callable[[str], Any], api_kind: str) -> AccessGroup:
    """The access-log group and, when there is none, why (the stage's destination is read from AWS)."""
    if settings.access_log_group:
        return AccessGroup(settings.access_log_group, "")
    if not (settings.api_id and settings.stage):
        return AccessGroup(None, "no access log group: set [aws] access_log_group, or [aws] api_id and stage")
    import botocore.exceptions

    service = "apigatewayv2" if api_kind == "http" else "apigateway"
    try:
        if api_kind == "http":
            stage = factory(service).get_stage(ApiId=settings.api_id, StageName=settings.stage)
            arn = (stage.get("AccessLogSettings") or {}).get("DestinationArn")
        else:
            stage = factory(service).get_stage(restApiId=settings.api_id, stageName=settings.stage)
            arn = (stage.get("accessLogSettings") or {}).get("destinationArn")
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        error = aws_error(
            exc,
            target=target_of(factory),
            service=service,
            operation="GetStage",
            api_id=settings.api_id,
            stage=settings.stage,
        )
        return AccessGroup(None, f"access log group unknown: {error.one_line()}", error.reason)
    group = access_group_from_arn(arn)
    if group is None:
        where = "sends access logs elsewhere (not CloudWatch Logs)" if arn else "has no access logging"
        return AccessGroup(None, f"stage '{settings.stage}' {where}: set [aws] access_log_group to search one")
    return AccessGroup(group, "")


class Search:
    """The searches for one request and their results so far; ``poll`` runs each unfinished one once.

    ``request_id`` empty: the request is known by its correlation id only (the access log is searched for it)."""

    def __init__(
        self, logs: Any, request_id: str, correlation_id: str | None, start_ms: int, settings: AwsSettings
    ) -> None:
        self.logs = logs
        self.request_id = request_id
        self.correlation_id = correlation_id
        self.start_ms = start_ms
        self.settings = settings
        self.target: AwsTarget | None = None
        """The endpoint the clients use, when Baton made them: AWS errors then name it and its fix."""
        self.window = ""
        self.advice = "cli"
        """``cli`` or ``trace``: whose options the "not found" advice names (console.aws.gateway_logs)."""
        self.exec_group: str | None = None
        self.access_group: str | None = None
        self.execution_note = ""
        self.access_note = ""
        self.exec_missing = False
        self.access_missing = False
        self.executions: list[ExecutionLog] = []
        self.access = AccessMatches(request_id, correlation_id)
        self.other_lines = 0
        self._searches: dict[tuple[str, str], LogSearch] = {}

    def searches(self) -> tuple[LogSearch, ...]:
        """Every search run so far, for the user to rerun."""
        return tuple(self._searches.values())

    def waiting_for(self) -> str:
        """What the next poll looks for."""
        parts = []
        if self._exec_open():
            parts.append(f"execution log in {self.exec_group}")
        if self._access_open():
            parts.append(f"access-log record in {self.access_group}")
        return " and ".join(parts) or "nothing"

    def _exec_open(self) -> bool:
        done = bool(self.executions) and all(e.complete for e in self.executions)
        return bool(self.request_id) and self.exec_group is not None and not self.exec_missing and not done

    def _access_open(self) -> bool:
        own, related = self.access.records()
        found = bool(own) if self.request_id else bool(related)
        return self.access_group is not None and not self.access_missing and not found

    def done(self) -> bool:
        """Nothing left to wait for."""
        return not self._exec_open() and not self._access_open()

    def poll(self) -> None:
        """One FilterLogEvents round over the unfinished searches; AwsError on an AWS failure."""
        if self._exec_open() and self.exec_group is not None:
            events = self._filter(self.exec_group, self.request_id)
            if events is None:
                self.exec_missing = True
                self.execution_note = (
                    f"log group {self.exec_group} does not exist — is execution logging on for the stage? "
                    f"({logging_fix(self.settings.api_id, self.settings.stage)})"
                )
            else:
                parts, self.other_lines = split_executions(events, self.request_id)
                self.executions = [parse_execution_log(lines, self.request_id) for lines in parts]
        if self._access_open() and self.access_group is not None:
            for value in (self.request_id, self.correlation_id):
                events = self._filter(self.access_group, value) if value else []
                if events is None:
                    self.access_missing = True
                    self.access_note = (
                        f"access log group {self.access_group} does not exist: check [aws] access_log_group"
                    )
                    return
                self.access.add(events)

    def _filter(self, group: str, value: str) -> list[dict[str, Any]] | None:
        """Events of ``group`` containing ``value`` since the start; None when the group does not exist."""
        import botocore.exceptions

        pattern = quoted_pattern(value)
        self._searches[(group, pattern)] = LogSearch(group, pattern, self.start_ms)
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"logGroupName": group, "startTime": self.start_ms, "filterPattern": pattern}
        try:
            for _ in range(MAX_PAGES):
                page = self.logs.filter_log_events(**kwargs)
                events.extend(page.get("events", []))
                token = page.get("nextToken")
                if not token or token == kwargs.get("nextToken"):
                    break
                kwargs["nextToken"] = token
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return None
            raise aws_error(exc, target=self.target, service="logs", operation="FilterLogEvents") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise aws_error(exc, target=self.target, service="logs", operation="FilterLogEvents") from None
        events.sort(key=lambda event: int(event.get("timestamp", 0)))
        return events

    def result(self, attempts: int, waited: float, limit: float) -> GatewayLogEvidence | Unavailable:
        """The evidence found, or Unavailable when nothing is this request's."""
        own, related = self.access.records()
        if not self.request_id:
            return self._by_correlation(related, attempts, waited)
        if not self.executions and not own:
            return Unavailable(self._not_found(limit, related), kind="not_found", searches=self.searches())
        execution = self.executions[0] if len(self.executions) == 1 else None
        return GatewayLogEvidence(
            request_id=self.request_id,
            execution=execution,
            access=own[0] if len(own) == 1 else None,
            searches=self.searches(),
            execution_note=self._execution_note(limit),
            access_note=self._access_note(limit, own, related),
            attempts=attempts,
            waited_s=waited,
            other_lines=self.other_lines,
            executions=tuple(self.executions) if len(self.executions) > 1 else (),
            accesses=own if len(own) > 1 else (),
            related=related,
            window=self.window,
        )

    def _not_found(self, limit: float, related: tuple[AccessRecord, ...]) -> str:
        fix = logging_fix(self.settings.api_id, self.settings.stage)
        groups = " and ".join(g for g in (self.exec_group, self.access_group) if g) or "no log group"
        reason = f"request {self.request_id} not found in {groups} over {self.window}, polled {limit:.0f} s — "
        if self.advice == "trace":
            # A trace searches from its own request's time: only how long it waits is the user's to change.
            reason += (
                f"API Gateway delivers logs seconds to minutes late: raise [aws] log_wait in the profile (this trace "
                f"waited {limit:.0f} s) to wait longer; is execution logging on for the stage? ({fix})"
            )
        else:
            reason += (
                "if the request is older, search further back with --since (e.g. --since 6h, or an ISO time); "
                "API Gateway delivers logs seconds to minutes late (a longer --wait helps only for a request made "
                f"just now); is execution logging on for the stage? ({fix})"
            )
        if self.exec_missing or self.exec_group is None:
            notes = [n for n in (self.execution_note, self.access_note) if n]
            reason = "; ".join(notes) or reason
        if related:
            ids = ", ".join(str(r.request_id) for r in related)
            reason += (
                f"; the access log holds {len(related)} record(s) of other request(s) ({ids}) carrying correlation "
                f"id {self.correlation_id} — not this request's"
            )
        return reason

    def _execution_note(self, limit: float) -> str:
        fix = logging_fix(self.settings.api_id, self.settings.stage)
        if len(self.executions) > 1:
            ids = ", ".join(e.extended_request_id or "(no Extended Request Id)" for e in self.executions)
            return (
                f"ambiguous: {len(self.executions)} executions carry request id {self.request_id} (Extended Request "
                f"Ids {ids}); clients can set x-amzn-RequestId, so none is taken as this request's — compare each "
                "with the response's x-amz-apigw-id"
            )
        if self.execution_note:
            return self.execution_note
        if not self.executions and self.exec_group is not None:
            return f"no execution-log line for this request within {limit:.0f} s ({fix})"
        if self.executions and not self.executions[0].complete:
            return f"incomplete: no 'Method completed with status' line within {limit:.0f} s"
        return ""

    def _access_note(self, limit: float, own: tuple[AccessRecord, ...], related: tuple[AccessRecord, ...]) -> str:
        notes = []
        if len(own) > 1:
            notes.append(f"ambiguous: {len(own)} access records carry request id {self.request_id}; none is taken")
        elif not own:
            notes.append(self.access_note or f"no access-log record for this request within {limit:.0f} s")
        for record in related:
            callers = ", ".join(record.callers) or "-"
            notes.append(
                f"the access record of another request ({record.request_id}, caller {callers}) carries correlation "
                f"id {self.correlation_id} in {record.matched_by}: not this request's, not used"
            )
        return "; ".join(notes)

    def _by_correlation(
        self, related: tuple[AccessRecord, ...], attempts: int, waited: float
    ) -> GatewayLogEvidence | Unavailable:
        """No request id: a record found by correlation id, labelled as matched by that alone."""
        if not related:
            reason = (
                f"no access record carries correlation id {self.correlation_id} in {self.access_group} over "
                f"{self.window} — {self.access_note or 'widen the window with --since, or give the request id'}"
            )
            return Unavailable(reason, kind="not_found", searches=self.searches())
        one = related[0] if len(related) == 1 else None
        ids = ", ".join(str(r.request_id) for r in related)
        access_note = (
            f"matched by correlation id only ({related[0].matched_by} = {self.correlation_id}): any request can carry "
            "it, so this record proves nothing about a request id"
        )
        if one is None:
            access_note = f"ambiguous: {len(related)} requests ({ids}) carry correlation id {self.correlation_id}"
        return GatewayLogEvidence(
            request_id="",
            execution=None,
            access=one,
            searches=self.searches(),
            execution_note=f"no request id given: the execution log is searched by request id — rerun with {ids}",
            access_note=access_note,
            attempts=attempts,
            waited_s=waited,
            accesses=related if one is None else (),
            window=self.window,
        )
