"""One log line decoded for the Logs view's detail pane: every field, and the status in the catalogue's words."""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.logs.identity import iis_user
from console.engine.logs.model import LogKind, LogRecord, Quarantined


@dataclass(frozen=True, slots=True)
class RecordDetail:
    """What widgets.log_record_detail renders (its RecordDetailLike)."""

    where: str
    kind: str
    fields: tuple[tuple[str, str, str], ...]
    meaning: tuple[tuple[str, str], ...]
    note: str = ""


def detail_of(item: LogRecord | Quarantined, note: str = "") -> RecordDetail:
    """Every field of ``item`` (decoded, raw) and its status words; a quarantined line with its reason."""
    where = f"{item.source.rsplit('/', 1)[-1]}:{item.line} (byte {item.offset})"
    if isinstance(item, Quarantined):
        return RecordDetail(where, "quarantined line", (("text", item.text, item.text),), (("reason", item.reason),))
    fields = tuple((name, item.get(name) or "", raw) for name, raw in zip(item.schema.fields, item.raw, strict=False))
    kind = {LogKind.W3C: "IIS W3C", LogKind.HTTPERR: "http.sys HTTPERR", LogKind.ADVANCED: "IIS Advanced Logging"}
    software = f" · {item.schema.software}" if item.schema.software else ""
    user = iis_user(item)
    caller = (("user", f"{user[0]} (from the {user[1]} field, as the join reads it)"),) if user else ()
    told = kind.get(item.schema.kind, str(item.schema.kind)) + software
    return RecordDetail(where, told, fields, caller + words(item), note)


def words(record: LogRecord) -> tuple[tuple[str, str], ...]:
    """The status (and HTTPERR reason) in plain words, from the shared IIS catalogue."""
    found: list[tuple[str, str]] = []
    status = record.number("sc-status")
    if status is not None:
        found += status_words(status, record.number("sc-substatus"), record.number("sc-win32-status"))
    reason = record.get("s-reason")
    if reason:
        found += reason_words(reason)
    return tuple(found)


def status_words(status: int, substatus: int | None, win32: int | None) -> list[tuple[str, str]]:
    from console.engine.iis import describe

    told = describe(status, substatus, win32)
    found = [("status", f"{told.code} {told.title}: {told.plain}".strip(" :"))]
    if win32 and told.win32_words:  # 0 is ERROR_SUCCESS: nothing to say
        found.append(("win32", told.win32_words))
    if told.normal and status >= 400:  # a 2xx is normal by definition; a 401 that is normal needs saying
        found.append(("normal", "an expected step (the first leg of a Windows-auth handshake), not a failure"))
    if told.fix:
        found.append(("fix", told.fix))
    return found


def reason_words(reason: str) -> list[tuple[str, str]]:
    from console.engine.iis import httperr_reason

    told = httperr_reason(reason)
    found = [("reason", f"{reason}: {told.meaning}" + (" (routine, not a failure)" if told.normal else ""))]
    if told.fix:
        found.append(("fix", told.fix))
    return found
