"""Which CloudWatch log groups hold a request's gateway logs, the filter patterns that find it, and its access record.

- Execution log: ``[aws] execution_log_group``, else API Gateway's own ``API-Gateway-Execution-Logs_{apiId}/{stage}``
  (domain §1.8). HTTP APIs have no execution log (domain §2, "access logging only").
- Access log: ``[aws] access_log_group``, else the stage's ``accessLogSettings.destinationArn`` (REST GetStage;
  HTTP apigatewayv2 GetStage ``AccessLogSettings.DestinationArn``), whose group name follows ``:log-group:``.
- Filter pattern: the id in double quotes, CloudWatch's syntax for a term with characters other than letters, digits
  and ``_`` (a UUID's hyphens). Ids with quotes, backslashes, spaces or control characters are refused.
"""

from __future__ import annotations

import json
import re
from typing import Any

from console.engine.logs.apigw_mask import mask_field, mask_text
from console.engine.logs.gateway_access import parse_line
from console.engine.logs.gateway_fields import CORRELATION_KEYS, extract
from console.errors import UsageError
from console.model.gateway_log import AccessRecord

__all__ = [
    "access_group_from_arn",
    "access_record",
    "check_id",
    "execution_group",
    "logging_fix",
    "quoted_pattern",
]

_SAFE_ID = re.compile(r"[A-Za-z0-9._:=+/@-]{1,200}")


def check_id(value: str, what: str) -> str:
    """``value`` when it can be searched for safely; UsageError naming the option otherwise."""
    text = value.strip()
    if not _SAFE_ID.fullmatch(text):
        raise UsageError(
            f"{what} must be 1–200 letters, digits or . _ : = + / @ - (got {len(value)} characters)",
            where=what,
            hint="pass the x-amzn-RequestId value exactly as the response carried it",
        )
    return text


def quoted_pattern(value: str) -> str:
    """The CloudWatch filter pattern matching messages that contain ``value`` (checked by :func:`check_id`)."""
    return f'"{value}"'


def execution_group(configured: str | None, api_id: str | None, stage: str | None) -> str | None:
    """The execution-log group name; None when neither the group nor the API id and stage are known."""
    if configured:
        return configured
    if api_id and stage:
        return f"API-Gateway-Execution-Logs_{api_id}/{stage}"
    return None


def access_group_from_arn(arn: str | None) -> str | None:
    """``arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`` → NAME; None for no ARN or a non-CloudWatch destination
    (Kinesis Data Firehose access logs cannot be searched here)."""
    if not arn or ":log-group:" not in arn:
        return None
    name = arn.split(":log-group:", 1)[1]
    return name[:-2] if name.endswith(":*") else name


def logging_fix(api_id: str | None, stage: str | None) -> str:
    """The command that turns execution logging on for the stage (shown, never run)."""
    return (
        f"aws apigateway update-stage --rest-api-id {api_id or 'API_ID'} --stage-name {stage or 'STAGE'} "
        "--patch-operations op=replace,path=/*/*/logging/loglevel,value=INFO"
    )


def access_record(message: str, correlation_key: str | None = None) -> AccessRecord | None:
    """The access-log record in one CloudWatch message (a JSON object of ``$context`` values), or None."""
    obj = parse_line(message)
    if not isinstance(obj, dict):
        return None
    fields = extract(obj, (correlation_key,) if correlation_key else CORRELATION_KEYS)
    raw = tuple((str(key), _shown(str(key), value)) for key, value in obj.items())
    return AccessRecord(
        request_id=fields.request_id,
        extended_request_id=fields.extended_request_id,
        correlation_id=fields.correlation_id,
        status=fields.status,
        callers=tuple(mask_text(c) for c in fields.callers),
        integration_status=fields.integration_status,
        error_type=fields.error_type,
        method=fields.method,
        path=mask_text(fields.path),
        raw=raw,
    )


def _shown(key: str, value: Any) -> str:
    """The value as it may be printed, by the one rule `aws logs` and `aws query` share (apigw_mask.mask_field)."""
    return mask_field(key, value if isinstance(value, str) else json.dumps(value))
