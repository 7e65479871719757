"""Options of `baton aws logs` (light: imported for --help)."""

from __future__ import annotations

import argparse
import math

from console.commands.aws_query_args import moment


def wait_seconds(text: str) -> float:
    """--wait: seconds to keep polling CloudWatch, 0–600."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= 600:
        raise argparse.ArgumentTypeError("--wait must be between 0 and 600 seconds")
    return value


JSON_ERRORS = (
    'With --json, a failure still prints one JSON document, {"error": "...", "kind": "...", "exit_code": N} '
    "(plus what was searched, when anything was), and stderr keeps its one line."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `baton aws logs`."""
    parser.epilog = (
        "Searches the stage's execution log (API-Gateway-Execution-Logs_{apiId}/{stage}, or [aws] execution_log_group) "
        "and access log ([aws] access_log_group, or the stage's access-log destination) with FilterLogEvents, polling "
        "until the request's lines arrive or --wait runs out. The window: from --since; else from 5 minutes before "
        "--at; else the last hour. --wait is a deadline for the whole command, AWS calls included. "
        "A request id can be set by the client, so two executions may share one: both are shown and none is taken. "
        "An access record found by --correlation-id is this request's only when its requestId is REQUEST_ID; "
        "without REQUEST_ID it is labelled as matched by correlation id only. "
        "Exit 0: found; 1: nothing of this request found, or the id is ambiguous; 2: profile or AWS failure. "
        + JSON_ERRORS
    )
    parser.add_argument(
        "request_id", metavar="REQUEST_ID", nargs="?", default="", help="the response's x-amzn-RequestId"
    )
    parser.add_argument("--profile", metavar="NAME|FILE", help="Baton profile with an [aws] table")
    parser.add_argument(
        "--correlation-id", metavar="ID", help="also look for access records carrying this correlation id"
    )
    parser.add_argument(
        "--wait", metavar="S", type=wait_seconds, help="seconds to keep polling (default: [aws] log_wait, else 30)"
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--since", metavar="T", type=moment, help="search from T: ISO 8601 or an age like 6h, 2d (default: 1h)"
    )
    when.add_argument(
        "--at", metavar="T", type=moment, help="the request's time (its Date header): search from 5 minutes before"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document (also on failure)")
