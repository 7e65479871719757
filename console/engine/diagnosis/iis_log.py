"""The IIS W3C log line for this request's correlation id read as IIS's view: who it logged, and its status."""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.iis import IisView
from console.engine.probes.w3c import parse_record
from console.model.trace import Confidence

CONFIDENCE = Confidence.LIKELY
"""A log line is IIS's own record, but matched by correlation id and read by field names the site configures."""


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
    """Why the log could not show who IIS resolved (no line, no #Fields, cs-username '-' …)."""
    evidence: tuple[str, ...] = ()


def read_log(ev: Evidence) -> LogReading | None:
    """The log's reading for this trace, or None when no log_path is configured (or ground truth speaks)."""
    path = ev.target.log_path
    if not path or ev.record is not None:
        return None
    source = f"IIS log {path}"
    if not ev.log_line:
        return LogReading(None, None, source, note=ev.log_note or f"no line with {ev.correlation_id} in {path}")
    # The probe kept the #Fields directive in force for the line: diagnosis reads no file.
    record, why = parse_record(ev.log_fields, ev.log_line, ev.correlation_id)
    if record is None:
        return LogReading(ev.log_line, None, source, note=f"the log line for {ev.correlation_id} cannot be read: {why}")
    status = (record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status"))
    logged = {
        name: value
        for name, _claim in ev.target.propagation
        for value in (record.get(name), record.get(f"cs({name})"))
        if value is not None
    }
    user = record.get("cs-username") or ""
    lines = [f"{source}: cs-username {user or '-'}", *(f"{source}: {k}: {v or '-'}" for k, v in logged.items())]
    subject = ev.target.subject_header
    if not user and subject and logged.get(subject):
        # cs-username stays '-' unless IIS itself authenticated the call; the logged header is what IIS received.
        user = logged[subject]
        lines.append(f"cs-username is '-': the user is the {subject} value IIS received and logged")
    if not user:
        named = f" and no {subject} field" if subject else ""
        note = f"the log line for {ev.correlation_id} has cs-username '-'{named}: it does not show who IIS resolved"
        return LogReading(ev.log_line, None, source, *status, note=note, evidence=tuple(lines))
    view = IisView({k: v for k, v in logged.items() if v}, user, "logged", {})
    return LogReading(ev.log_line, view, source, *status, evidence=tuple(lines))
