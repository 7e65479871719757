"""One request's CloudWatch searches (FilterLogEvents) and what each poll found; used by console.aws.gateway_logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error
from console.aws.gateway_logs_groups import access_group_from_arn, access_record, logging_fix, quoted_pattern
from console.engine.logs.apigw_exec import parse_execution_log
from console.engine.logs.apigw_lines import split_prefix
from console.model.gateway_log import AccessRecord, ExecutionLog, GatewayLogEvidence, LogSearch, Unavailable

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

__all__ = ["Search", "access_group", "cloudwatch_client_factory"]

MAX_PAGES = 5
"""FilterLogEvents pages read per search and poll: a request's execution log is tens of events, one page."""


def cloudwatch_client_factory(settings: AwsSettings) -> Callable[[str], Any]:
    """service → a boto3 client on ``settings``' profile, region and endpoint (one session for all)."""
    from console.aws.session import make_client, make_session, target_for

    target = target_for(settings)
    made: dict[str, Any] = {}
    sessions: list[Any] = []

    def factory(service: str) -> Any:
        if service not in made:
            if not sessions:
                sessions.append(make_session(target))
            made[service] = make_client(sessions[0], service, target)
        return made[service]

    return factory


def access_group(settings: AwsSettings, factory: Callable[[str], Any], api_kind: str) -> tuple[str | None, str]:
    """The access-log group and, when there is none, why (the stage's destination is read from AWS)."""
    if settings.access_log_group:
        return settings.access_log_group, ""
    if not (settings.api_id and settings.stage):
        return None, "no access log group: set [aws] access_log_group, or [aws] api_id and stage"
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
        error = aws_error(exc, service=service, operation="GetStage", api_id=settings.api_id, stage=settings.stage)
        return None, f"access log group unknown: {error.one_line()}"
    group = access_group_from_arn(arn)
    if group is None:
        where = "sends access logs elsewhere (not CloudWatch Logs)" if arn else "has no access logging"
        return None, f"stage '{settings.stage}' {where}: set [aws] access_log_group to search one"
    return group, ""


class Search:
    """The searches for one request and their results so far; ``poll`` runs each unfinished one once."""

    def __init__(
        self, logs: Any, request_id: str, correlation_id: str | None, start_ms: int, settings: AwsSettings
    ) -> None:
        self.logs = logs
        self.request_id = request_id
        self.correlation_id = correlation_id
        self.start_ms = start_ms
        self.settings = settings
        self.exec_group: str | None = None
        self.access_group: str | None = None
        self.execution_note = ""
        self.access_note = ""
        self.exec_missing = False
        self.access_missing = False
        self.execution: ExecutionLog | None = None
        self.access: AccessRecord | None = None
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
        done = self.execution is not None and self.execution.complete
        return self.exec_group is not None and not self.exec_missing and not done

    def _access_open(self) -> bool:
        return self.access_group is not None and not self.access_missing and self.access is None

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
                self._read_execution(events)
        if self._access_open() and self.access_group is not None:
            self._poll_access(self.access_group)

    def _read_execution(self, events: list[dict[str, Any]]) -> None:
        mine, others = [], 0
        for event in events:
            message = str(event.get("message", ""))
            rid = split_prefix(message).request_id
            if rid is not None and rid != self.request_id:
                others += 1  # another request's line that mentions this id (e.g. in a header it logged)
                continue
            mine.append(message)
        self.other_lines = others
        if mine:
            self.execution = parse_execution_log(mine, self.request_id)

    def _poll_access(self, group: str) -> None:
        wanted = [(self.request_id, "request")]
        if self.correlation_id:
            wanted.append((self.correlation_id, "correlation"))
        for value, key in wanted:
            events = self._filter(group, value)
            if events is None:
                self.access_missing = True
                self.access_note = f"access log group {group} does not exist: check [aws] access_log_group"
                return
            for event in reversed(events):  # the newest record first
                record = access_record(str(event.get("message", "")))
                if record is None:
                    continue
                ids = (record.request_id, record.extended_request_id)
                if (key == "request" and value in ids) or (key == "correlation" and record.correlation_id == value):
                    self.access = record
                    return

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
            raise aws_error(exc, service="logs", operation="FilterLogEvents") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise aws_error(exc, service="logs", operation="FilterLogEvents") from None
        events.sort(key=lambda event: int(event.get("timestamp", 0)))
        return events

    def result(self, attempts: int, waited: float, limit: float) -> GatewayLogEvidence | Unavailable:
        """The evidence found, or Unavailable when neither part was."""
        fix = logging_fix(self.settings.api_id, self.settings.stage)
        if self.execution is None and self.access is None:
            notes = [n for n in (self.execution_note, self.access_note) if n]
            reason = (
                f"request {self.request_id} not found within {limit:.0f} s — API Gateway delivers execution logs "
                f"after a delay (rerun with a longer --wait); is execution logging on for the stage? ({fix})"
            )
            if self.exec_missing or self.exec_group is None:
                reason = "; ".join(notes) or reason
            return Unavailable(reason, kind="not_found", searches=self.searches())
        execution_note = self.execution_note
        if self.execution is None and not execution_note and self.exec_group is not None:
            execution_note = f"no execution-log line for this request within {limit:.0f} s ({fix})"
        elif self.execution is not None and not self.execution.complete:
            execution_note = f"incomplete: no 'Method completed with status' line within {limit:.0f} s"
        access_note = self.access_note
        if self.access is None and not access_note:
            access_note = f"no access-log record for this request within {limit:.0f} s"
        return GatewayLogEvidence(
            request_id=self.request_id,
            execution=self.execution,
            access=self.access,
            searches=self.searches(),
            execution_note=execution_note,
            access_note=access_note,
            attempts=attempts,
            waited_s=waited,
            other_lines=self.other_lines,
        )
