"""`baton logs sql "SELECT …" PATH…`: SQL over IIS logs on DuckDB (table ``logs``, IIS field names as columns)."""

from __future__ import annotations

import argparse
import sys

from console.commands.logs_output import csv_rows, json_line, table
from console.commands.progress import Progress
from console.sanitize import inert

EXIT_OK, EXIT_BAD = 0, 2


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the result (table, --json lines, --csv); 2 for a bad statement or input, with one line."""
    from console.engine.logs.sources import expand
    from console.engine.logs.sql import SqlError, run_sql

    sources = expand(args.paths)
    try:
        with Progress([s.size() for s in sources], "loading") as bar:
            result = run_sql(args.statement, sources, progress=bar.overall())
        out = sys.stdout
        if args.json:
            for row in result.rows:
                json_line(dict(zip(result.columns, row, strict=False)), out)
        elif args.csv:
            csv_rows(result.columns, result.rows, out)
        elif result.columns:
            count = table(result.columns, result.rows, out)
            out.flush()  # the table before its footnote, also when stdout is a pipe and stderr is not
            sys.stderr.write(f"({count:,} row{'s' if count != 1 else ''}; {result.loaded:,} records loaded)\n")
    except SqlError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"baton logs sql: {inert(exc.message)}\n")
        return EXIT_BAD
    return EXIT_OK
