"""The gateway side of a join: every access log read into key → compact tuple, over worker processes when large.

A million JSON lines cost seconds of one core (orjson.loads alone ~1.4 µs a line here, json.loads ~5 µs), so big
plain files are cut into byte ranges at line starts and read by worker processes while the caller reads the IIS
logs. Workers send their tuples back marshalled (C speed both ways; pickling a million tuples costs seconds) and the
ranges are merged in file order, so the result is the one a single reader gives: same tallies, same "last record
wins" duplicates.
"""

from __future__ import annotations

import marshal
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import orjson

from console.engine.logs.gateway_access import extract, parse_line, quarantine, value_of
from console.engine.logs.gateway_ranges import blocks, lf_lines, lines_before, ranges
from console.engine.logs.gateway_rows import KEYLESS, LinePattern, RowMaker, join_row, line_pattern
from console.engine.logs.model import Quarantined, Tally
from console.engine.logs.sources import LogSource, input_error

try:
    from console.engine.logs import _runs
except ImportError:  # built without a C compiler: the pattern reads the runs (slower)
    _runs = None  # type: ignore[assignment]

__all__ = ["BULK_LINES", "PARALLEL_MIN_BYTES", "GatewayScan", "RangeResult", "ranges", "scan_range"]

PARALLEL_MIN_BYTES = 32 << 20
"""Below this many bytes of plain gateway logs one process is faster than starting workers."""
KEEP = 100  # quarantined lines kept for display per range (all are counted)
_BOM = b"\xef\xbb\xbf"
_loads = orjson.loads
GatewayTuple = tuple[Any, ...]
"""The fields of join_report.GatewaySide, as a plain tuple (marshal-able)."""
Found = bytes | tuple[dict[str, GatewayTuple], list[GatewayTuple]]
"""A range's records by key and its replaced records: as they are, or marshalled (from a worker)."""
RangeResult = tuple[Tally, list[Quarantined], int, int, Found]


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

    def merge(self, tally: Tally, quarantined: list[Quarantined], unkeyed: int, dups: int, found: Found) -> None:
        """Fold in one range's result (ranges arrive in file order; a later record wins a shared key)."""
        self.quarantined.extend(quarantined[: max(0, KEEP - len(self.quarantined))])
        self.unkeyed += unkeyed
        self.duplicates += dups
        # marshal: our own worker's output, never outside data
        records, repeats = marshal.loads(found) if isinstance(found, bytes) else found  # noqa: S302
        by_key = self.by_key
        self.repeats.extend(repeats)
        if not by_key:  # the first range: its dict as marshal made it (in file order), nothing copied
            self.by_key = records
        else:
            if not by_key.keys().isdisjoint(records):  # a C-level test first: ranges rarely share a key
                for key in [key for key in records if key in by_key]:
                    self.duplicates += 1
                    self.repeats.append(by_key[key])
                    records[key] = (*records[key][:-1], by_key[key][-1] + 1 + records[key][-1])
            by_key.update(records)
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
    *,
    packed: bool = True,
) -> RangeResult:
    """Read the lines starting in [begin, end) of one access log: (tally, quarantined, unkeyed, duplicates,
    ({key: tuple} in file order, the records a later one with the same key replaced)), the last marshalled when
    ``packed`` (a worker's answer)."""
    scan = _Range(source.label, gateway_key, correlation_keys)
    tally = scan.tally
    number = lines_before(source, begin)
    base, offset = number, begin
    runs = BULK_LINES and not gateway_key
    skip = backoff = 0
    last = b""
    stream = source.open()
    try:
        for block in blocks(stream, begin, end, BLOCK):
            if runs and not skip and (taken := scan.run(block, number)):
                number += taken
                offset += len(block)
                backoff = 0
            else:
                if runs:  # a run that is not all one plain shape: read line by line, try a run again later
                    skip, backoff = (skip - 1, backoff) if skip else (backoff, min(2 * backoff + 1, 64))
                for physical in block.splitlines(keepends=True) if b"\r" not in block else lf_lines(block):
                    number += 1
                    scan.line(number, offset, physical)
                    offset += len(physical)
            last = block
            if progress is not None:
                progress(source.disk_position(stream, offset) - begin)
        tally.truncated_last_line = bool(number > base and end is None and not last.endswith(b"\n"))
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # zlib: corrupt data mid-stream, as the reader
        raise input_error(source.label, exc) from None
    finally:
        stream.close()
        tally.lines = number - base
    if progress is not None:
        progress(source.disk_position(stream, offset) - begin)
    if not packed:
        return tally, scan.kept, scan.unkeyed, scan.dups, (scan.by_key, scan.repeats)
    # Version 4: a value shared between records (gateway_rows shares repeats) is written once and read back once.
    blob = marshal.dumps((scan.by_key, scan.repeats), 4)
    return tally, scan.kept, scan.unkeyed, scan.dups, blob


BULK_LINES = True
"""Read runs of plainly written lines with one pattern per shape (tests turn it off to compare with line by line)."""
BLOCK = 1 << 19
"""Bytes read at a time: a run is tried per block (a block holding one odd line is read line by line)."""


class _Range:
    """One range's records by key, with its counts: whole runs of lines at once, or one line at a time."""

    def __init__(self, label: str, gateway_key: str | None, correlation_keys: tuple[str, ...]) -> None:
        self.label = label
        self.gateway_key = gateway_key
        self.correlation_keys = correlation_keys
        self.tally = Tally(label)
        self.kept: list[Quarantined] = []
        self.by_key: dict[str, GatewayTuple] = {}
        self.unkeyed = self.dups = 0
        self.repeats: list[GatewayTuple] = []
        self.makers: dict[tuple[str, ...], RowMaker] = {}
        self.patterns: dict[tuple[str, ...], LinePattern | None] = {}

    def run(self, block: bytes, number: int) -> int:
        """Read every line of ``block`` (lines ``number + 1``…) as one run when each is a plain line of the first
        line's shape (see gateway_rows.line_pattern): how many lines it read, 0 (having changed nothing) when one
        is not."""
        if block[:1] != b"{" or not block.endswith(b"\n"):  # a BOM, a blank line, a last line without its LF
            return 0
        try:
            obj = _loads(block[: block.index(b"\n") + 1])
        except ValueError:  # orjson.JSONDecodeError
            return 0
        if obj.__class__ is not dict:
            return 0
        shape = tuple(obj)
        if shape not in self.patterns:
            if len(self.patterns) >= 256:  # a hostile file with a new shape per line only costs speed
                self.patterns.clear()
            self.patterns[shape] = line_pattern(obj, self.correlation_keys)
        plan = self.patterns[shape]
        if plan is None:
            return 0
        captured = _columns(block, plan)
        if captured is None:
            return 0
        columns = [captured[at] for at in plan.at]
        n = len(columns[0])
        made = plan.build(columns, self.label, number + 1)
        if made is None:  # a record with no key: the row maker's rules, line by line
            lines = range(number + 1, number + n + 1)
            pairs: list[Any] = list(map(plan.make, zip(*captured, strict=True), repeat(self.label), lines))  # type: ignore[arg-type]
        else:
            keys, tuples = made
            fresh = dict(zip(keys, tuples, strict=True))
            by_key = self.by_key
            if len(fresh) == n and by_key.keys().isdisjoint(fresh):
                self.tally.records += n
                by_key.update(fresh)
                return n
            pairs = list(zip(keys, tuples, strict=True))
        self.tally.records += n
        for item in pairs:  # a key twice, or a record with none: the line-by-line rules, in order
            self._add(item)
        return n

    def line(self, number: int, start: int, physical: bytes) -> None:
        """One physical line (with its line end), read as scan_range always has."""
        tally = self.tally
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
                return
            obj = None if text is None else parse_line(text)
            if not isinstance(obj, dict):
                tally.quarantined += 1
                if len(self.kept) < KEEP:
                    self.kept.append(quarantine(self.label, number, start, raw, obj))
                return
        assert isinstance(obj, dict)
        tally.records += 1
        gateway_key = self.gateway_key
        if not gateway_key:
            shape = tuple(obj)  # orjson shares key strings between lines: hashing and comparing this is cheap
            make = self.makers.get(shape)
            if make is None:
                if len(self.makers) >= 256:  # a hostile file with a new shape per line only costs speed
                    self.makers.clear()
                make = self.makers[shape] = join_row(obj, self.correlation_keys)
            made = make(obj, self.label, number)
            if made is not None:  # the usual record: every value text, the tuple made in one generated function
                self._add(made)
                return
        f = extract(obj, self.correlation_keys)
        key = value_of(obj, gateway_key) if gateway_key else f.correlation_id or f.request_id or f.extended_request_id
        if key is None:
            self.unkeyed += 1
            return
        before = self.by_key.get(key)
        if before is not None:
            self.dups += 1
            self.repeats.append(before)
        dups = 0 if before is None else before[-1] + 1
        # f[3:]: callers, status, integration status, error type, method, path, time (GatewayFields' order)
        self.by_key[key] = (self.label, number, key, f.request_id, *f[3:], dups)

    def _add(self, made: Any) -> None:
        if made is KEYLESS:
            self.unkeyed += 1
            return
        key, values = made
        earlier = self.by_key.setdefault(key, values)
        if earlier is not values:  # a key seen before: the last record wins, and says how many came before
            self.dups += 1
            self.repeats.append(earlier)
            self.by_key[key] = (*values[:-1], earlier[-1] + 1)


def _columns(block: bytes, plan: LinePattern) -> Sequence[Sequence[str]] | None:
    """The captured values of a run, a column per value (in line order); None unless every line of ``block`` is a
    plain line of the plan's shape. In C when built (_runs.c), else the plan's pattern; the two agree (tested)."""
    if _runs is not None:
        return _runs.columns(block, plan.keys, plan.wanted)
    if not block.endswith(b"\n"):  # a last line without its LF is no match of the pattern, yet not counted
        return None
    try:
        text = "\n" + block.decode()  # strict: bytes that are not UTF-8 go line by line, as orjson refuses them
    except UnicodeDecodeError:
        return None
    matches = plan.pattern.findall(text)
    if not matches or len(matches) != text.count("\n") - 1:  # every line a match, from its start to its LF
        return None
    return list(zip(*matches, strict=True))[:-1]  # the last group is the pattern's empty one
