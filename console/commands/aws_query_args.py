"""Options of `baton aws query` (light: imported for --help)."""

from __future__ import annotations

import argparse
import datetime
import math
import re

_RELATIVE = re.compile(r"(\d{1,6})([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def moment(text: str) -> datetime.datetime:
    """--since/--until: ISO 8601 (UTC unless it says otherwise) or an age such as 15m, 2h, 7d."""
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative:
        seconds = int(relative.group(1)) * _UNITS[relative.group(2)]
        return datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a time: give ISO 8601 (2026-05-17T10:00:00Z) or an age (15m, 2h, 7d)"
        ) from None
    return parsed.replace(tzinfo=datetime.UTC) if parsed.tzinfo is None else parsed.astimezone(datetime.UTC)


def status_code(text: str) -> int:
    """--status: an HTTP status code."""
    if not text.isdigit() or not 100 <= int(text) <= 599:
        raise argparse.ArgumentTypeError(f"{text[:10]!r} is not an HTTP status (100–599)")
    return int(text)


def wait_seconds(text: str) -> float:
    """--wait: seconds the whole query may take, 1–900."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 1 <= value <= 900:
        raise argparse.ArgumentTypeError("--wait must be between 1 and 900 seconds")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `baton aws query`."""
    parser.epilog = (
        "Runs a CloudWatch Logs Insights query (the service scans; Baton never downloads a log group) and prints the "
        "query so it can be rerun in the AWS console. --user and --correlation-id match exactly on every group (in "
        "execution-log messages as a whole word, by a regex). Values are masked as `baton aws logs` masks them. "
        "--wait is a deadline for the whole command, AWS calls included (the query is stopped at it). "
        "Exit 0: rows found; 1: none; 2: profile or AWS failure. "
        'With --json, a failure still prints one JSON document, {"error": "...", "kind": "...", "exit_code": N} '
        "(plus the query, when there is one), and stderr keeps its one line."
    )
    parser.add_argument("--profile", metavar="NAME|FILE", help="Baton profile with an [aws] table")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--user", metavar="U", help="requests of this caller (sub, principalId, user, cs-username)")
    what.add_argument("--status", metavar="N", type=status_code, help="requests answered with this HTTP status")
    what.add_argument("--correlation-id", metavar="ID", help="requests carrying this correlation id")
    what.add_argument("--insights", metavar="QUERY", help="a raw Logs Insights query, run as given")
    parser.add_argument("--since", metavar="T", type=moment, help="from T: ISO 8601 or an age like 2h (default: 1h)")
    parser.add_argument("--until", metavar="T", type=moment, help="to T (default: now)")
    parser.add_argument(
        "--group",
        choices=("access", "execution", "iis"),
        default="access",
        help="which log group: the access log (default), the execution log, or [aws] iis_log_group",
    )
    parser.add_argument(
        "--wait", metavar="S", type=wait_seconds, default=120.0, help="seconds the query may take (default: 120)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document (also on failure)")
