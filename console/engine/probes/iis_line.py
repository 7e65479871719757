"""The IIS log line a trace found, decoded for the IIS pane: the fields that matter, their meaning, where, how sure."""

from __future__ import annotations

from typing import Any

from console.engine.iis.catalogue import describe
from console.engine.iis.httperr import httperr_reason
from console.engine.logs.model import LogKind, LogRecord
from console.engine.probes.iis_logs import LogSearch
from console.engine.probes.w3c import correlation_field
from console.model.enums import Confidence, HopName, HopStatus
from console.model.trace import HopObservation

PROBE = "iis-log"
LOOKING = HopObservation(
    HopName.IIS,
    PROBE,
    HopStatus.UNKNOWN,
    None,
    ("looking in the IIS log… (IIS buffers its log lines: they can appear seconds after the answer)",),
    confidence=Confidence.POSSIBLE,
)
"""Streamed while the trace waits for the line, so the IIS hop says it is looking rather than "never arrived"."""

_W3C = (
    ("time", ("date", "time")),
    ("method", ("cs-method",)),
    ("stem", ("cs-uri-stem",)),
    ("query", ("cs-uri-query",)),
    ("user", ("cs-username",)),
    ("c-ip", ("c-ip",)),
    ("time-taken", ("time-taken",)),
)
_HTTPERR = (
    ("time", ("date", "time")),
    ("method", ("cs-method",)),
    ("uri", ("cs-uri",)),
    ("c-ip", ("c-ip",)),
    ("status", ("sc-status",)),
    ("reason", ("s-reason",)),
)


def observation(search: LogSearch, header: str) -> HopObservation | None:
    """The IIS hop observation carrying the decoded line (``data["log"]``); None when no line was found.

    Its status is unknown: the line is shown, never judged here (the diagnosis decides what it proves)."""
    record = search.chosen
    if record is None:
        return None
    data = decoded(record, search, header)
    said = f"IIS log {data['where']}: {data['reason']} ({data['confidence']})"
    return HopObservation(
        HopName.IIS, PROBE, HopStatus.UNKNOWN, None, (said,), confidence=search.confidence, data={"log": data}
    )


def decoded(record: LogRecord, search: LogSearch, header: str) -> dict[str, Any]:
    """JSON-safe: kind, where (file:line), confidence, reason, fields [[name, value] …] and meaning."""
    httperr = record.schema.kind is LogKind.HTTPERR
    fields: list[list[str]] = []
    for label, names in _HTTPERR if httperr else _W3C:
        values = [record.get(n) for n in names]
        if any(v is not None for v in values):  # the log has the field: '-' (empty) is worth seeing too
            fields.append([label, " ".join(v for v in values if v) or "-"])
    words = ""
    if httperr:
        reason = record.get("s-reason") or ""
        words = _httperr_words(reason) if reason else ""
    else:
        status, sub, win32 = record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status")
        if status is not None:
            code = ".".join(str(n) for n in (status, sub, win32) if n is not None)
            at = sum(1 for f in fields if f[0] in ("time", "method", "stem", "query"))
            fields.insert(at, ["status", code])
            words = _status_words(status, sub, win32)
        if win32:
            fields.append(["win32", str(win32)])
        name = correlation_field(record.schema, header)
        if name is not None:
            fields.append([name, record.get(name) or ""])
    return {
        "kind": "HTTPERR" if httperr else "W3C",
        "where": f"{record.source}:{record.line}",
        "confidence": search.confidence.value,
        "reason": search.reason(),
        "fields": fields,
        "meaning": words,
    }


def _status_words(status: int, sub: int | None, win32: int | None) -> str:
    """The shared catalogue's plain words for status.substatus.win32."""
    found = describe(status, sub, win32)
    said = (found.title, found.plain, found.win32_words if win32 else "")  # win32 0 says only "no error"
    return " — ".join(p for p in said if p)


def _httperr_words(reason: str) -> str:
    """The shared catalogue's meaning and fix for an HTTPERR reason phrase."""
    found = httperr_reason(reason)
    return " — ".join(p for p in (found.meaning, found.fix) if p)
