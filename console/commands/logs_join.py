"""`baton logs join --gateway … --iis …`: per request, who the gateway saw and who IIS saw, and the verdict."""

from __future__ import annotations

import argparse
import csv
import gc
import io
import itertools
import json
import operator
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from console.commands.logs_output import csv_rows, quarantined_text
from console.commands.progress import Progress
from console.commands.style import Style
from console.sanitize import inert

if TYPE_CHECKING:
    from console.engine.logs.join import JoinReport, JoinRow

EXIT_OK, EXIT_FINDING = 0, 1
_BAD = ("lost", "altered", "bypassed", "name_only")
_UNVERIFIED = ("not_joinable", "id_not_propagated")
"""Findings too (exit 1): nobody can say whose request it was, though none is a security finding."""
_COLOURS = {
    "intact": "green",
    "lost": "red",
    "altered": "red",
    "bypassed": "red",
    "refused_at_iis": "yellow",
    "missing_at_iis": "yellow",
    "refused_at_gateway": "dim",
    "baton_probe": "dim",
    "not_joinable": "yellow",
    "name_only": "yellow",
    "id_not_propagated": "yellow",
}
BYPASS_FINDING = (
    "traffic reached IIS around the gateway: IIS logged requests no gateway record accounts for — restrict IIS to "
    "the gateway's addresses (or require a secret header set by the integration)"
)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every request kept its identity; 1 on any finding: lost, altered, the same name in an unverified
    realm, bypassed, a correlation id the gateway did not propagate, or requests or IIS records that could not be
    joined (the audit did not pass: nobody can say);
    2 (LogInputError, raised) for unusable input."""
    enabled = gc.isenabled()
    gc.disable()  # millions of tuples live until the end: a collection after the join would walk them all, for nothing
    try:
        return _run(args)
    finally:
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from console.engine.logs.join import join
    from console.engine.logs.sources import expand

    gateway = expand(args.gateway, pattern="*.log|*.json|*.jsonl|*.ndjson|*.txt|*.gz|*.zip")
    iis = expand(args.iis)
    with Progress([s.size() for s in [*gateway, *iis]], "joining") as bar:
        report = join(gateway, iis, iis_key=args.iis_key, progress=bar.overall())
    out = sys.stdout
    summary_only = bool(getattr(args, "summary", False))  # --summary: the counts, not a row per request
    if args.json and summary_only:
        out.write(json.dumps({"summary": summary_json(report)}, ensure_ascii=False) + "\n")
    elif args.json:
        write_json(report, out)
    elif args.csv:
        write_csv(report, out)
        sys.stderr.write(inert(_one_line_summary(report)) + "\n")
    else:
        out.write(render_text(report, Style(color=False if args.no_color else None), rows=not summary_only))
    code = EXIT_FINDING if report.iis_not_joinable or any(report.counts.get(v, 0) for v in _bad()) else EXIT_OK
    if len(report.rows) >= HARD_EXIT_ROWS and _is_the_baton_command():
        # Everything is written: freeing millions of tuples one by one at exit would take seconds (mypy does this).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


HARD_EXIT_ROWS = 100_000
"""From this many rows the `baton` process ends without freeing the report (seconds of teardown, for nothing)."""


def _is_the_baton_command() -> bool:
    """Whether this process is the `baton` command itself, not a test or a program calling run()."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    script = os.path.basename(getattr(main, "__file__", "") or "")
    return script in ("baton", "baton.exe") or (spec is not None and spec.name == "console.cli")


def _bad() -> list[Any]:
    from console.engine.logs.join import JoinVerdict

    return [*(JoinVerdict(v) for v in _BAD), *(JoinVerdict(v) for v in _UNVERIFIED)]


def summary_json(report: JoinReport) -> dict[str, Any]:
    """H4's summary plus the security findings (a bypass is one)."""
    document = dict(report.summary())
    bypassed = report.counts.get(_bad()[2], 0)  # _BAD's order: lost, altered, bypassed
    document["security_findings"] = (
        [{"code": "bypassed", "severity": "error", "count": bypassed, "detail": BYPASS_FINDING}] if bypassed else []
    )
    return document


def write_json(report: JoinReport, out: TextIO) -> None:
    """One JSON document, ``{"summary": …, "rows": […]}``, written in batches (a million rows never sit in one
    string). JSON escapes control characters, so log values are inert as written."""
    from console.engine.logs.join_fork import write_halves
    from console.engine.logs.join_output import json_rows_range, row_dict

    out.write('{"summary": ' + json.dumps(summary_json(report), ensure_ascii=False) + ', "rows": [')
    binary = getattr(out, "buffer", None)
    if binary is not None:  # straight to the byte stream, a batch of rows at a time (join_output.json_rows_range)
        out.flush()
        enabled = gc.isenabled()
        gc.disable()  # millions of tuples alive: collections would walk them all, for nothing
        rows = report.rows

        def render(lo: int, hi: int, stream: BinaryIO) -> None:
            json_rows_range(rows, lo, hi, stream, first=lo == 0)

        try:
            # Two cores (join_fork: a forked child renders the second half): the compiled writer reads the rows in
            # place, so the child copies none of their pages (the Python renderers' references to each row did).
            write_halves(len(rows), binary, render)
        finally:
            if enabled:
                gc.enable()
        binary.flush()
    else:
        for i, row in enumerate(report.rows):
            out.write(("\n  " if i == 0 else ",\n  ") + json.dumps(row_dict(row), ensure_ascii=False, default=str))
    out.write("\n]}\n")


def write_csv(report: JoinReport, out: TextIO) -> None:
    """A header and a CSV row per request; on two cores for a big report when ``out`` has a byte stream."""
    from console.engine.logs.join_output import CSV_HEADER, csv_row

    rows = report.rows
    binary = getattr(out, "buffer", None)
    if binary is None:
        csv_rows(CSV_HEADER, map(csv_row, rows), out)
        return
    from console.engine.logs.join_fork import write_halves

    encoding, errors = out.encoding, out.errors or "strict"
    header = io.StringIO()
    csv_rows(CSV_HEADER, (), header)  # what every part begins with; the parts after the first drop it

    def render(lo: int, hi: int, stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="\n", write_through=False)
        try:
            text.write(header.getvalue())
            fast_csv_rows(map(rows.__getitem__, range(lo, hi)), text)
            text.flush()
        finally:
            text.detach()  # the caller owns the stream

    out.flush()
    write_halves(len(rows), binary, render, skip=len(header.getvalue().encode(encoding, errors)))
    binary.flush()


def fast_csv_rows(rows: Iterable[JoinRow], out: TextIO) -> None:
    """What ``csv_rows(CSV_HEADER, map(csv_row, rows), out)`` writes after its header, byte for byte, at a fraction of
    the cost, a batch of rows a column at a time (C loops: no Python code per cell). A cell's final text (csv_row's,
    made inert, a formula guarded, quoted as csv.writer quotes it) is remembered per value: a million rows share a
    few thousand of each, but for the key and the two ``source:line`` columns, which a batch takes as they are when
    every one of them is printable ASCII with no ``,`` or ``"`` and not starting like a formula (no step changes such
    a text). A row is its fields joined by commas: csv.writer quotes each field on its own (a row of more than one
    field has no special case), so that is its line."""
    from console.engine.logs.join_output import CSV_HEADER, row_dict

    pick = operator.itemgetter(*CSV_HEADER)
    cell = _Cells().__getitem__
    it = iter(rows)
    while batch := list(itertools.islice(it, _CSV_BATCH)):
        columns = zip(*map(pick, map(row_dict, batch)), strict=True)
        fields = [
            map(_EMPTY.get, column, column) if name in _UNIQUE and _as_they_are(column) else map(cell, column)
            for name, column in zip(CSV_HEADER, columns, strict=True)
        ]
        out.write("\n".join(map(",".join, zip(*fields, strict=True))) + "\n")


_CSV_BATCH = 512
_CELLS_CAP = 1 << 16
_UNIQUE = frozenset({"key", "gateway_at", "iis_at"})
"""Columns whose values are seldom seen twice (remembering them would only fill the memory)."""
_FORMULA_FIRST = frozenset("=+-@\t\r")
"""First characters the CSV guards act on (join_output's and logs_output's): a text starting otherwise is kept."""
_first = operator.itemgetter(slice(0, 1))
_TEXT_OR_NONE = frozenset({str, type(None)})


_EMPTY: dict[Any, str] = {None: "", "": ""}
"""A value that is no text (None, empty) → its field, empty; any other value → itself (``_EMPTY.get(v, v)``)."""


def _as_they_are(column: tuple[Any, ...]) -> bool:
    """Whether csv_row, inert, the formula guard and csv.writer leave every string of ``column`` as it is (None, the
    other value there, becomes an empty field): printable ASCII (nothing inert escapes, no line end), no ``,`` or
    ``"`` (nothing to quote), not starting as a formula might."""
    if not _TEXT_OR_NONE.issuperset(map(type, column)):
        return False
    text = "".join(filter(None, column))
    return (
        text.isascii()
        and text.isprintable()
        and "," not in text
        and '"' not in text
        and _FORMULA_FIRST.isdisjoint(map(_first, filter(None, column)))
    )


class _Cells(dict[Any, str]):
    """A row value → its CSV field as csv_rows writes csv_row's cell (remembered: values repeat)."""

    def __missing__(self, value: Any) -> str:
        from console.commands.logs_output import csv_safe  # the very guard csv_rows applies
        from console.engine.logs.join_output import csv_cell

        if len(self) >= _CELLS_CAP:
            self.clear()
        text = csv_safe(inert(csv_cell(value)))
        if text:  # csv.writer's quoting of this field (an empty field alone on a row would be written "")
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow([text])
            text = buffer.getvalue()[:-1]
        self[value] = text
        return text


def _one_line_summary(report: JoinReport) -> str:
    counts = ", ".join(f"{v.words} {n:,}" for v, n in sorted(report.counts.items(), key=lambda kv: -kv[1]))
    return f"baton logs join: {len(report.rows):,} requests: {counts or 'none'}" + (
        "" if report.complete else " (partial: see --json warnings)"
    )


def render_text(report: JoinReport, s: Style, rows: bool = True) -> str:
    """A row per request, then the counts, the security finding when traffic bypassed the gateway, and warnings."""
    from console.engine.logs.join import JoinVerdict

    lines: list[str] = []
    if report.rows and rows:
        lines.append(s("Requests", "bold"))
        for row in report.rows:
            g, i = row.gateway, row.iis
            method = (g.method if g else i.method if i else "") or "-"
            path = (g.path if g else i.path if i else "") or "-"
            verdict = s(f"{row.verdict.words:<18}", _COLOURS.get(row.verdict.value, ""), "bold")
            lines.append(
                f"  {verdict} {inert(row.key or '-')}  {inert(method)} {inert(path)}  "
                f"gateway {inert(row.gateway_caller or '-')} → {row.gateway_status or '-'}  "
                f"IIS {inert(row.iis_user or '-')} → {inert(row.iis_status or '-')}"
            )
            where = [f"{inert(x.source)}:{x.line}" for x in (g, i) if x is not None]
            detail = " · ".join([*where, inert(row.note)] if row.note else where)
            lines.append(s(f"      {detail}", "dim"))
        lines.append("")
    lines.append(
        s(f"Summary  {len(report.rows):,} requests", "bold") + ("" if report.complete else s("  (partial)", "yellow"))
    )
    blind = report.iis_not_joinable
    for verdict in JoinVerdict:
        n = report.counts.get(verdict, 0)
        if n or verdict.value in ("intact", *_BAD):
            blind_here = blind and verdict.value == "bypassed"
            unchecked = f"  ({blind:,} IIS records could not be checked)" if blind_here else ""
            lines.append(f"  {s(f'{verdict.words:<20}', _COLOURS.get(verdict.value, ''))}{n:>9,}{unchecked}")
    if blind:
        label = s(f"{'IIS not joinable':<20}", "yellow")
        lines.append(f"  {label}{blind:>9,}  (records in a log without the key)")
    bypassed = report.counts.get(JoinVerdict.BYPASSED, 0)
    if bypassed:
        lines += ["", s(f"✗ SECURITY FINDING: {bypassed:,} request(s) bypassed the gateway", "red", "bold")]
        lines.append(f"  {BYPASS_FINDING}")
    warnings = report.warnings()
    if warnings:
        lines += ["", s("Warnings", "bold", "yellow")] + [f"  ! {inert(w)}" for w in warnings]
    if report.quarantined:
        lines += ["", s("Quarantined lines (not joined)", "bold")]
        lines += [f"  {quarantined_text(q)}" for q in report.quarantined]
    return "\n".join(lines) + "\n"
