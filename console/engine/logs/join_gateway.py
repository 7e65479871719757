"""The gateway side of a join: every access log read into key → compact tuple, over worker processes when large.

A million JSON lines cost seconds of one core (orjson.loads alone ~1.4 µs a line here, json.loads ~5 µs), so big
plain files are cut into byte ranges at line starts and read by worker processes while the caller reads the IIS
logs. Workers send their tuples back marshalled (C speed both ways; pickling a million tuples costs seconds) and the
ranges are merged in file order, so the result is the one a single reader gives: same tallies, same "last record
wins" duplicates.
"""

from __future__ import annotations

import itertools
import marshal
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from console.engine.logs.gateway_access import extract, parse_line, quarantine, value_of
from console.engine.logs.gateway_rows import KEYLESS, RowMaker, join_row
from console.engine.logs.model import Quarantined, Tally
from console.engine.logs.sources import LogSource, input_error

__all__ = ["PARALLEL_MIN_BYTES", "GatewayScan", "ranges", "scan_range"]

PARALLEL_MIN_BYTES = 32 << 20
"""Below this many bytes of plain gateway logs one process is faster than starting workers."""
KEEP = 100  # quarantined lines kept for display per range (all are counted)
_BOM = b"\xef\xbb\xbf"
_loads = orjson.loads
GatewayTuple = tuple[Any, ...]
"""The fields of join_report.GatewaySide, as a plain tuple (marshal-able)."""


@dataclass
class GatewayScan:
    """Every gateway input read: tallies in input order, quarantined lines, and the records by join key."""

    tallies: list[Tally] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    unkeyed: int = 0
    duplicates: int = 0
    by_key: dict[str, GatewayTuple] = field(default_factory=dict)
    repeats: list[GatewayTuple] = field(default_factory=list)
    """Gateway records a later one with the same key replaced (a client retry reusing its id): each is a request of
    its own, so the join gives each a row."""

    def merge(self, tally: Tally, quarantined: list[Quarantined], unkeyed: int, dups: int, blob: bytes) -> None:
        """Fold in one range's result (ranges arrive in file order; a later record wins a shared key)."""
        self.quarantined.extend(quarantined[: max(0, KEEP - len(self.quarantined))])
        self.unkeyed += unkeyed
        self.duplicates += dups
        keys, values, repeats = marshal.loads(blob)  # noqa: S302 - our own worker's output, never outside data
        by_key = self.by_key
        self.repeats.extend(repeats)
        if by_key:
            for i in [i for i, key in enumerate(keys) if key in by_key]:
                self.duplicates += 1
                self.repeats.append(by_key[keys[i]])
                values[i] = (*values[i][:-1], by_key[keys[i]][-1] + 1 + values[i][-1])
        by_key.update(zip(keys, values, strict=True))
        last = self.tallies[-1] if self.tallies else None
        if last is not None and last.source == tally.source:
            last.add(tally)
        else:
            self.tallies.append(tally)


def scan_range(
    source: LogSource,
    begin: int,
    end: int | None,
    gateway_key: str | None,
    correlation_keys: tuple[str, ...],
    progress: Callable[[int], None] | None = None,
) -> tuple[Tally, list[Quarantined], int, int, bytes]:
    """Read the lines starting in [begin, end) of one access log: (tally, quarantined, unkeyed, duplicates,
    marshalled (keys, tuples, the records a later one with the same key replaced))."""
    tally = Tally(source.label)
    label = source.label
    kept: list[Quarantined] = []
    by_key: dict[str, GatewayTuple] = {}
    unkeyed = dups = 0
    repeats: list[GatewayTuple] = []
    makers: dict[tuple[str, ...], RowMaker] = {}
    for number, start, physical in _physical_lines(source, tally, progress, begin, end):
        obj: object = None
        if physical[:1] == b"{" and b"\0" not in physical:
            # The usual line: one JSON object. What orjson accepts, parse_line (json) accepts as the same object;
            # any doubt (bad UTF-8, extra text, a list, NaN, a lone surrogate, a huge number, deep nesting) takes
            # the careful path below, which decides and names the reason exactly as read_gateway does.
            try:
                obj = _loads(physical)
            except ValueError:  # orjson.JSONDecodeError
                obj = None
        if obj.__class__ is not dict:
            raw = physical.rstrip(b"\n").removesuffix(b"\r")
            raw = raw.removeprefix(_BOM) if start == 0 else raw
            text = None if b"\0" in raw else raw.decode("utf-8", "replace")
            if text is not None and not text.strip():
                tally.blank += 1
                continue
            obj = None if text is None else parse_line(text)
            if not isinstance(obj, dict):
                tally.quarantined += 1
                if len(kept) < KEEP:
                    kept.append(quarantine(label, number, start, raw, obj))
                continue
        assert isinstance(obj, dict)
        tally.records += 1
        made = None
        if not gateway_key:
            shape = tuple(obj)  # orjson shares key strings between lines: hashing and comparing this is cheap
            make = makers.get(shape)
            if make is None:
                if len(makers) >= 256:  # a hostile file with a new shape per line only costs speed
                    makers.clear()
                make = makers[shape] = join_row(obj, correlation_keys)
            made = make(obj, label, number)
        if made is not None:  # the usual record: every value text, the tuple made in one generated function
            if made is KEYLESS:
                unkeyed += 1
                continue
            key, values = made
            earlier = by_key.setdefault(key, values)
            if earlier is not values:  # a key seen before: the last record wins, and says how many came before
                dups += 1
                repeats.append(earlier)
                by_key[key] = (*values[:-1], earlier[-1] + 1)
            continue
        f = extract(obj, correlation_keys)
        key = value_of(obj, gateway_key) if gateway_key else f.correlation_id or f.request_id or f.extended_request_id
        if key is None:
            unkeyed += 1
            continue
        before = by_key.get(key)
        if before is not None:
            dups += 1
            repeats.append(before)
        by_key[key] = (
            label,
            number,
            key,
            f.request_id,
            f.callers,
            f.status,
            f.integration_status,
            f.error_type,
            f.method,
            f.path,
            f.time,
            0 if before is None else before[-1] + 1,
        )
    # Version 2: no object references, twice as fast to write as the default for a million tuples of text.
    return tally, kept, unkeyed, dups, marshal.dumps((list(by_key), list(by_key.values()), repeats), 2)


def _physical_lines(
    source: LogSource, tally: Tally, progress: Callable[[int], None] | None, begin: int, end: int | None
) -> Iterator[tuple[int, int, bytes]]:
    """(line number, offset, bytes with their line end) of the lines starting in [begin, end); counts ``lines``."""
    number = _lines_before(source, begin)
    base = number
    stream = source.open()
    offset = begin
    try:
        if begin:
            stream.seek(begin)
        for physical in stream:
            if end is not None and offset >= end:
                break
            number += 1
            yield number, offset, physical
            offset += len(physical)
            if progress is not None and not number & 0x3FFF:
                progress(source.disk_position(stream, offset) - begin)
        tally.truncated_last_line = bool(number > base and end is None and not physical.endswith(b"\n"))
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # zlib: corrupt data mid-stream, as the reader
        raise input_error(source.label, exc) from None
    finally:
        stream.close()
        tally.lines = number - base
    if progress is not None:
        progress(source.disk_position(stream, offset) - begin)


def _lines_before(source: LogSource, begin: int) -> int:
    if not begin:
        return 0
    count = 0
    with source.open() as stream:
        while (done := stream.tell()) < begin:
            chunk = stream.read(min(1 << 20, begin - done))
            if not chunk:
                break
            count += chunk.count(b"\n")
    return count


def ranges(source: LogSource, parts: int) -> list[tuple[int, int | None]]:
    """[begin, end) byte ranges at line starts (one range for a compressed or small input)."""
    size = source.size()
    if source.compressed or parts < 2 or size < parts:
        return [(0, None)]
    cuts = [0]
    with source.open() as stream:
        for i in range(1, parts):
            stream.seek(max(size * i // parts, cuts[-1]))
            stream.readline()  # to the next line start
            cuts.append(stream.tell())
    cuts.append(size)
    return [(a, b if b < size else None) for a, b in itertools.pairwise(cuts) if a < b]
