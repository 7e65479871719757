"""The IIS W3C log records for this request's correlation id read as IIS's view: who it logged, and its status."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.iis.status import meaning
from console.engine.probes.iis import IisView
from console.engine.probes.w3c import W3cRecord, parse_record, unpack
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


def read_log(ev: Evidence) -> LogReading | None:
    """The log's reading for this trace, or None when no log_path is configured (or ground truth speaks)."""
    path = ev.target.log_path
    if not path or ev.record is not None:
        return None
    source = f"IIS log {path}"
    cid, header = ev.correlation_id, ev.target.correlation_header
    if not ev.log_line:
        return LogReading(None, None, source, note=ev.log_note or f"no line with {cid} in {path}")
    records: list[W3cRecord] = []
    refused: list[tuple[str, str]] = []
    now = time.time()
    earliest = (ev.started_at if ev.started_at is not None else now) - SKEW
    for line, directive in unpack(ev.log_line, ev.log_fields):
        record, why = parse_record(directive, line, cid, header)
        when = record.logged_at() if record is not None else None
        if record is not None and when is None:
            record, why = None, "it has no date and time fields, so it cannot be told from an earlier request's"
        elif record is not None and when is not None and not earliest <= when.timestamp() <= now + SKEW:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            record, why = None, f"it is dated {stamp} UTC, not the time of this trace: an earlier request's line"
        if record is None:
            refused.append((line, why))
        else:
            records.append(record)
    if not records:
        line, why = refused[0]
        note = f"the log line with {cid} cannot confirm this request: {why}"
        return LogReading(line, None, source, note=note, no_field="has no" in why and header in why)
    reading = _reading(ev, records, source)
    return replace(reading, evidence=(f"{source}: {ev.log_note}", *reading.evidence)) if ev.log_note else reading


_Status = tuple[int | None, int | None, int | None]


def _identity(ev: Evidence, record: W3cRecord) -> tuple[str, dict[str, str], _Status]:
    logged = {
        name: value
        for name, _claim in ev.target.propagation
        for value in (record.get(name), record.get(f"cs({name})"))
        if value is not None
    }
    status = (record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status"))
    return record.get("cs-username") or "", logged, status


def _reading(ev: Evidence, records: list[W3cRecord], source: str) -> LogReading:
    """One reading from this request's records: they must agree on the user, the identity headers and the status."""
    read = [_identity(ev, r) for r in records]
    user, logged, status = read[0]
    line = records[0].line
    lines = [f"{source}: cs-username {user or '-'}", *(f"{source}: {k}: {v or '-'}" for k, v in logged.items())]
    distinct = {(u, tuple(sorted(h.items())), s[:2]) for u, h, s in read}
    if len(distinct) > 1:
        said = "; ".join(
            f"cs-username {u or '-'}" + "".join(f", {k}: {v or '-'}" for k, v in h) + f", status {_code(s)}"
            for u, h, s in sorted(distinct)
        )
        conflict = f"the IIS log has {len(records)} lines for {ev.correlation_id} that disagree ({said})"
        evidence = tuple(f"{source}: line {r.line}" for r in records)
        return LogReading(
            "\n".join(r.line for r in records), None, source, *status, evidence=evidence, conflict=conflict
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
