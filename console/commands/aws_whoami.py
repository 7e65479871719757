"""`baton aws whoami`: the caller identity AWS sees, and the region and endpoint Baton used to ask."""

from __future__ import annotations

import argparse
import json
import sys

from console.sanitize import inert


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the identity; every AWS failure is one line naming the fix and exit 2 (console.errors.AwsError)."""
    from console.aws.errors import json_errors

    with json_errors(args.json, "aws whoami"):
        settings = None
        if args.profile:
            from console.config import load_profile

            profile = load_profile(args.profile)
            settings = profile.aws
            if settings is None:
                # Said before the call: when it fails, the reader knows it went to the standard chain (and AWS).
                note = f"profile '{inert(profile.name)}' has no [aws] table: using the standard AWS chain alone"
                sys.stderr.write(f"baton: {note}\n")
        from console.aws.identity import caller_identity

        identity = caller_identity(settings)
    if args.json:
        sys.stdout.write(json.dumps(identity.as_dict(), indent=2) + "\n")
        return 0
    aws_profile = identity.aws_profile or "(none)"
    rows = (
        ("account", identity.account, ""),
        ("arn", identity.arn, ""),
        ("user id", identity.user_id, ""),
        ("region", identity.region or "(none)", identity.region_source),
        ("endpoint", identity.endpoint, identity.endpoint_source),
        ("aws profile", aws_profile, identity.aws_profile_source),
    )
    for label, value, source in rows:
        origin = f"  (from {inert(source)})" if source else ""
        sys.stdout.write(f"{label:<12}{inert(value)}{origin}\n")
    return 0
