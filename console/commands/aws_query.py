"""`baton aws query`: a CloudWatch Logs Insights query over many requests; the query is always shown."""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys

from console.commands.aws_logs import PollLine
from console.errors import AwsError, UsageError
from console.model.gateway_log import Unavailable
from console.model.profile import AwsSettings, Profile
from console.sanitize import inert


def _group(profile: Profile, settings: AwsSettings, kind: str) -> str:
    from console.aws.gateway_logs_groups import execution_group
    from console.aws.gateway_logs_search import access_group, cloudwatch_client_factory

    if kind == "iis":
        if not settings.iis_log_group:
            raise UsageError("no IIS log group", where="--group iis", hint="set [aws] iis_log_group in the profile")
        return settings.iis_log_group
    if kind == "execution":
        group = execution_group(settings.execution_log_group, settings.api_id, settings.stage)
        if group is None:
            raise UsageError("no execution log group", where="--group execution", hint="set [aws] api_id and stage")
        return group
    api_kind = profile.gateway.kind.value if profile.gateway is not None else "rest"
    found, note = access_group(settings, cloudwatch_client_factory(settings), api_kind)
    if found is None:
        raise AwsError(note, reason="config", where="--group access")
    return found


def run(args: argparse.Namespace) -> int:
    """Exit 0: rows; 1: no rows; 2: profile, usage or AWS failure."""
    from console.aws.gateway_logs_search import cloudwatch_client_factory
    from console.aws.insights import run_query
    from console.aws.insights_queries import build_query
    from console.config import load_profile

    profile = load_profile(args.profile)
    settings = profile.aws
    if settings is None:
        raise AwsError(f"profile '{profile.name}' has no [aws] table", reason="config", where="aws query")
    until = args.until or datetime.datetime.now(datetime.UTC)
    since = args.since or until - datetime.timedelta(hours=1)
    if since >= until:
        raise UsageError(f"--since {since.isoformat()} is not before --until {until.isoformat()}", where="aws query")
    query = args.insights or build_query(
        args.group, user=args.user, status=args.status, correlation_id=args.correlation_id
    )
    group = _group(profile, settings, args.group)
    # whole seconds, widened outwards: an event logged in the last fraction of a second is still in the window
    start_s, end_s = math.floor(since.timestamp()), math.ceil(until.timestamp())
    if not args.json:
        sys.stdout.write(f"query over {inert(group)} from {since:%Y-%m-%dT%H:%M:%SZ} to {until:%Y-%m-%dT%H:%M:%SZ}:\n")
        sys.stdout.write("".join(f"  {inert(line)}\n" for line in query.splitlines()))
        sys.stdout.flush()
    line = PollLine()
    try:
        result = run_query(cloudwatch_client_factory(settings)("logs"), (group,), query, start_s, end_s, progress=line)
    finally:
        line.close()
    if args.json:
        document = result.as_dict()
        document.setdefault("query", query)
        document.setdefault("groups", [group])
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif isinstance(result, Unavailable):
        sys.stderr.write(f"baton: {inert(result.reason)}\n")
    else:
        sys.stdout.write(f"{len(result.rows)} row(s); {result.records_scanned:.0f} records scanned\n")
        for row in result.rows:
            sys.stdout.write("  " + "  ".join(f"{inert(k)}={inert(v)}" for k, v in row) + "\n")
    if isinstance(result, Unavailable):
        return 1 if result.kind == "cancelled" else 2
    return 0 if result.rows else 1
