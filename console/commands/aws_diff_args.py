"""Options of `baton aws diff` (light: imported for --help; no boto3 here)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `baton aws diff`: the two profiles, the request, --json."""
    parser.epilog = (
        "Reads both profiles' [aws] api_id and stage with the readers of `baton aws inspect` and compares their "
        "identity chains: stage deployment, resource or route hit, authorization, authorizer settings (identity "
        "source, issuer, audience, TTL), scopes and token type, and each header the integration sends IIS. Names the "
        "side that is likely wrong when one meets its profile's [propagation] and [identity] expectations and the "
        "other does not. Exit 0: no difference that changes who reaches IIS; 1: such differences; 2: a profile or "
        "AWS failure (naming the profile). Literal credentials are compared without being shown."
        ' With --json a failure is also one JSON document on stdout ({"ok": false, "error": {"message", "kind", '
        '"exit_code"}}); stderr keeps its one line.'
    )
    parser.add_argument("profile_a", metavar="PROFILE_A", help="Baton profile (name or file) with an [aws] table")
    parser.add_argument("profile_b", metavar="PROFILE_B", help="the profile to compare it with")
    parser.add_argument(
        "--path", metavar="PATH", help="request path after the stage, for both sides (default: each [gateway] url)"
    )
    parser.add_argument("--method", metavar="M", default="GET", help="HTTP method of the request (default: GET)")
    parser.add_argument("--json", action="store_true", help="one JSON document")
