"""Options of `baton aws logs` (light: imported for --help)."""

from __future__ import annotations

import argparse
import math


def wait_seconds(text: str) -> float:
    """--wait: seconds to keep polling CloudWatch, 0–600."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= 600:
        raise argparse.ArgumentTypeError("--wait must be between 0 and 600 seconds")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `baton aws logs`."""
    parser.epilog = (
        "Searches the stage's execution log (API-Gateway-Execution-Logs_{apiId}/{stage}, or [aws] execution_log_group) "
        "and access log ([aws] access_log_group, or the stage's access-log destination) with FilterLogEvents, polling "
        "until the request's lines arrive or --wait runs out. "
        "Exit 0: found; 1: nothing found; 2: profile or AWS failure."
    )
    parser.add_argument("request_id", metavar="REQUEST_ID", help="the response's x-amzn-RequestId")
    parser.add_argument("--profile", metavar="NAME|FILE", help="Baton profile with an [aws] table")
    parser.add_argument("--correlation-id", metavar="ID", help="also find the access record by this correlation id")
    parser.add_argument(
        "--wait", metavar="S", type=wait_seconds, help="seconds to keep polling (default: [aws] log_wait, else 30)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document")
