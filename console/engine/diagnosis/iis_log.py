"""The IIS W3C log records for this request's correlation id read as IIS's view: who it logged, and its status."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.iis.status import meaning
from console.engine.logs.model import LogRecord
from console.engine.probes.iis import IisView
from console.engine.probes.iis_line import PROBE as LOG_PROBE
from console.engine.probes.iis_line import searched, why_none
from console.engine.probes.iis_logs import LogSearch
from console.engine.probes.w3c import line_text
from console.model.findings import Finding
from console.model.trace import Confidence, HopName

CONFIDENCE = Confidence.LIKELY
"""A log line is IIS's own record, but matched by correlation id and read by field names the site configures."""
SKEW = 300.0
"""Seconds a record's UTC time may lie outside the trace (clocks differ); IIS buffers lines but stamps them when
the request ends, so a line stamped long before the trace started is an earlier request's."""


@dataclass(frozen=True, slots=True)
class LogReading:
    """What the log line says: the view it gives (None when it names no user), IIS's status, and why not."""

    line: str | None
    view: IisView | None
    source: str
    status: int | None = None
    substatus: int | None = None
    win32_status: int | None = None
    note: str = ""
    """Why the log could not show who IIS resolved (no line, no correlation field, cs-username '-' …)."""
    evidence: tuple[str, ...] = ()
    conflict: str = ""
    """Set when this request's records disagree (two users or statuses for one id): what they say."""
    no_field: bool = False
    """True when the log has no correlation-id field: no line can ever be tied to a request."""


W3C_WANTED = "the IIS W3C log line for this request"
"""How the response's reading asks for the W3C line (console/engine/diagnosis/response_iis.py, ``_LOG``)."""


def _found(ev: Evidence) -> dict[str, object]:
    """The decoded IIS log line the trace found (engine/probes/iis_line.py), or an empty dict."""
    return next((o.data["log"] for o in ev.observations if o.probe == LOG_PROBE and "log" in o.data), {})


def found_lines(ev: Evidence) -> list[str]:
    """The IIS log line's short line on the IIS hop: where, how it was matched and how sure, its status in words.

    The probe's observation changes no status, so its evidence would be dropped beside informative ones."""
    said = _found(ev).get("summary")
    return [said] if isinstance(said, str) else []


def time_taken(ev: Evidence) -> str | None:
    """``time-taken`` (ms) of the decoded IIS log line, when the line has that field."""
    fields = _found(ev).get("fields")
    pairs = fields if isinstance(fields, list) else []
    return next((str(p[1]) for p in pairs if isinstance(p, list) and p[:1] == ["time-taken"] and len(p) == 2), None)


def log_lines(log: LogReading | None) -> list[str]:
    """What the IIS log showed, on the IIS hop: the line itself, and why it did not confirm when it did not."""
    if log is None:
        return []
    lines = [*([f"{log.source}: line {log.line}"] if log.line else []), *log.evidence]
    return lines if log.view is not None else [*lines, f"{log.source}: {log.note}"]


def read_log(ev: Evidence) -> LogReading | None:
    """The log's reading for this trace, or None when no log was searched (or ground truth speaks).

    Only a line tied by its correlation id can confirm or refute: a time-window guess or an HTTPERR line is
    shown and said, but gives no view, no status and no finding (a guessed line may only lower confidence)."""
    search = ev.log_search
    if search is None or ev.record is not None:
        return None
    source = f"IIS log {ev.target.log_path or ev.target.httperr_path}"
    if not search.by_id:
        return _unmatched(ev, search, source)
    records: list[LogRecord] = []
    refused: list[tuple[LogRecord, str]] = []
    now = time.time()
    earliest = (ev.started_at if ev.started_at is not None else now) - SKEW
    for record in search.by_id:
        when = record.logged_at()
        if when is None:
            refused.append((record, "it has no date and time fields, so it cannot be told from an earlier request's"))
        elif not earliest <= when.timestamp() <= now + SKEW:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            refused.append((record, f"it is dated {stamp} UTC, not the time of this trace: an earlier request's line"))
        else:
            records.append(record)
    if not records:
        record, why = refused[-1]
        note = f"the log line with {ev.correlation_id} cannot confirm this request: {why}"
        return LogReading(line_text(record), None, source, note=note)
    reading = _reading(ev, records, source)
    where = f"{source}: found by correlation id in {', '.join(dict.fromkeys(r.source for r in records))}"
    return replace(reading, evidence=(where, *reading.evidence))


def _unmatched(ev: Evidence, search: LogSearch, source: str) -> LogReading:
    """No line carries this request's id: say why, what was guessed instead, and that IIS may not have written it."""
    cid, header = ev.correlation_id, ev.target.correlation_header
    no_field = search.id_field is False
    if search.problem and not (search.candidates or search.httperr or search.id_field is not None):
        return LogReading(None, None, source, note=search.problem)
    _later, said = why_none(searched(search, header), cid)
    evidence: list[str] = []
    if search.httperr:
        said = joined(said, _refusal(search))
    if search.candidates:
        said = joined(
            said,
            f"{search.reason()} ({', '.join(f'{r.source}:{r.line}' for r in search.candidates[:3])}): a guess, "
            "so it cannot show who IIS resolved",
        )
    for record in (*search.candidates[:3], *search.httperr[:3]):
        evidence.append(f"{source}: possible line {record.source}:{record.line}: {line_text(record)}")
    if search.problem:
        said = joined(said, search.problem)
    return LogReading(None, None, source, note=said, evidence=tuple(evidence), no_field=no_field)


def joined(sentence: str, more: str) -> str:
    """``sentence; more`` as one sentence: a full stop ending the first is dropped (never ".;")."""
    head = sentence.rstrip()
    if head.endswith(".") and not head.endswith(".."):
        head = head[:-1]
    return f"{head}; {more}" if head else more


def _refusal(search: LogSearch) -> str:
    record = search.httperr[0]
    reason = record.get("s-reason") or "-"
    return (
        f"http.sys refused a request of this time, method and URL before IIS saw it (HTTPERR "
        f"{record.source}:{record.line}: {record.get('sc-status') or '-'} {reason}; {len(search.httperr)} "
        "candidate" + ("s" if len(search.httperr) != 1 else "") + "), so the site's log has no line for it"
    )


_Status = tuple[int | None, int | None, int | None]


def _identity(ev: Evidence, record: LogRecord) -> tuple[str, dict[str, str], _Status]:
    logged = {
        name: value
        for name, _claim in ev.target.propagation
        for value in (record.get(name), record.get(f"cs({name})"))
        if value is not None
    }
    status = (record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status"))
    return record.get("cs-username") or "", logged, status


def _reading(ev: Evidence, records: list[LogRecord], source: str) -> LogReading:
    """One reading from this request's records: they must agree on the user, the identity headers and the status."""
    read = [_identity(ev, r) for r in records]
    user, logged, status = read[0]
    line = line_text(records[0])
    lines = [f"{source}: cs-username {user or '-'}", *(f"{source}: {k}: {v or '-'}" for k, v in logged.items())]
    distinct = {(u, tuple(sorted(h.items())), s[:2]) for u, h, s in read}
    if len(distinct) > 1:
        said = "; ".join(
            f"cs-username {u or '-'}" + "".join(f", {k}: {v or '-'}" for k, v in h) + f", status {_code(s)}"
            for u, h, s in sorted(distinct)
        )
        conflict = f"the IIS log has {len(records)} lines for {ev.correlation_id} that disagree ({said})"
        evidence = tuple(f"{source}: line {r.source}:{r.line}: {line_text(r)}" for r in records)
        return LogReading(
            "\n".join(line_text(r) for r in records), None, source, *status, evidence=evidence, conflict=conflict
        )
    if len(records) > 1:
        lines.append(f"{source}: {len(records)} lines for this correlation id, all alike (a retry?)")
    if not user:
        # cs-username stays '-' unless IIS itself authenticated the call: a logged header shows what arrived,
        # not who the application resolved from it (an echo's null user does say that: it is the app's answer).
        arrived = ", ".join(f"{k}: {v}" for k, v in logged.items() if v)
        note = (
            f"the log line for {ev.correlation_id} shows {arrived} arrived at IIS, but its cs-username is '-': "
            "IIS logs a user only when it authenticated the call itself, so the line does not show who the "
            "application resolved"
            if arrived
            else f"the log line for {ev.correlation_id} has cs-username '-': it does not show who IIS resolved"
        )
        return LogReading(line, None, source, *status, note=note, evidence=tuple(lines))
    view = IisView({k: v for k, v in logged.items() if v}, user, "logged", {})
    return LogReading(line, view, source, *status, evidence=tuple(lines))


def _code(status: tuple[int | None, ...]) -> str:
    code, sub = status[0], status[1]
    return "-" if code is None else f"{code}.{sub}" if sub is not None else str(code)


def status_findings(log: LogReading | None) -> list[Finding]:
    """IIS's own refusal as its log records it (401.2 …), when the log shows no user whose refusal it would be."""
    if log is None or log.line is None or log.view is not None or log.conflict or (log.status or 0) < 400:
        return []
    status, sub = log.status or 0, log.substatus
    code = _code((status, sub))
    said = f"the IIS log records {code} ({meaning(status, sub) or 'an error'}) for this request"
    evidence = (f"{log.source}: sc-status {code}",)
    if status == 401 and sub in _REFUSALS_401:
        return [hop_finding(_REFUSALS_401[sub], said, hop=HopName.IIS, confidence=CONFIDENCE, evidence=evidence)]
    if (status == 401 and sub is not None and sub > 500) or (status == 403 and sub not in {14, 18, 19}):
        return [hop_finding("iis.access_denied", said, hop=HopName.IIS, confidence=CONFIDENCE, evidence=evidence)]
    code_name = "iis.error" if status == 401 else "iis.http_error"
    return [hop_finding(code_name, said, hop=HopName.IIS, confidence=CONFIDENCE, evidence=evidence)]


_REFUSALS_401 = {1: "iis.logon_failed", 2: "iis.no_auth_method", 3: "iis.access_denied"}


def conflict_finding(log: LogReading) -> Finding:
    """iis.identity_ambiguous for this request's log lines that disagree (LogReading.conflict)."""
    fix = (
        "Find why one correlation id has several differing lines (a retry, a replay, or a client reusing the id); "
        "trace again with a fresh correlation id. Baton confirms the identity only when IIS's records agree."
    )
    return hop_finding(
        "iis.identity_ambiguous",
        log.conflict,
        hop=HopName.IIS,
        confidence=CONFIDENCE,
        evidence=log.evidence,
        fix=fix,
    )
