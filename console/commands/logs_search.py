"""`baton logs search`: the records that match, decoded; exit 0 found, 1 nothing found (like grep), 2 bad input."""

from __future__ import annotations

import argparse
import sys

from console.commands.logs_output import json_line, record_json, record_text
from console.commands.progress import Progress
from console.commands.style import Style
from console.engine.logs.model import LogInputError


def run(args: argparse.Namespace) -> int:
    """Print every matching record (text, or --json lines with decoded and raw fields)."""
    from console.engine.logs.search import Query, search
    from console.engine.logs.sources import expand

    if args.since is not None and args.until is not None and args.since >= args.until:
        raise LogInputError(
            f"--since {args.since.isoformat()} is not before --until {args.until.isoformat()}: the range is empty"
        )
    sources = expand(args.paths, warn=_warn)
    status, substatus, win32 = args.status if args.status else (None, None, None)
    query = Query(
        correlation_id=args.correlation_id,
        user=args.user,
        status=status,
        substatus=substatus,
        path=args.path,
        since=args.since,
        until=args.until,
        win32=win32,
    )
    style = Style(color=False if args.no_color else None)
    out = sys.stdout
    found = 0
    shown = None if args.correlation_field == "*" else args.correlation_field  # which id a line shows
    with Progress([s.size() for s in sources], "searching") as bar:

        def tell(text: str) -> None:
            bar.close()
            _warn(text)

        try:
            for record in search(
                sources, query, progress=bar.overall(), correlation_field=args.correlation_field, warn=tell
            ):
                bar.close()  # erase the bar before a result; it redraws under it on the next update
                found += 1
                if args.json:
                    json_line(record_json(record, shown), out)
                else:
                    out.write(record_text(record, style, shown) + "\n")
        except LogInputError as exc:
            # Whatever was printed stands, but the search did not finish: say so and never exit 0.
            bar.close()
            out.flush()
            raise LogInputError(
                f"{exc.message} (search stopped: {found} match(es) printed above, the rest was not read)",
                where=exc.where,
                hint=exc.hint,
            ) from None
    return 0 if found else 1


def _warn(text: str) -> None:
    """One warning line on stderr (the text is already inert)."""
    sys.stderr.write(f"baton: warning: {text}\n")
    sys.stderr.flush()
