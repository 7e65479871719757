"""Options of `baton aws authorize` (light: imported for --help)."""

from __future__ import annotations

import argparse

EPILOG = (
    "REST Lambda authorizers are asked through AWS TestInvokeAuthorizer and their policy judged against this method "
    "ARN; HTTP API Lambda authorizers are invoked with the event API Gateway would send, only with [aws] allow_invoke "
    "= true; JWT and Cognito authorizers are evaluated locally from their configuration and the issuer's JWKS. "
    "Without --token/--token-env the token comes from the profile's [identity], as a trace gets it. The API Gateway "
    "console's Test button (TestInvokeMethod) skips authorization. Exit 0: allowed; 1: refused or undetermined; "
    "2: profile, usage or AWS failure (the decision is unavailable). An Authorization given with --header replaces "
    "the profile's token."
    ' With --json a failure is also one JSON document on stdout ({"ok": false, "error": {"message", "kind", '
    '"exit_code"}}); stderr keeps its one line.'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `baton aws authorize`."""
    parser.epilog = EPILOG
    parser.add_argument("--profile", metavar="NAME|FILE", help="Baton profile with an [aws] table")
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--token",
        metavar="TOKEN|REF|-",
        help="the token to judge: a reference (env:VAR, file:PATH), - for stdin, or the token itself "
        "(which then sits in your shell history)",
    )
    token.add_argument("--token-env", metavar="VAR", help="read the token from this environment variable")
    parser.add_argument("--path", metavar="PATH", help="request path after the stage (default: from [gateway] url)")
    parser.add_argument("--method", metavar="M", default="GET", help="HTTP method of the request (default: GET)")
    parser.add_argument(
        "--header",
        metavar="'NAME: VALUE'",
        action="append",
        default=[],
        help="a request header the authorizer may read (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document")
