"""`baton token`: print the token a trace would send, for `export TOKEN=$(baton token --profile NAME)` and the copied
curl."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from console.commands.seconds import timeout_seconds
from console.errors import BatonError, UsageError
from console.sanitize import inert

if TYPE_CHECKING:
    from console.model.profile import Profile


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton token`."""
    parser.epilog = (
        "Name the profile you trace with: export TOKEN=$(baton token --profile NAME). Without --profile this is "
        "the sandbox's token, which verifies only against the sandbox run that issued it."
    )
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
            hint=f"capture it (export TOKEN=$({command(args)})) or pass --reveal to show it here",
        )
    token, source, scenario, attached = _acquire(profile, scenario, args.timeout)
    sys.stderr.write(
        f"baton: token for profile '{inert(profile.name)}'"
        + (f" (scenario {inert(scenario)})" if scenario else "")
        + (f" from the running console's sandbox at {inert(attached)}" if attached else "")
        + f": {inert(source)}\n"
    )
    if not args.profile:  # the sandbox's token verifies nowhere else: say so before it is pasted into a real curl
        sys.stderr.write(
            f"baton: no --profile given: this is the token of the default profile '{inert(profile.name)}'; "
            "for another profile's token run baton token --profile NAME\n"
        )
    if scenario is not None and attached is None:
        sys.stderr.write("baton: the sandbox stops when this command exits; its tokens verify only against it\n")
    sys.stdout.write(token + "\n")
    return 0


def command(args: argparse.Namespace) -> str:
    """The `baton token` command line that gets this token again, ready for a shell."""
    import shlex

    words = ["baton", "token"]
    if args.profile:
        words += ["--profile", args.profile]
    if args.scenario:
        words += ["--scenario", args.scenario]
    return inert(shlex.join(words))


def _acquire(profile: Profile, scenario: str | None, timeout: float) -> tuple[str, str, str | None, str | None]:
    """(token, where it came from, the scenario, the console sandbox's gateway when one was used): the client plan
    of the profile, or the sandbox's client, as a trace does. A sandbox token comes from a running console's
    sandbox when there is one: each sandbox has fresh keys, so only its own tokens verify at it."""
    from console.config.secrets import profile_resolver
    from console.engine.identity import acquire_token
    from console.engine.transport import make_client
    from console.session import Session

    session = Session(profile, scenario, timeout=timeout, attach=True)
    try:
        target = session.start()
        with make_client(timeout) as http:
            acquired = acquire_token(target.client, http, profile_resolver(profile), token_source=target.token_source)
    finally:
        session.close()
    if acquired is None or not acquired.value:
        raise BatonError(
            f"profile '{profile.name}' has no token to print: auth = {target.auth}"
            + ("" if profile.identity is None else f", flow = {profile.identity.flow}"),
            hint="a profile with auth = 'cognito' or 'jwt' and an [identity] table has one",
        )
    return acquired.value, acquired.source, session.scenario, session.attached
