"""API Gateway access logs (JSON lines of ``$context`` variables): every physical line a record, blank or quarantined.

Keys and the values read from them: see gateway_fields.

A CloudWatch export puts a timestamp (ISO-8601, ``Tue Jun 23 02:21:45 UTC 2020 :``, epoch s/ms), sometimes after a
log stream name and a tab, before the JSON: that prefix is skipped. Any other text before the JSON (an execution-log
message such as ``Endpoint response body before transformations: {...}``) quarantines the line.
"""

from __future__ import annotations

import datetime
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from console.engine.logs.gateway_fields import (
    CALLER_KEYS,
    CORRELATION_KEYS,
    GatewayFields,
    clf_time,
    extract,
    value_of,
)
from console.engine.logs.model import Quarantined, Tally
from console.engine.logs.sources import LogSource, input_error

__all__ = [
    "CALLER_KEYS",
    "CORRELATION_KEYS",
    "GatewayFields",
    "GatewayRecord",
    "clf_time",
    "extract",
    "parse_line",
    "quarantine",
    "read_gateway",
    "split_lines",
    "value_of",
]

_BOM = b"\xef\xbb\xbf"
_QUOTE_CAP = 4096  # a quarantined binary blob can be megabytes; its line number and offset still find it

_DECODER = json.JSONDecoder()
# What CloudWatch exports put before a message: an optional log stream name and a tab, then ISO-8601, the console's
# "Tue Jun 23 02:21:45 UTC 2020 :", or epoch seconds/milliseconds; then spaces or a tab.
_PREFIX = re.compile(
    r"(?:[^\s\"{}]+\t)?"
    r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
    r"|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d UTC \d{4} :"
    r"|\d{10,13})[ \t]+"
)
_EXECUTION_LINE = re.compile(r"\([0-9a-fA-F-]{36}\) ")


@dataclass(frozen=True, slots=True)
class GatewayRecord:
    """One access-log request, with the values the join needs lifted out of ``raw`` (the whole JSON object)."""

    source: str
    line: int
    request_id: str | None
    extended_request_id: str | None
    correlation_id: str | None
    caller: str | None
    """The first non-empty of :data:`CALLER_KEYS`."""
    status: int | None
    time: datetime.datetime | None
    method: str
    path: str
    raw: dict[str, Any]
    offset: int = 0
    callers: tuple[str, ...] = ()
    """Every distinct non-empty caller value, in :data:`CALLER_KEYS` order (a Lambda authorizer's principalId
    and its ``sub`` may differ; IIS matching either is the same caller)."""
    integration_status: int | None = None
    error_type: str | None = None


def parse_line(text: str) -> dict[str, Any] | str:
    """The JSON object on one access-log line, or why the line is not one (a quarantine reason)."""
    body = text.strip()
    if not body.startswith("{"):
        whole = _whole_json(body)
        if whole is not None:
            return f"JSON {whole}, not an object"
        if _EXECUTION_LINE.match(body):
            return "an execution-log line ((requestId) prefix), not an access-log record"
        brace = body.find("{")
        if brace < 0:
            return "no JSON object on the line"
        prefix = body[:brace]
        if not _cloudwatch_prefix(prefix):
            return "text before the JSON object is not a CloudWatch timestamp prefix"
        body = body[brace:]
    try:
        obj, end = _DECODER.raw_decode(body)
    except json.JSONDecodeError as err:
        if not body.endswith("}") and (err.pos >= len(body) - 1 or err.msg.startswith("Unterminated string")):
            return "truncated JSON (the line ends inside the object)"
        return f"not valid JSON: {err.msg} at column {err.colno}"
    except RecursionError:
        return "not valid JSON: nested too deeply"
    if end != len(body):
        return "text after the JSON object"
    if not isinstance(obj, dict):
        return f"JSON {type(obj).__name__}, not an object"
    return obj


def _whole_json(body: str) -> str | None:
    """The JSON type name when the whole line is one JSON value (a list, a string, a number …), else None."""
    try:
        value, end = _DECODER.raw_decode(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    return type(value).__name__ if end == len(body) else None


def _cloudwatch_prefix(prefix: str) -> bool:
    return len(prefix) <= 200 and _PREFIX.fullmatch(prefix) is not None


def split_lines(
    source: LogSource,
    tally: Tally,
    progress: Callable[[int], None] | None = None,
    begin: int = 0,
    end: int | None = None,
    line_base: int = 0,
) -> Iterator[tuple[int, int, str | None, bytes]]:
    """(line number, byte offset, text or None when the line holds NUL bytes, raw bytes) for every physical line.

    Lines end at LF (CRLF loses its CR), as in the IIS reader. Bytes that are not UTF-8 become U+FFFD (the line is
    still parsed: one odd byte in a user agent must not lose the request). ``begin``/``end`` (plain files only)
    read the lines starting in that byte range, ``begin`` being a line start with ``line_base`` lines before it.
    I/O errors raise LogInputError."""
    stream = source.open()
    offset = begin
    try:
        if begin:
            stream.seek(begin)
        for physical in stream:
            if end is not None and offset >= end:
                break
            tally.lines += 1
            start = offset
            offset += len(physical)
            if physical.endswith(b"\n"):
                raw = physical[:-1]
            else:
                raw = physical
                tally.truncated_last_line = True
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            if start == 0:
                raw = raw.removeprefix(_BOM)
            yield line_base + tally.lines, start, None if b"\0" in raw else raw.decode("utf-8", "replace"), raw
            if progress is not None and not tally.lines & 0x3FFF:
                progress(source.disk_position(stream, offset) - begin)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # zlib: corrupt data mid-stream, as the reader
        raise input_error(source.label, exc) from None
    finally:
        stream.close()
    if progress is not None:
        progress(source.disk_position(stream, offset) - begin)


def quarantine(source: str, number: int, start: int, raw: bytes, reason: str | None = None) -> Quarantined:
    """A line that is not an access-log record, its text shown with replacement characters."""
    if reason is None:
        reason = "binary data (NUL bytes in the line)"
    text = raw[:_QUOTE_CAP].replace(b"\0", b"").decode("utf-8", "replace")
    return Quarantined(source, number, start, reason, text + ("…" if len(raw) > _QUOTE_CAP else ""))


def read_gateway(
    source: LogSource,
    tally: Tally | None = None,
    correlation_key: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[GatewayRecord | Quarantined]:
    """Stream one access log: a record per JSON object, quarantined lines with their reason; blanks only counted.

    ``correlation_key`` names the key holding the correlation id when it is none of the usual names; ``progress``
    gets the bytes on disk read so far now and then. Raises LogInputError for I/O only, never for content."""
    tally = tally if tally is not None else Tally(source.label)
    if not tally.source:
        tally.source = source.label
    label = source.label
    correlation_keys = (correlation_key,) if correlation_key else CORRELATION_KEYS
    for number, start, text, raw in split_lines(source, tally, progress):
        if text is None:
            tally.quarantined += 1
            yield quarantine(label, number, start, raw)
            continue
        if not text.strip():
            tally.blank += 1
            continue
        obj = parse_line(text)
        if isinstance(obj, str):
            tally.quarantined += 1
            yield quarantine(label, number, start, raw, obj)
            continue
        tally.records += 1
        fields = extract(obj, correlation_keys)
        yield GatewayRecord(
            source=label,
            line=number,
            request_id=fields.request_id,
            extended_request_id=fields.extended_request_id,
            correlation_id=fields.correlation_id,
            caller=fields.callers[0] if fields.callers else None,
            status=fields.status,
            time=clf_time(fields.time),
            method=fields.method,
            path=fields.path,
            raw=obj,
            offset=start,
            callers=fields.callers,
            integration_status=fields.integration_status,
            error_type=fields.error_type,
        )
