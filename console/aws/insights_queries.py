"""CloudWatch Logs Insights query texts for searches over many requests: by user, status or correlation id.

The service does the scanning (Baton never pulls a log group down); every text is shown so the user can rerun it in
the AWS console. Access logs are JSON, so Insights discovers their keys as fields (nested ones dotted); the caller
and correlation keys are the ones `baton logs join` reads (console.engine.logs.gateway_fields). IIS W3C lines shipped
by the CloudWatch agent are split with ``parse`` in IIS's default field order (domain §4: ``date time s-ip cs-method
cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status
time-taken``); ``#`` directive lines are left out. A user or correlation id is matched exactly on every group: by
field equality in access and IIS logs, and in execution-log messages by a regex that needs a non-name character (or
the line's end) on each side, so ``alice`` never matches ``malice`` or ``alice-sub-0001``.
"""

from __future__ import annotations

import re

from console.engine.logs.gateway_fields import CALLER_KEYS, CORRELATION_KEYS
from console.errors import UsageError

__all__ = ["GROUPS", "IIS_FIELDS", "LIMIT", "build_query", "exact_token", "literal"]

GROUPS = ("access", "execution", "iis")
LIMIT = 200
IIS_FIELDS = (
    "date, time, s_ip, cs_method, cs_uri_stem, cs_uri_query, s_port, cs_username, c_ip, cs_user_agent, "
    "cs_referer, sc_status, sc_substatus, sc_win32_status, time_taken"
)
_IIS_PARSE = 'parse @message "* * * * * * * * * * * * * * *" as ' + IIS_FIELDS
_UNSAFE = re.compile(r"[\"\\|`\x00-\x1f\x7f]")


def literal(value: str, what: str) -> str:
    """``value`` as an Insights string literal; UsageError for characters that could change the query."""
    if not value or _UNSAFE.search(value) or len(value) > 500:
        raise UsageError(
            f"{what} must be 1–500 characters without quotes, backslashes, '|', backticks or control characters",
            where=what,
        )
    return f'"{value}"'


_BOUNDARY = r"[^A-Za-z0-9_.@+-]"
"""What may stand next to a user or id in a log line (``=``, ``,``, quotes, spaces, braces): not part of a longer
name, so ``alice`` matches ``X-User-Id=alice`` and never ``malice`` nor ``alice-sub-0001``."""
_REGEX_SPECIAL = re.compile(r"[.^$*+?()\[\]{}/-]")


def exact_token(value: str, what: str) -> str:
    """An Insights regex matching ``value`` as a whole token in ``@message`` (no look-around: Insights has none)."""
    literal(value, what)  # the same refusals as a string literal
    escaped = _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), value)
    return f"/(^|{_BOUNDARY}){escaped}($|{_BOUNDARY})/"


def _field(name: str) -> str:
    """A field name, in backticks when it is not a plain dotted identifier (``X-Correlation-Id``)."""
    return name if re.fullmatch(r"[A-Za-z_@][A-Za-z0-9_.]*", name) else f"`{name}`"


def _any_of(keys: tuple[str, ...], value: str) -> str:
    return " or ".join(f"{_field(key)} = {value}" for key in keys)


def build_query(
    group: str, *, user: str | None = None, status: int | None = None, correlation_id: str | None = None
) -> str:
    """The Insights query over the ``group`` kind (access, execution or iis) for exactly one criterion."""
    given = [c for c in (user, status, correlation_id) if c is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of --user, --status, --correlation-id or --insights", where="aws query")
    if status is not None and not 100 <= status <= 599:
        raise UsageError(f"--status {status} is not an HTTP status (100–599)", where="--status")
    head = "fields @timestamp, @message, @logStream"
    if group == "access":
        if user is not None:
            where = _any_of(CALLER_KEYS, literal(user, "--user"))
        elif status is not None:
            where = f'status = "{status}" or status = {status}'
        else:
            where = _any_of(CORRELATION_KEYS, literal(str(correlation_id), "--correlation-id"))
        return f"{head}\n| filter {where}\n| sort @timestamp desc\n| limit {LIMIT}"
    if group == "execution":
        if status is not None:
            where = f'@message like "Method completed with status: {status}"'
        else:
            value = user if user is not None else correlation_id
            where = f"@message like {exact_token(str(value), '--user' if user is not None else '--correlation-id')}"
        return f"{head}\n| filter {where}\n| sort @timestamp desc\n| limit {LIMIT}"
    if group == "iis":
        if user is not None:
            where = f"cs_username = {literal(user, '--user')}"
        elif status is not None:
            where = f'sc_status = "{status}"'
        else:
            where = f"@message like {exact_token(str(correlation_id), '--correlation-id')}"
        return (
            f"{head}\n| filter @message not like /^#/\n| {_IIS_PARSE}\n| filter {where}\n"
            f"| sort @timestamp desc\n| limit {LIMIT}"
        )
    raise UsageError(f"unknown log group kind '{group}': use one of {', '.join(GROUPS)}", where="--group")
