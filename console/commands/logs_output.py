"""How `baton logs` prints: one decoded line per record, JSON lines, tables and CSV — every log string made inert."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from console.commands.style import Style
from console.engine.logs.model import LogRecord, Quarantined
from console.sanitize import inert

# Where IIS keeps the correlation id: a custom field (IIS 8.5+, named as configured) or the request header.
CORRELATION_FIELDS = (
    "X-Correlation-Id",
    "cs(X-Correlation-Id)",
    "X-Request-Id",
    "cs(X-Request-Id)",
    "X-Amzn-RequestId",
    "cs(X-Amzn-RequestId)",
)


def correlation_of(record: LogRecord, field: str | None = None) -> str:
    """The record's correlation id ('' when its schema has none)."""
    for name in (field,) if field else CORRELATION_FIELDS:
        value = record.get(name)
        if value:
            return value
    return ""


def status_code(record: LogRecord) -> str:
    """``401.2.5`` (status.substatus.win32), shortened to what the schema logs; '' for none."""
    parts = [record.get("sc-status") or "", record.get("sc-substatus") or "", record.get("sc-win32-status") or ""]
    while parts and not parts[-1]:
        parts.pop()
    return ".".join(p or "-" for p in parts)


@functools.cache
def describer() -> Callable[[int, int | None, int | None], dict[str, Any]]:
    """H3's catalogue (status.substatus.win32 in words) when it is in this build, else the IIS pane's status table."""
    try:
        from console.engine.iis.catalogue import describe
    except ImportError:
        from console.engine.iis.status import meaning

        return lambda status, sub, _win32: {"title": meaning(status, sub)}

    def words(status: int, sub: int | None, win32: int | None) -> dict[str, Any]:
        found = describe(status, sub, win32)
        return {
            "code": found.code,
            "title": found.title,
            "plain": found.plain,
            "win32": found.win32_words or None,
            "fix": found.fix,
            "normal": found.normal,
        }

    return words


def meaning_of(status: int | None, sub: int | None, win32: int | None) -> dict[str, Any] | None:
    """The catalogue's meaning of a status.substatus.win32, or None without a status."""
    return None if status is None else describer()(status, sub, win32)


def short_words(meaning: dict[str, Any] | None) -> str:
    """``Logon failed due to server configuration · ERROR_ACCESS_DENIED · normal: First leg of …`` for one line."""
    if not meaning:
        return ""
    parts = [str(meaning.get("title") or "")]
    win32 = str(meaning.get("win32") or "")
    name = win32.split(") ", 1)[1].split(":", 1)[0] if ") " in win32 else ""
    if name and name != "ERROR_SUCCESS":
        parts.append(name)
    code = str(meaning.get("code") or "")
    if meaning.get("normal") and code[:1] == "4":
        parts.append("normal: " + str(meaning.get("plain") or "").split(":", 1)[0].split(".", 1)[0])
    return " · ".join(p for p in parts if p)


def status_words(record: LogRecord) -> str:
    """Plain words for the record's status.substatus.win32; '' when it logs no status."""
    return short_words(
        meaning_of(record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status"))
    )


def record_text(record: LogRecord, style: Style, correlation_field: str | None = None) -> str:
    """One line: time, method, stem, status with its meaning, user, client, correlation id, file:line."""
    when = record.logged_at()
    shown_time = when.strftime("%Y-%m-%d %H:%M:%S") if when else "-"
    status = status_code(record)
    words = status_words(record)
    if record.get("s-reason"):  # HTTPERR: http.sys's reason is the meaning
        words = record.get("s-reason") or ""
    user = record.get("cs-username") or "-"
    client = record.get("c-ip") or "-"
    corr = correlation_of(record, correlation_field)
    cells = [
        shown_time,
        inert(record.get("cs-method") or "-"),
        inert(record.get("cs-uri-stem") or "-"),
        style(inert(status or "-"), _status_colour(record.number("sc-status")), "bold"),
        style(f"({inert(words)})", "dim") if words else "",
        f"user={inert(user)}",
        f"c-ip={inert(client)}",
    ]
    if corr:
        cells.append(f"id={inert(corr)}")
    cells.append(style(f"{inert(record.source)}:{record.line}", "dim"))
    return "  ".join(c for c in cells if c)


def _status_colour(status: int | None) -> str:
    if status is None:
        return "yellow"
    return "red" if status >= 400 else "green" if status < 300 else "yellow"


def record_json(record: LogRecord, correlation_field: str | None = None) -> dict[str, Any]:
    """The --json object: where it is, the decoded fields, and the raw values as written."""
    when = record.logged_at()
    return {
        "source": record.source,
        "line": record.line,
        "offset": record.offset,
        "kind": record.schema.kind.value,
        "time": when.isoformat().replace("+00:00", "Z") if when else None,
        "status": status_code(record) or None,
        "meaning": meaning_of(
            record.number("sc-status"), record.number("sc-substatus"), record.number("sc-win32-status")
        ),
        "correlation_id": correlation_of(record, correlation_field) or None,
        "fields": {name: record.get(name) for name in record.schema.fields},
        "raw": dict(zip(record.schema.fields, record.raw, strict=False)),
    }


def quarantined_text(q: Quarantined) -> str:
    """``file:line: reason: text`` — the line itself shortened and inert."""
    return f"{inert(q.source)}:{q.line}: {inert(q.reason)}: {inert(q.text[:200])}"


def json_line(document: Any, out: TextIO) -> None:
    """One JSON document on one line. JSON escapes control characters itself, so the line is inert as written."""
    out.write(json.dumps(document, ensure_ascii=False, default=str))
    out.write("\n")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO, *, sample: int = 1000) -> int:
    """An aligned text table (widths from the first ``sample`` rows); returns how many rows were written."""
    header = [inert(c) for c in columns]
    buffered: list[list[str]] = []
    iterator = iter(rows)
    for row in iterator:
        buffered.append([_cell(v) for v in row])
        if len(buffered) >= sample:
            break
    widths = [max([cells(h)] + [min(cells(r[i]), 60) for r in buffered]) for i, h in enumerate(header)]

    def write(row: Sequence[str]) -> None:
        out.write("  ".join(c + " " * (w - cells(c)) for c, w in zip(row, widths, strict=False)).rstrip() + "\n")

    write(header)
    write(["-" * w for w in widths])
    count = 0
    for line in buffered:
        write(line)
        count += 1
    for row in iterator:
        write([_cell(v) for v in row])
        count += 1
    return count


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: wide (CJK) characters two, combining marks none, so columns line up."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(c) else 2 if east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return inert(str(value))


def csv_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """CSV with a header row; values inert (a spreadsheet or terminal never sees an escape code); returns the count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(inert(c)) for c in columns])
    out.write(buffer.getvalue())
    count = 0
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None else csv_safe(inert(str(v))) for v in row])
        out.write(buffer.getvalue())
        count += 1
    return count


def csv_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first; OWASP's list) gets a leading quote."""
    # "-" alone is IIS's empty value and "-5" a number: any other "-" first could start a formula.
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and text != "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
