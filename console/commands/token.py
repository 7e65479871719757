"""`baton token`: print the token a trace would send, for `export TOKEN=$(baton token)` and the copied curl."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from console.commands.seconds import timeout_seconds
from console.errors import BatonError, UsageError

if TYPE_CHECKING:
    from console.model.profile import Profile


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton token`."""
    parser.add_argument("--profile", metavar="NAME|FILE", help="profile whose token to acquire (default: sandbox)")
    parser.add_argument("--scenario", metavar="NAME", help="sandbox scenario whose client to act as")
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="print the token even when stdout is a terminal (it stays in your scrollback)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=timeout_seconds,
        default=10.0,
        help="give up on the token endpoint after this long (default 10, at most 3600)",
    )


def run(args: argparse.Namespace) -> int:
    """Stdout gets the token and a newline, nothing else; exit 2 on a terminal without --reveal, 3 when the
    token endpoint cannot be reached."""
    from console.config import load_profile
    from console.config.scenarios import check_scenario

    profile = load_profile(args.profile or None)
    scenario = check_scenario(profile, args.scenario)
    # Refuse before any work: a token on screen ends up in scrollback, screen shares and recordings.
    if sys.stdout.isatty() and not args.reveal:
        raise UsageError(
            "refusing to print a token to a terminal",
            hint="capture it (export TOKEN=$(baton token)) or pass --reveal to show it here",
        )
    token, source = _acquire(profile, scenario, args.timeout)
    sys.stderr.write(
        f"baton: token for profile '{profile.name}'" + (f" (scenario {scenario})" if scenario else "") + f": {source}\n"
    )
    if scenario is not None:
        sys.stderr.write("baton: the sandbox stops when this command exits; its tokens verify only against it\n")
    sys.stdout.write(token + "\n")
    return 0


def _acquire(profile: Profile, scenario: str | None, timeout: float) -> tuple[str, str]:
    """(token, where it came from): the client plan of the profile (or the sandbox's client), as a trace does."""
    from console.config.secrets import resolve_secret
    from console.engine.identity import acquire_token
    from console.engine.transport import make_client
    from console.session import Session

    session = Session(profile, scenario, timeout=timeout)
    try:
        target = session.start()
        with make_client(timeout) as http:
            acquired = acquire_token(target.client, http, resolve_secret)
    finally:
        session.close()
    if acquired is None or not acquired.value:
        raise BatonError(
            f"profile '{profile.name}' has no token to print: auth = {target.auth}"
            + ("" if profile.identity is None else f", flow = {profile.identity.flow}"),
            hint="a profile with auth = 'cognito' or 'jwt' and an [identity] table has one",
        )
    return acquired.value, acquired.source
