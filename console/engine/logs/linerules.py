"""The reader's per-line rules, for engines that jump into a file (search) or count lines in bulk (stats).

They mirror ``reader._read`` line for line; tests run both over the same bytes and assert the same buckets and values,
so a change to the reader that is not made here fails a test."""

from __future__ import annotations

import mmap
from collections.abc import Callable

from console.engine.logs.directives import Header, parse_directive
from console.engine.logs.lines import bare_cr, values_for
from console.engine.logs.model import Bucket, LogKind, Schema
from console.engine.logs.reader import CHUNK, MAX_LINE

__all__ = ["BOM", "MAX_LINE", "header_before", "line_at", "overlong", "values_of"]

BOM = b"\xef\xbb\xbf"
NO_END = " (the last line has no line end: IIS may still be writing it)"


def values_of(raw: bytes, schema: Schema | None, first: bool) -> tuple[Bucket, tuple[str, ...] | str]:
    """One physical line (without its LF; ``first`` when it is the file's line 1) → its bucket and, for a record,
    its values; for a quarantined line, why. Directives are reported as DIRECTIVE with their text (the caller
    applies them)."""
    if raw[-1:] == b"\r":
        raw = raw.rstrip(b"\r")  # CRLF, and CRCRLF (a file twice through an ASCII-mode transfer)
    if first:
        raw = raw.removeprefix(BOM)
    if b"\0" in raw:
        return Bucket.QUARANTINED, "NUL bytes in the line"
    hidden = bare_cr(raw)
    if hidden is not None:
        return Bucket.QUARANTINED, hidden
    text = raw.decode("utf-8", "replace")
    if text[:1] == "#":
        return Bucket.DIRECTIVE, text
    if not raw.strip():
        return Bucket.BLANK, ""
    if schema is None:
        return Bucket.QUARANTINED, ""  # the caller knows why (Header.missing)
    parts = text.split(" ")
    if len(parts) == len(schema.fields) and "" not in parts and not (schema.kind is LogKind.ADVANCED and '"' in text):
        return Bucket.RECORD, tuple(parts)
    values = values_for(text, schema)
    if isinstance(values, str):
        return Bucket.QUARANTINED, values
    return Bucket.RECORD, values


def line_at(data: mmap.mmap | bytes, at: int) -> tuple[int, int]:
    """The physical line holding byte ``at``: (its first byte, the offset of its LF or the end of the data)."""
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    return start, len(data) if end < 0 else end


def overlong(start: int, end: int, size: int) -> bool:
    """Whether the reader quarantines the line ``[start, end)`` (``end``: its LF, or ``size`` for a last line without
    one) as overlong. The reader judges a line at its chunk boundaries (multiples of CHUNK from the file's start):
    overlong when more than MAX_LINE of its bytes were read before one, or before the end of the data."""
    boundary = size if end >= size else end - end % CHUNK
    return boundary - start > MAX_LINE


def _directive(data: mmap.mmap | bytes, start: int) -> str | None:
    """The directive text of the line starting at ``start``, or None when the reader would not apply it."""
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    if overlong(start, end, len(data)):
        return None
    raw = data[start:end].rstrip(b"\r")
    if start == 0:
        raw = raw.removeprefix(BOM)
    if b"\0" in raw or b"\r" in raw or raw[:1] != b"#":
        return None
    return raw.decode("utf-8", "replace")


def header_before(data: mmap.mmap | bytes, at: int, rfind: Callable[[int], int] | None = None) -> Header:
    """The header state (schema in force) for the line starting at ``at``: the last ``#Fields``, ``#Date`` and
    ``#Software`` before it, found walking back from ``at`` (so a hit near a header block costs little).

    ``rfind(end)`` is ``data.rfind(b"\\n#", 0, end)``, or a faster equivalent that skips what holds no directive."""
    if rfind is None:

        def rfind(end: int) -> int:
            return data.rfind(b"\n#", 0, end)

    wanted = {"fields", "date", "software"}
    found: list[tuple[int, str]] = []
    pos = at
    while wanted and pos > 0:
        nl = rfind(pos - 1)
        start = 0 if nl < 0 else nl + 1
        if nl < 0 and not (data[:1] == b"#" or data[:4] == BOM + b"#"):
            break
        text = _directive(data, start)
        if text is not None:
            name = parse_directive(text)[0]
            name = "date" if name == "start-date" else name
            if name in wanted:
                wanted.discard(name)
                found.append((start, text))
        if start == 0:
            break
        pos = start
    header = Header()
    for line, (_, text) in enumerate(sorted(found), 1):
        header.apply(text, line)
    return header
