"""The streaming IIS W3C / HTTPERR / Advanced Logging reader: every physical line in exactly one bucket.

Lines end at LF (CRLF is LF with its CR dropped, CRCRLF too). A lone CR is not a line end: http.sys never writes
one, and splitting on LF alone keeps "lines" equal to what ``wc -l`` (plus an unterminated last line) counts and every
engine (search's map, stats' bulk count) in step; a line holding one is quarantined, naming the lines it hides. The
file is read in chunks, so memory stays flat whatever its size; a single line longer than MAX_LINE is quarantined with
only its first MAX_LINE bytes kept."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from console.engine.logs.directives import Header, parse_directive
from console.engine.logs.lines import bare_cr, split_values, values_for
from console.engine.logs.model import LogKind, LogRecord, Quarantined, Tally, make_record
from console.engine.logs.sources import LogSource, archive_errors, check_not_shrunk, input_error

__all__ = ["CHUNK", "MAX_LINE", "parse_directive", "read", "split_values"]

CHUNK = 1 << 20
"""Bytes read at a time; progress is reported once per chunk."""
MAX_LINE = 32 << 20
"""Longest line kept whole (http.sys's largest allowed request, MaxRequestBytes, is 16 MB)."""
_BOM = b"\xef\xbb\xbf"
_BLANK = " \t\r\x0b\x0c"
"""A line of only these (ASCII whitespace, as ``bytes.strip`` has it) is blank."""
_NOT_PLAIN = "#" + _BLANK
"""A line starting with one of these (or empty: ``"" in`` any string) is a directive or may be blank: not plain data."""
FAST = True
"""Whether uniform ASCII chunks take the decode-once path (tests turn it off to check both paths agree)."""
_NO_END = " (the last line has no line end: IIS may still be writing it)"
Batch = tuple[list[bytes], bool, int]
"""Lines (without their LF), whether the last one had no line end, and the true size of an overlong line (else 0)."""


def read(
    source: LogSource,
    tally: Tally | None = None,
    progress: Callable[[int], None] | None = None,
    start: int = 0,
) -> Iterator[LogRecord | Quarantined]:
    """Records and quarantined lines of ``source`` in file order; directives and blank lines are only counted.

    ``tally`` (when given) counts every line read, each in one bucket. ``progress`` gets the bytes on disk read so
    far, once per chunk. ``start`` resumes at that byte offset of the (decompressed) stream, with the schema the
    directives before it put in force and true line numbers; the tally then counts only the lines from ``start``.
    ``start`` should be a line start (an offset this reader gave): from mid-line, the rest of that line is read as
    a line. Never raises on content; unreadable input (I/O error, corrupt archive) raises LogInputError."""
    tally = tally if tally is not None else Tally(source.label)
    if not tally.source:
        tally.source = source.label
    return _read(source, tally, progress, max(0, start))


def _scan(stream: BinaryIO, header: Header, start: int) -> int:
    """Apply every directive that ends before ``start``; return how many lines end before it."""
    done = lines = 0
    carry = b""  # the start of the line ``start`` falls in (empty when it is a line start); it begins ``data``
    while done < start:
        chunk = stream.read(min(CHUNK, start - done))
        if not chunk:
            break
        first = done == 0
        done += len(chunk)
        data = carry + chunk
        last = data.rfind(b"\n")
        whole, carry = data[: last + 1], data[last + 1 :][:MAX_LINE]
        opens = whole.startswith(b"#") or (first and whole.startswith(_BOM + b"#"))
        at = 0 if opens else (whole.find(b"\n#") + 1 or -1)
        seen, counted = 0, lines
        while at >= 0:
            counted += whole.count(b"\n", seen, at)
            seen = at
            end = whole.find(b"\n", at)
            raw = whole[at:end].rstrip(b"\r").removeprefix(_BOM)
            if b"\0" not in raw and b"\r" not in raw:  # the reader quarantines such a line; it sets nothing
                header.apply(raw.decode("utf-8", "replace"), counted + 1)
            at = whole.find(b"\n#", end) + 1 or -1
        lines += whole.count(b"\n")
    return lines


def _batches(stream: BinaryIO, source: LogSource, progress: Callable[[int], None] | None, at: int) -> Iterator[Batch]:
    """The stream's lines, a chunk at a time; an overlong line alone in its batch, cut to MAX_LINE."""
    carry = b""
    overlong = 0  # bytes of the current line so far, once it is past MAX_LINE
    read_ = stream.read
    while True:
        chunk = read_(CHUNK)
        if not chunk:
            break
        at += len(chunk)
        if overlong:
            end = chunk.find(b"\n")
            if end < 0:
                overlong += len(chunk)
                continue
            yield [carry], False, overlong + end
            carry, overlong, chunk = b"", 0, chunk[end + 1 :]
        pieces = chunk.split(b"\n")
        if carry:
            pieces[0] = carry + pieces[0]
        carry = pieces.pop()
        if len(carry) > MAX_LINE:
            overlong, carry = len(carry), carry[:MAX_LINE]
        if pieces:
            yield pieces, False, 0
        if progress is not None:
            progress(source.disk_position(stream, at))
    if overlong:
        yield [carry], True, overlong
    elif carry:
        yield [carry], True, 0


def _uniform_ascii(pieces: list[bytes]) -> tuple[list[str], int]:
    """A chunk's lines decoded at once, and the bytes each line end takes (2 for CRLF, 1 for LF), when every line is
    ASCII without NUL and all end alike; else ([], 0)."""
    joined = b"\n".join(pieces)
    if b"\0" in joined or not joined.isascii():
        return [], 0
    crs = joined.count(b"\r")
    if crs == 0:
        return joined.decode("ascii").split("\n"), 1
    if crs == len(pieces) and joined.endswith(b"\r"):
        texts = joined[:-1].decode("ascii").split("\r\n")
        if len(texts) == len(pieces):  # so every CR is just before a line end
            return texts, 2
    return [], 0


def _other(
    label: str, line_no: int, at: int, text: str, final: bool, header: Header, tally: Tally
) -> Quarantined | LogRecord | None:
    """Every line that is not a plain record: a directive, a blank line, or data needing the careful split."""
    tally.lines += 1
    if text[:1] == "#":
        tally.directives += 1
        header.apply(text, line_no)
        return None
    if not text.strip(_BLANK):
        tally.blank += 1
        return None
    schema = header.schema
    if schema is None:
        tally.quarantined += 1
        return Quarantined(label, line_no, at, header.missing + (_NO_END if final else ""), text)
    values = values_for(text, schema)
    if isinstance(values, str):
        tally.quarantined += 1
        return Quarantined(label, line_no, at, values + (_NO_END if final else ""), text)
    tally.records += 1
    return make_record(label, line_no, at, schema, values)


def _read(
    source: LogSource, tally: Tally, progress: Callable[[int], None] | None, start: int
) -> Iterator[LogRecord | Quarantined]:
    stream = source.open()
    try:
        yield from _lines(source, stream, tally, progress, start)
        check_not_shrunk(source, stream)
    except archive_errors(OSError, EOFError, zlib.error) as exc:
        raise input_error(source.label, exc) from None
    finally:
        stream.close()


def _lines(
    source: LogSource, stream: BinaryIO, tally: Tally, progress: Callable[[int], None] | None, start: int
) -> Iterator[LogRecord | Quarantined]:
    label = source.label
    header = Header()
    line_no = _scan(stream, header, start) if start else 0
    offset = start
    first = start == 0
    schema = header.schema
    want = len(schema.fields) if schema else -1
    advanced = schema is not None and schema.kind is LogKind.ADVANCED
    make = make_record
    for pieces, final, overlong in _batches(stream, source, progress, start):
        texts, ends = _uniform_ascii(pieces) if FAST and not final and not overlong and not first else ([], 0)
        if ends:
            # The common case, a chunk of ASCII lines all ending alike: decoded at once, with no per-line checks for
            # NUL, BOM or CR. Same buckets, values and offsets as the line-by-line path below (tested).
            plain = 0  # records counted here, added to the tally with the chunk (or when the reader is closed)
            try:
                for text in texts:
                    line_no += 1
                    at = offset
                    offset += len(text) + ends
                    if text[:1] not in _NOT_PLAIN:
                        parts = text.split(" ")
                        if len(parts) == want and "" not in parts and not (advanced and '"' in text):
                            plain += 1
                            yield make(label, line_no, at, schema, tuple(parts))  # type: ignore[arg-type]
                            continue
                    item = _other(label, line_no, at, text, False, header, tally)
                    if item is not None:
                        yield item
                    elif header.schema is not schema:
                        schema = header.schema
                        want = len(schema.fields) if schema else -1
                        advanced = schema is not None and schema.kind is LogKind.ADVANCED
            finally:
                tally.lines += plain
                tally.records += plain
            continue
        if final:
            tally.truncated_last_line = True
        for piece in pieces:
            raw = piece
            line_no += 1
            at = offset
            offset += (overlong or len(raw)) + (0 if final else 1)
            if overlong:
                tally.lines += 1
                tally.quarantined += 1
                yield Quarantined(
                    label,
                    line_no,
                    at,
                    f"a line of {overlong} bytes, over the {MAX_LINE} bytes a log line may have",
                    raw.decode("utf-8", "replace"),
                )
                continue
            if raw[-1:] == b"\r":
                raw = raw.rstrip(b"\r")  # CRLF; CRCRLF from a file twice through an ASCII-mode transfer
            if first:
                first = False
                raw = raw.removeprefix(_BOM)
            if b"\0" in raw:
                tally.lines += 1
                tally.quarantined += 1
                yield Quarantined(
                    label,
                    line_no,
                    at,
                    "NUL bytes in the line" + (_NO_END if final else ""),
                    raw.decode("utf-8", "replace"),
                )
                continue
            hidden = bare_cr(raw)
            if hidden is not None:
                tally.lines += 1
                tally.quarantined += 1
                yield Quarantined(
                    label, line_no, at, hidden + (_NO_END if final else ""), raw.decode("utf-8", "replace")
                )
                continue
            text = raw.decode("utf-8", "replace")
            if text[:1] not in _NOT_PLAIN:  # the same test, in the same order, as the fast path's
                parts = text.split(" ")
                if len(parts) == want and "" not in parts and not (advanced and '"' in text):
                    tally.lines += 1
                    tally.records += 1
                    yield make(label, line_no, at, schema, tuple(parts))  # type: ignore[arg-type]
                    continue
            item = _other(label, line_no, at, text, final, header, tally)
            if item is not None:
                yield item
            schema = header.schema
            want = len(schema.fields) if schema else -1
            advanced = schema is not None and schema.kind is LogKind.ADVANCED
    if progress is not None:
        progress(source.disk_position(stream, offset))
