"""One source counted for `baton logs stats`: read in the reader's chunks, on two cores when the file is big.

A plain file of at least ``split_min`` bytes is cut at a line start near its middle (``split``): a forked child
counts the upper part from the header state in force there, the parent counts the lower part, then adds the child's
partial result — its tallies, Counters, the quarantined lines it kept (renumbered after the parent's lines, kept in
file order up to KEEP_QUARANTINED) and its truncated-last-line flag (the file's real last line is the child's). The
chunks are cut where the reader cuts them (multiples of CHUNK from the file's start), so an overlong line is judged
the same in either part. When the child fails, the parent counts the upper part itself, from where it stopped.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from typing import BinaryIO

from console.engine.logs.fastscan import Scanner
from console.engine.logs.linecount import can_fork
from console.engine.logs.linerules import MAX_LINE
from console.engine.logs.model import Tally
from console.engine.logs.reader import CHUNK
from console.engine.logs.sources import LogSource, archive_errors, check_not_shrunk, input_error
from console.engine.logs.split import Child, header_at, line_start_after
from console.engine.logs.stats import LogStats

__all__ = ["SPLIT_MIN", "scan"]

SPLIT_MIN = 32 << 20
"""Below this a fork costs more than the second core saves."""

Progress = Callable[[int], None]
Part = tuple[LogStats, Tally]


def scan(source: LogSource, result: LogStats, progress: Progress | None = None, split_min: int = SPLIT_MIN) -> Tally:
    """Count every line of ``source`` into ``result``; its tally. Unreadable input raises LogInputError."""
    tally = Tally(source.label)
    scanner = Scanner(source.label, result, tally)
    size = 0 if source.compressed else source.size()
    try:
        with source.open() as stream:
            cut = _cut(source, split_min)
            if cut <= 0:
                feed(stream, source, scanner, progress)
            else:
                with Child(lambda: _upper(source, cut)) as child:
                    feed(stream, source, scanner, progress, end=cut)
                    part = child.result()
                if part is None:
                    feed(stream, source, scanner, progress, start=cut)  # the child failed: go on from the cut
                else:
                    _merge(result, tally, *part)
                    if progress is not None:
                        progress(source.size())
            check_not_shrunk(source, stream, size)
    except archive_errors(OSError, EOFError, zlib.error) as exc:
        raise input_error(source.label, exc) from None
    return tally


def _cut(source: LogSource, split_min: int) -> int:
    """Where the child's part starts (a line start), or 0 for no split."""
    if source.compressed or not can_fork():
        return 0
    size = source.size()
    if size < max(split_min, 2):
        return 0
    cut = line_start_after(source.path, size // 2)
    return cut if 0 < cut < size else 0


def _upper(source: LogSource, cut: int) -> Part | None:
    """The child's work: count from ``cut`` to the end with the header state in force at ``cut``."""
    header = header_at(source.path, cut)
    if header.schema is None:
        return None  # data lines there would be quarantined with a reason naming a line: let the parent count

    def lines_before() -> int:
        with source.path.open("rb") as handle:
            return sum(handle.read(min(CHUNK, cut - at)).count(b"\n") for at in range(0, cut, CHUNK))

    partial = LogStats()
    tally = Tally(source.label)
    scanner = Scanner(source.label, partial, tally, start=cut, header=header, base=lines_before)
    with source.open() as stream:
        stream.seek(cut)
        feed(stream, source, scanner, None, start=cut)
    return partial, tally


def _merge(result: LogStats, tally: Tally, part: LogStats, upper: Tally) -> None:
    """Add the child's counts after the parent's: its lines follow the parent's ``tally.lines`` lines."""
    shift = tally.lines
    tally.add(upper)
    result.by_status.update(part.by_status)
    result.top_401_403_paths.update(part.top_401_403_paths)
    result.top_401_403_users.update(part.top_401_403_users)
    result.per_hour.update(part.per_hour)
    for item in part.quarantined:
        result.keep(dataclasses.replace(item, line=item.line + shift))


def feed(
    stream: BinaryIO,
    source: LogSource,
    scanner: Scanner,
    progress: Progress | None,
    start: int = 0,
    end: int | None = None,
) -> None:
    """The stream's whole lines from ``start`` (where it stands) to ``end`` (a line start; None: the end of the
    data, whose last line may lack its LF) to the scanner, cut at the reader's chunk boundaries."""
    carry = b""
    overlong = 0
    at = start
    while end is None or at < end:
        want = CHUNK - at % CHUNK
        chunk = stream.read(want if end is None else min(want, end - at))
        if not chunk:
            break
        at += len(chunk)
        first = 0
        if overlong:
            nl = chunk.find(b"\n")
            if nl < 0:
                overlong += len(chunk)
                continue
            scanner.one(carry, final=False, overlong=overlong + nl)
            carry, overlong, first = b"", 0, nl + 1
        cut = chunk.rfind(b"\n", first)
        if cut < 0:
            carry += chunk[first:]
        else:
            if carry:  # the line begun in the last chunk, alone: the rest of this one is counted in place
                nl = chunk.find(b"\n", first) + 1
                scanner.block(carry + chunk[first:nl])
                first = nl
            scanner.block(chunk, first, cut + 1)
            carry = chunk[cut + 1 :]
        if len(carry) > MAX_LINE:
            overlong, carry = len(carry), carry[:MAX_LINE]
        if progress is not None:
            progress(source.disk_position(stream, at))
    if end is None and (overlong or carry):
        scanner.tally.truncated_last_line = True
        scanner.one(carry, final=True, overlong=overlong)
