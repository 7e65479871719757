"""The IIS W3C log records for one correlation id: each line, the #Fields directive in force for it, values by name."""

from __future__ import annotations

import datetime
import glob
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

_VALUE = re.compile(r'"((?:[^"]|"")*)"|(\S+)')
MAX_FILES = 3
"""Newest log files read when log_path is a directory or a glob (IIS rolls over daily: today and the day before)."""
MAX_HITS = 32
"""Lines kept per search: every one holding the id as a whole value, newest first."""
_MAX_SCAN = 10_000
"""Occurrences of the id looked at per file, so a log full of it cannot stall the trace."""
_DAILY = ("u_ex*.log", "ex*.log")


@dataclass(frozen=True, slots=True)
class W3cRecord:
    """One W3C extended log line read by the ``#Fields`` directive in force for it."""

    fields: tuple[str, ...]
    values: tuple[str, ...]
    """Decoded: ``-`` is empty, an unquoted ``+`` is a space (IIS writes spaces so), quoted values as written."""
    line: str

    def get(self, name: str) -> str | None:
        """The value of field ``name`` (case-insensitive); None when the directive has no such field."""
        lowered = name.lower()
        return next((v for f, v in zip(self.fields, self.values, strict=True) if f.lower() == lowered), None)

    def number(self, name: str) -> int | None:
        """An integer field (sc-status, sc-substatus …); None when absent, empty or not a number."""
        value = self.get(name)
        return int(value) if value and value.isdigit() and len(value) < 10 else None

    def logged_at(self) -> datetime.datetime | None:
        """The line's ``date time`` (IIS writes UTC whatever the server's zone); None when absent or unreadable."""
        date, time = self.get("date"), self.get("time")
        if not date or not time:
            return None
        try:
            return datetime.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=datetime.UTC)
        except ValueError:
            return None


def correlation_field(fields: tuple[str, ...], header: str) -> str | None:
    """The directive's field for the correlation header: ``X-Correlation-Id`` or ``cs(X-Correlation-Id)``."""
    wanted = {header.lower(), f"cs({header.lower()})"}
    return next((f for f in fields if f.lower() in wanted), None)


def split_values(line: str) -> tuple[str, ...]:
    """The values of one W3C line: whitespace-separated, ``"quoted values"`` kept whole, ``-`` as empty."""
    out: list[str] = []
    for match in _VALUE.finditer(line):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            out.append(quoted.replace('""', '"'))
        else:
            out.append("" if bare == "-" else bare.replace("+", " "))
    return tuple(out)


def parse_record(
    directive: str | None, line: str, correlation_id: str, header: str = "X-Correlation-Id"
) -> tuple[W3cRecord | None, str]:
    """The record for ``line`` under ``directive`` (``#Fields: …``) when its ``header`` field holds exactly
    ``correlation_id``; else None and why (an id in any other field is another request's User-Agent, query …)."""
    if directive is None:
        return None, "no #Fields directive precedes the line, so its fields cannot be named"
    fields = tuple(directive.split(":", 1)[1].split())
    values = split_values(line)
    if len(values) != len(fields):
        return None, f"the line has {len(values)} values but its #Fields directive names {len(fields)}"
    record = W3cRecord(fields, values, line)
    field = correlation_field(fields, header)
    if field is None:
        return None, (
            f"the log has no {header} field (its #Fields directive does not name it), so no line can be tied to "
            "this request"
        )
    if record.get(field) != correlation_id:
        where = next((f for f, v in zip(fields, values, strict=True) if v == correlation_id), "another value")
        return None, f"{correlation_id} is in its {where} field, not in {field}: it is another request's line"
    return record, ""


def log_files(path: str) -> tuple[list[Path], str]:
    """The files ``[iis] log_path`` names: the file; a directory's newest daily logs; a glob's newest matches."""
    given = Path(path).expanduser()
    if given.is_dir():
        found = {p for pattern in _DAILY for p in given.glob(pattern) if p.is_file()}
        where = f"no u_ex*.log or ex*.log file in the directory {given}"
    elif any(c in path for c in "*?["):
        found = {Path(p) for p in glob.glob(str(given)) if Path(p).is_file()}
        where = f"no file matches {given}"
    else:
        return [given], ""
    newest = sorted(found, key=_mtime, reverse=True)[:MAX_FILES]
    return newest, "" if newest else where


def _mtime(file: Path) -> float:
    try:
        return file.stat().st_mtime
    except OSError:
        return 0.0


def find_record(path: str, correlation_id: str) -> tuple[str | None, str | None, str]:
    """(lines, their #Fields directives, note): every line holding the correlation id as a whole value.

    Up to MAX_HITS lines, newest first, joined by newlines, with their directives joined the same way (an empty
    line where none precedes): see :func:`unpack`. Which field holds the id is for diagnosis to judge
    (:func:`parse_record`). Searches raw bytes (mmap) and decodes only the hits and their directives.
    """
    files, why = log_files(path)
    if not files or not correlation_id.strip():
        return None, None, why or "no correlation id to search for"
    hits: list[tuple[str, str]] = []
    notes: list[str] = []
    holding: list[str] = []
    for file in files:
        found, note = _search(file, correlation_id, MAX_HITS - len(hits))
        hits += found
        holding += [str(file)] if found else []
        if note:
            notes.append(note)
        if len(hits) >= MAX_HITS:
            break
    searched = ", ".join(str(f) for f in files)
    if not hits:
        detail = "; ".join(notes) or f"no line with {correlation_id} in {searched}"
        return None, None, f"{detail} (IIS may not have flushed its log buffer yet)"
    lines = "\n".join(h[0] for h in hits)
    return lines, "\n".join(h[1] for h in hits), f"found in {', '.join(holding)}"


def unpack(lines: str, directives: str | None) -> list[tuple[str, str | None]]:
    """The (line, directive) pairs :func:`find_record` joined; a missing directive is None."""
    given = lines.split("\n")
    heads = (directives or "").split("\n")
    return [(line, heads[i] if i < len(heads) and heads[i] else None) for i, line in enumerate(given)]


def _search(file: Path, correlation_id: str, room: int) -> tuple[list[tuple[str, str]], str]:
    """The newest ``room`` lines of ``file`` holding the id as a whole value, each with its directive."""
    needle = correlation_id.encode()
    out: list[tuple[str, str]] = []
    try:
        if file.stat().st_size == 0:
            return [], f"{file} is empty (IIS buffers log lines; 'netsh http flush logbuffer' writes them)"
        with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = len(data)
            for _ in range(_MAX_SCAN):
                hit = data.rfind(needle, 0, end)
                if hit < 0 or len(out) >= room:
                    break
                start = data.rfind(b"\n", 0, hit) + 1
                stop = data.find(b"\n", hit)
                raw = bytes(data[start : stop if stop >= 0 else len(data)])
                end = start  # the next search looks only before this line
                text = raw.decode("utf-8", errors="replace").rstrip("\r")
                if text.startswith("#") or correlation_id not in split_values(text):
                    continue  # only inside another value (a Referer quoting it): not a field of its own
                out.append((text, _directive_before(data, start) or ""))
    except OSError as exc:
        return [], f"cannot read {file} ({exc.strerror})"
    return out, ""


def _directive_before(data: mmap.mmap, end: int) -> str | None:
    """The last ``#Fields:`` directive at the start of a line before ``end`` (a new one can appear mid-file)."""
    at = end
    while True:
        at = data.rfind(b"#Fields:", 0, at)
        if at < 0:
            return None
        if at == 0 or data[at - 1 : at] == b"\n":
            stop = data.find(b"\n", at)
            raw = bytes(data[at : stop if stop >= 0 else len(data)])
            return raw.decode("utf-8", errors="replace").rstrip("\r")
