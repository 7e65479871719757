"""The IIS log line a trace found, decoded for the IIS pane: the fields that matter, their meaning, where, how sure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.engine.iis.catalogue import StatusMeaning, describe
from console.engine.iis.httperr import httperr_reason
from console.engine.iis.win32 import win32_meaning
from console.engine.logs.model import LogKind, LogRecord
from console.engine.probes.iis_logs import BUFFERED, LogSearch
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
    data={"progress": "looking in the IIS log (IIS buffers its lines: they can appear seconds after the answer)"},
)
"""Streamed while the trace waits for the line, so the IIS hop says it is looking rather than "never arrived"."""

_W3C = (
    ("user", ("cs-username",)),
    ("time", ("date", "time")),
    ("method", ("cs-method",)),
    ("stem", ("cs-uri-stem",)),
    ("query", ("cs-uri-query",)),
    ("c-ip", ("c-ip",)),
    ("time-taken", ("time-taken",)),
)
"""What IIS answered and as whom first: a short pane must show them without scrolling."""
_HTTPERR = (
    ("time", ("date", "time")),
    ("method", ("cs-method",)),
    ("uri", ("cs-uri",)),
    ("c-ip", ("c-ip",)),
    ("status", ("sc-status",)),
    ("reason", ("s-reason",)),
)


def observation(search: LogSearch, header: str) -> HopObservation:
    """The IIS hop observation carrying the decoded line (``data["log"]``), else what was searched and why nothing
    was found (``data["search"]``, see :func:`searched`).

    Its status is unknown: it changes no hop; the line is shown, never judged here (the diagnosis decides what it
    proves). Its evidence is one short line: where, how it was matched and how sure, and the status in words."""
    record = search.chosen
    if record is None:
        return HopObservation(
            HopName.IIS, PROBE, HopStatus.UNKNOWN, None, (), data={"search": searched(search, header)}
        )
    data = decoded(record, search, header)
    return HopObservation(
        HopName.IIS,
        PROBE,
        HopStatus.UNKNOWN,
        None,
        (data["summary"],),
        confidence=search.confidence,
        data={"log": data},
    )


def searched(search: LogSearch, header: str) -> dict[str, Any]:
    """JSON-safe: what was searched when no line was found. ``location`` and ``configured`` (the profile setting
    naming it), ``problem`` (why it could not be read, without the location) and ``problem_where`` (what could not
    be read), ``searched`` (files), ``waited`` (seconds), ``id_field`` (the log names the correlation-id field:
    true, false, or null when no record was read), ``header``, ``elsewhere`` and ``unreadable`` (see LogSearch)."""
    return {
        "location": search.location,
        "configured": search.setting,
        "problem": "; ".join(why for _where, why in search.unread),
        "problem_where": "; ".join(dict.fromkeys(where for where, _why in search.unread if where)),
        "searched": list(search.searched),
        "waited": round(search.waited, 3),
        "id_field": search.id_field,
        "header": header,
        "elsewhere": search.elsewhere,
        "unreadable": search.unreadable,
    }


def why_none(search: Mapping[str, Any], correlation_id: str) -> tuple[bool, str]:
    """Why :func:`searched`'s search found no line: (whether it may still come, the sentence).

    The log may name no correlation-id field, hold the id only in another field or on a line it cannot read;
    else IIS may simply not have written the line yet (it buffers its log)."""
    header = str(search.get("header") or "correlation-id")
    if search.get("id_field") is False:
        return False, (
            f"the log has no {header} field (its #Fields directive does not name it), so no line can be tied to "
            "this request"
        )
    for known in ("elsewhere", "unreadable"):
        if search.get(known):
            return False, str(search[known])
    files = search.get("searched")
    where = ", ".join(str(f) for f in files) if isinstance(files, list) and files else str(search.get("location"))
    waited = search.get("waited")
    after = f" after looking for {waited:.0f} s" if isinstance(waited, int | float) and waited >= 1 else ""
    return True, f"no line with {correlation_id} in {where}{after}; {BUFFERED}, so it may not be written yet"


def decoded(record: LogRecord, search: LogSearch, header: str) -> dict[str, Any]:
    """JSON-safe: kind, where (file:line), confidence, reason, fields [[name, value] …] and meaning."""
    httperr = record.schema.kind is LogKind.HTTPERR
    fields: list[list[str]] = []
    for label, names in _HTTPERR if httperr else _W3C:
        values = [record.get(n) for n in names]
        if any(v is not None for v in values):  # the log has the field: '-' (empty) is worth seeing too
            fields.append([label, " ".join(v for v in values if v) or "-"])
    words = ""
    where, label = f"{record.source}:{record.line}", f"{search.confidence.value}: {search.reason()}"
    if httperr:
        reason = record.get("s-reason") or ""
        words = _httperr_words(reason) if reason else ""
        summary = f"HTTPERR line {where} ({label}): {_httperr_short(record)}"
    else:
        status, sub, win32 = record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status")
        found = describe(status, sub, win32) if status is not None else None  # once: the words and the summary
        if found is not None:
            fields.insert(0, ["status", ".".join(str(n) for n in (status, sub, win32) if n is not None)])
            words = _status_words(found, win32)
        if win32:
            fields.append(["win32", str(win32)])
        name = correlation_field(record.schema, header)
        if name is not None:
            fields.append([name, record.get(name) or ""])
        summary = f"IIS log line {where} ({label}): {_status_short(found, win32)}"
    return {
        "kind": "HTTPERR" if httperr else "W3C",
        "where": where,
        "confidence": search.confidence.value,
        "reason": search.reason(),
        "fields": fields,
        "meaning": words,
        "summary": summary,
    }


def _status_short(found: StatusMeaning | None, win32: int | None) -> str:
    """``404.0.2 Not found, win32 2 ERROR_FILE_NOT_FOUND``: the status in the catalogue's few words."""
    if found is None:
        return "no sc-status field"
    if not win32:  # 0 only says "no error"
        return f"{found.code} {found.title}"
    return f"{found.code} {found.title}, win32 {win32} {win32_meaning(win32).name or ''}".rstrip()


def _httperr_short(record: LogRecord) -> str:
    """``400 FieldLength: <meaning>``: http.sys's status and reason phrase in the catalogue's words."""
    reason = record.get("s-reason") or "-"
    meaning = httperr_reason(reason).meaning if reason != "-" else ""
    return f"{record.get('sc-status') or '-'} {reason}" + (f": {meaning}" if meaning else "")


def _status_words(found: StatusMeaning, win32: int | None) -> str:
    """The shared catalogue's plain words for status.substatus.win32."""
    said = (found.title, found.plain, found.win32_words if win32 else "")  # win32 0 says only "no error"
    return " — ".join(p for p in said if p)


def _httperr_words(reason: str) -> str:
    """The shared catalogue's meaning and fix for an HTTPERR reason phrase."""
    found = httperr_reason(reason)
    return " — ".join(p for p in (found.meaning, found.fix) if p)
