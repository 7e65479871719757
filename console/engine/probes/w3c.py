"""The IIS W3C log record for one correlation id: the line, the #Fields directive before it, its values by name."""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from pathlib import Path

_VALUE = re.compile(r'"((?:[^"]|"")*)"|(\S+)')


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


def parse_record(directive: str | None, line: str, correlation_id: str) -> tuple[W3cRecord | None, str]:
    """The record for ``line`` under ``directive`` (``#Fields: …``), and why not when it cannot be read."""
    if directive is None:
        return None, "no #Fields directive precedes the line, so its fields cannot be named"
    fields = tuple(directive.split(":", 1)[1].split())
    values = split_values(line)
    if len(values) != len(fields):
        return None, f"the line has {len(values)} values but its #Fields directive names {len(fields)}"
    record = W3cRecord(fields, values, line)
    if correlation_id not in values:
        return None, f"{correlation_id} is in the line but in no field of its own (only inside another value)"
    return record, ""


def find_record(path: str, correlation_id: str) -> tuple[str | None, str | None, str]:
    """(line, the #Fields directive in force for it, note): the last line holding the correlation id.

    Searches raw bytes (mmap) and decodes only the hit and its directive: a 1 M-line log is searched in tens of ms.
    """
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        if size == 0:
            return None, None, f"{file} is empty (IIS buffers log lines; 'netsh http flush logbuffer' writes them)"
        with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            hit = data.rfind(correlation_id.encode())
            if hit < 0:
                note = f"no line with {correlation_id} in {file} (IIS may not have flushed its log buffer yet)"
                return None, None, note
            start = data.rfind(b"\n", 0, hit) + 1
            end = data.find(b"\n", hit)
            line = bytes(data[start : end if end >= 0 else size])
            directive = _directive_before(data, start)
    except OSError as exc:
        return None, None, f"cannot read {file} ({exc.strerror})"
    text = line.decode("utf-8", errors="replace").rstrip("\r")
    return text, directive, f"found in {file}"


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
