"""The IIS logs of a join read in bulk: whole runs of data lines split in C, proved to be the reader's records.

A run of data lines (between directives) is taken in bulk only when the result is provably what ``reader.read``
gives (see :func:`columns`): every line split into exactly the schema's fields by single spaces, none empty, the
first not blank, the line's CRLF dropped: the reader's plain-record rule. There must also be no NUL and, for Advanced
Logging, no quote. Everything else (the first line with its BOM, directives, blank and
quarantined lines, a run that does not add up, a last line without a line end, an overlong line) is read one line at
a time by the reader's own rules (``linerules.values_of``), with its line number and byte offset. Chunks, carries and
overlong lines are cut exactly where ``reader._batches`` cuts them (its CHUNK and MAX_LINE), so the tally is the
reader's. Tests compare both over the same bytes.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import contains
from typing import NamedTuple

from console.engine.logs.directives import Header
from console.engine.logs.linerules import BOM, NO_END, values_of
from console.engine.logs.model import Bucket, LogKind, Quarantined, Schema, Tally
from console.engine.logs.reader import CHUNK, MAX_LINE
from console.engine.logs.sources import LogSource, input_error

__all__ = ["Bulk", "One", "columns", "scan"]

_NOT_FIRST = (" ", "\t", "\r", "\x0b", "\x0c")
"""A line starting with one of these is blank or needs the careful split (``#``, a directive, never reaches a run)."""
_ODD_BLANKS = ("\t", "\x0b", "\x0c")
"""The blank bytes of _NOT_FIRST that the checks on spaces and CRs in :func:`columns` do not already rule out."""

BULK = True
"""False reads every line by the reader's rules, one at a time (tests compare both ways)."""
RUN = 64 << 10
"""Bytes of lines split at once: a run's values then stay in the CPU caches (whole 1 MB chunks: ~8% slower in all)."""


class Bulk(NamedTuple):
    """A run of records under one schema from line ``first``: a column per wanted field, in the order asked for."""

    schema: Schema
    first: int
    columns: list[list[str]]


class One(NamedTuple):
    """One record read by the reader's careful rules: all its values."""

    schema: Schema
    line: int
    values: tuple[str, ...]


def columns(text: str, lines: int, width: int, wanted: Sequence[int]) -> list[list[str]] | None:
    """A column per ``wanted`` field: its value on every line of ``text`` (``lines`` whole lines, each ending with
    LF, no NUL) when every line is a plain record of ``width`` fields by the reader's rule; None when one may not be
    (read it line by line).

    One split of the text, the rest in C over lists: ``text.split(" ")`` puts field ``f`` of every line at
    ``f::width-1``, except the first and last fields, which share a ``last\\r\\nfirst`` junction. The split is exact
    when there are ``lines`` junctions each holding one LF (so no other element holds one). Every CR must be the
    one before a LF (the reader drops it; CRCRLF or a CR inside a value go line by line: so no line starts with a
    CR), no value may be empty (so none starts with a space) and no line may start with another blank byte."""
    step = width - 1
    if step < 1 or not lines:
        return None
    flat = text.split(" ")
    if len(flat) != lines * step + 1 or not all(flat):  # all(): a length test per value, cheaper than "" in flat
        return None
    junctions = flat[step::step]
    crs = text.count("\r") if "\r" in text else 0  # "in" is a memchr; a count is a full pass, for CRs only
    if crs == lines:  # CRLF line ends: joined by one, split by one (no CR is left elsewhere to fake one)
        sep, joined = "\r\n", "\r\n".join(junctions)
    elif not crs:
        sep, joined = "\n", "\n".join(junctions)
    else:  # mixed line ends: NUL (no run holds one) keeps junctions apart while CRLFs are counted
        sep, joined = "\n", "\0".join(junctions)
        if joined.count("\r\n") != crs:
            return None
        joined = joined.replace("\r\n", "\n").replace("\0", "\n")
    ends = joined.split(sep)
    # 2 * lines pieces: the junctions hold ``lines`` line ends (with CRLF ends, a LF without its CR is no end), so
    # all of the text's, and each holds at least one, so exactly one.
    if len(ends) != 2 * lines or sum(map(contains, junctions, repeat("\n"))) != lines:
        return None
    firsts, lasts = [flat[0], *ends[1:-1:2]], ends[0:-1:2]
    if not all(lasts) or not all(firsts):
        return None
    if any(map(text.__contains__, _ODD_BLANKS)) and any(map(str.startswith, firsts, repeat(_NOT_FIRST))):
        return None
    return [firsts if f == 0 else lasts if f == step else flat[f::step] for f in wanted]


def scan(
    source: LogSource,
    tally: Tally,
    progress: Callable[[int], None] | None,
    wanted_for: Callable[[Schema], Sequence[int] | None],
) -> Iterator[Bulk | One | Quarantined]:
    """Every record and quarantined line of ``source`` in file order; ``tally`` counts every line in its bucket."""
    stream = source.open()
    try:
        yield from _Scan(source, tally, wanted_for).lines(stream, progress)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise input_error(source.label, exc) from None
    finally:
        stream.close()


class _Scan:
    def __init__(self, source: LogSource, tally: Tally, wanted_for: Callable[[Schema], Sequence[int] | None]):
        self.source = source
        self.label = source.label
        self.tally = tally
        self.wanted_for = wanted_for
        self.header = Header()
        self.line = 0
        self.offset = 0
        self.first = True  # the file's first line (BOM) still to come

    def lines(self, stream: object, progress: Callable[[int], None] | None) -> Iterator[Bulk | One | Quarantined]:
        read = stream.read  # type: ignore[attr-defined]
        carry = b""
        overlong = 0  # bytes of the current line so far, once it is past MAX_LINE (as reader._batches counts)
        at = 0
        while True:
            chunk = read(CHUNK)
            if not chunk:
                break
            at += len(chunk)
            if overlong:
                end = chunk.find(b"\n")
                if end < 0:
                    overlong += len(chunk)
                    continue
                yield self.overlong(carry, overlong + end, final=False)
                carry, overlong, chunk = b"", 0, chunk[end + 1 :]
            data = carry + chunk if carry else chunk
            last = data.rfind(b"\n")
            carry = data[last + 1 :]
            if len(carry) > MAX_LINE:
                overlong, carry = len(carry), carry[:MAX_LINE]
            if last >= 0:
                yield from self.block(data, last + 1)
            if progress is not None:
                progress(self.source.disk_position(stream, at))  # type: ignore[arg-type]
        if overlong:
            self.tally.truncated_last_line = True
            yield self.overlong(carry, overlong, final=True)
        elif carry:
            self.tally.truncated_last_line = True
            item = self.one(carry, final=True)
            if item is not None:
                yield item
        if progress is not None:
            progress(self.source.disk_position(stream, at))  # type: ignore[arg-type]

    def block(self, data: bytes, end: int) -> Iterator[Bulk | One | Quarantined]:
        """The whole lines of ``data[:end]``."""
        pos = 0
        while pos < end:
            if self.first or data[pos] == 0x23:  # the first line (BOM), a directive
                stop = data.find(b"\n", pos, end)
                item = self.one(data[pos:stop], final=False)
                if item is not None:
                    yield item
                pos = stop + 1
                continue
            stop = _directive_after(data, pos, end)
            yield from self.run(data, pos, stop)
            pos = stop

    def run(self, data: bytes, pos: int, stop: int) -> Iterator[Bulk | One | Quarantined]:
        """The data lines of ``data[pos:stop]`` (no directive among them, ``data[stop - 1]`` a LF): in bulk when
        provably exact, RUN bytes at a time."""
        schema = self.header.schema
        wanted = self.wanted_for(schema) if schema is not None and BULK else None
        if wanted is None or data.find(b"\0", pos, stop) >= 0:
            yield from self.each(data, pos, stop)
            return
        assert schema is not None
        if schema.kind is LogKind.ADVANCED and data.find(b'"', pos, stop) >= 0:
            yield from self.each(data, pos, stop)
            return
        width = len(schema.fields)
        tally = self.tally
        view = memoryview(data)  # decoded from in place: a slice of bytes would be one more copy
        while pos < stop:
            cut = data.find(b"\n", min(pos + RUN, stop) - 1) + 1  # data[stop - 1] is a LF: cut <= stop
            count = data.count(b"\n", pos, cut)
            # Decoding the run at once is decoding each line: a LF or space is never part of a bad sequence.
            cols = columns(str(view[pos:cut], "utf-8", "replace"), count, width, wanted)
            if cols is None:
                yield from self.each(data, pos, cut)
            else:
                yield Bulk(schema, self.line + 1, cols)
                self.line += count
                self.offset += cut - pos
                tally.lines += count
                tally.records += count
            pos = cut

    def each(self, data: bytes, pos: int, stop: int) -> Iterator[One | Quarantined]:
        """The lines of ``data[pos:stop]`` one at a time."""
        while pos < stop:
            end = data.find(b"\n", pos, stop)
            item = self.one(data[pos:end], final=False)
            if item is not None:
                yield item
            pos = end + 1

    def overlong(self, kept: bytes, size: int, final: bool) -> Quarantined:
        self.line += 1
        self.tally.lines += 1
        self.tally.quarantined += 1
        at = self.offset
        self.offset += size + (0 if final else 1)
        reason = f"a line of {size} bytes, over the {MAX_LINE} bytes a log line may have"
        return Quarantined(self.label, self.line, at, reason, kept.decode("utf-8", "replace"))

    def one(self, raw: bytes, final: bool) -> One | Quarantined | None:
        """One physical line (without its LF), by the reader's rules; None for a directive or a blank line."""
        tally = self.tally
        first, self.first = self.first, False
        self.line += 1
        tally.lines += 1
        at = self.offset
        self.offset += len(raw) + (0 if final else 1)
        schema = self.header.schema
        bucket, values = values_of(raw, schema, first)
        if bucket is Bucket.DIRECTIVE:
            tally.directives += 1
            self.header.apply(str(values), self.line)
            return None
        if bucket is Bucket.BLANK:
            tally.blank += 1
            return None
        if bucket is Bucket.QUARANTINED:
            tally.quarantined += 1
            reason = str(values) or self.header.missing
            text = raw.rstrip(b"\r")
            text = text.removeprefix(BOM) if first else text
            return Quarantined(
                self.label, self.line, at, reason + (NO_END if final else ""), text.decode("utf-8", "replace")
            )
        assert schema is not None and isinstance(values, tuple)
        tally.records += 1
        return One(schema, self.line, values)


def _directive_after(data: bytes, pos: int, end: int) -> int:
    """Where the first line starting with ``#`` after ``pos`` starts (``end`` when none)."""
    hit = data.find(b"#", pos, end)
    while hit > 0 and data[hit - 1] != 0x0A:
        hit = data.find(b"#", hit + 1, end)
    return end if hit < 0 else hit
