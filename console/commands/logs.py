"""`baton logs VERB`: one verb family for IIS W3C, HTTPERR and API Gateway access logs.

Only the options live here; each verb's module (``logs_<verb>.py``) is imported when that verb runs, so
`baton logs search` never pays for DuckDB and `baton --help` pays for none of them."""

from __future__ import annotations

import argparse
import datetime
import importlib
import re

VERBS: dict[str, str] = {
    "search": "matching records, decoded (exit 1 when nothing matches, like grep)",
    "stats": "counts by status.substatus.win32, top 401/403 by path and user, per-hour histogram, quarantined lines",
    "sql": "SQL over the records, IIS field names as columns (table 'logs'), on DuckDB",
    "tail": "follow a log file, a folder of u_ex*.log or a glob across rotation",
    "join": "join API Gateway access logs with IIS logs by correlation id: who reached IIS as whom",
}

_STATUS = re.compile(r"(\d{3})(?:\.(\d{1,5})(?:\.(\d{1,20}))?)?")


def status_arg(text: str) -> tuple[int, int | None, int | None]:
    """``401``, ``401.2`` or ``401.2.5`` (status.substatus.win32, the key ``stats`` prints) → (401, 2, 5); anything
    else (``40x``, ``4011``, ``401.``) is refused with one line saying what is accepted."""
    match = _STATUS.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a status: give status[.substatus[.win32]] in digits, e.g. 401, 401.2 or 401.2.5"
        )
    sub, win32 = match.group(2), match.group(3)
    return int(match.group(1)), None if sub is None else int(sub), None if win32 is None else int(win32)


def time_arg(text: str) -> datetime.datetime:
    """An ISO 8601 time (``2026-05-17``, ``2026-05-17T10:00``, ``… 10:00:00Z``, ``…+02:00``) → aware UTC.

    IIS writes ``date time`` in UTC, so a time without an offset is taken as UTC too."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a time: give ISO 8601 in UTC, e.g. 2026-05-17T10:00:00Z"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _paths(parser: argparse.ArgumentParser, what: str = "IIS log") -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=f"{what}: a file, a folder of u_ex*.log, or a glob")


def _output(parser: argparse.ArgumentParser, *, csv: bool = False) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="JSON output (one object per line where rows stream)")
    if csv:
        group.add_argument("--csv", action="store_true", help="CSV output with a header row")
    parser.add_argument("--no-color", action="store_true", help="no colours in text output")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The verbs of `baton logs` and their options."""
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=type(parser))
    made = {name: verbs.add_parser(name, help=text, description=text) for name, text in VERBS.items()}

    search = made["search"]
    _paths(search)
    find = search.add_argument_group("what to find (all given must match)")
    find.add_argument(
        "--correlation-id", metavar="ID", help="the request's correlation id: the whole value of --correlation-field"
    )
    find.add_argument(
        "--user",
        metavar="U",
        help="the caller IIS logged (cs-username, else an identity header such as X-User-Sub), exact and "
        "case-insensitive: alice is not CONTOSO\\alice; * matches anything (*\\alice, alice@*); '' or - for anonymous",
    )
    find.add_argument(
        "--status",
        metavar="401[.2[.5]]",
        type=status_arg,
        help="sc-status, optionally .sc-substatus and .sc-win32-status (the keys stats prints)",
    )
    find.add_argument(
        "--path",
        metavar="P",
        help="cs-uri-stem, case-insensitive as IIS matches paths; a trailing * matches a prefix (/api/*)",
    )
    find.add_argument("--since", metavar="T", type=time_arg, help="logged at or after T (ISO 8601, UTC)")
    find.add_argument("--until", metavar="T", type=time_arg, help="logged before T (ISO 8601, UTC)")
    search.add_argument(
        "--correlation-field",
        metavar="FIELD",
        default=None,
        help="the #Fields name that carries the correlation id (default X-Correlation-Id, also as "
        "cs(X-Correlation-Id)); '*' matches the whole value of any field",
    )
    _output(search)

    stats = made["stats"]
    _paths(stats)
    stats.add_argument("--top", metavar="N", type=int, default=10, help="how many paths/users to list (default 10)")
    _output(stats)

    sql = made["sql"]
    sql.add_argument("statement", metavar="SQL", help="e.g. 'SELECT cs_username, count(*) FROM logs GROUP BY 1'")
    _paths(sql)
    _output(sql, csv=True)

    tail = made["tail"]
    tail.add_argument(
        "path",
        metavar="PATH",
        help="a log file, a folder whose newest u_ex*.log is followed, or a glob (its newest match)",
    )
    tail.add_argument("--from-start", action="store_true", help="print what is already there first")
    tail.add_argument("--poll", metavar="SECONDS", type=float, default=0.5, help="check every SECONDS (default 0.5)")
    _output(tail)

    join = made["join"]
    join.add_argument("--gateway", nargs="+", required=True, metavar="ACCESS_LOG", help="API Gateway access logs")
    join.add_argument("--iis", nargs="+", required=True, metavar="PATH", help="IIS W3C logs")
    join.add_argument(
        "--iis-key", metavar="FIELD", default="X-Correlation-Id", help="IIS field with the correlation id"
    )
    join.add_argument("--summary", action="store_true", help="counts only, no row per request")
    _output(join, csv=True)
    join.epilog = (
        "exit codes: 0 every request intact; 1 any finding (lost, altered, name_only, bypassed, not joinable, "
        "correlation id not propagated); "
        "2 unusable input (a missing or unreadable file, a gateway log with no access-log record)"
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen verb; see each ``logs_<verb>`` module for its exit codes."""
    module = importlib.import_module(f"console.commands.logs_{args.verb}")
    code: int = module.run(args)
    return code
