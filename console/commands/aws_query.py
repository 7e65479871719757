"""`baton aws query`: a CloudWatch Logs Insights query over many requests; the query is always shown."""

from __future__ import annotations

import argparse
import datetime
import math
import sys
import time
from typing import Any

from console.commands.aws_logs import PollLine, cut, error_document, error_kind, write_json
from console.errors import AwsError, BatonError, UsageError
from console.model.gateway_log import Unavailable
from console.model.profile import AwsSettings, Profile
from console.sanitize import inert


def _group(profile: Profile, settings: AwsSettings, kind: str, factory: Any) -> str:
    from console.aws.gateway_logs_groups import execution_group
    from console.aws.gateway_logs_search import access_group

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
    found = access_group(settings, factory, api_kind)
    if found.group is None:
        raise AwsError(found.note, reason=found.kind, where="--group access")  # GetStage's failure keeps its kind
    return found.group


def run(args: argparse.Namespace) -> int:
    """Exit 0: rows; 1: no rows; 2: profile, usage or AWS failure."""
    try:
        return _run(args)
    except BatonError as exc:
        if args.json:  # one document for scripts; stderr keeps its one line (console.cli)
            write_json(error_document(exc.one_line(), error_kind(exc), exc.exit_code))
        raise


def _run(args: argparse.Namespace) -> int:
    from console.aws.gateway_logs_clients import CloudWatchClients
    from console.aws.insights import run_query
    from console.aws.insights_queries import build_query
    from console.config import load_profile

    began = time.monotonic()
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
    clients = CloudWatchClients(settings, deadline=began + args.wait)  # --wait bounds every call too
    group = _group(profile, settings, args.group, clients)
    # whole seconds, widened outwards: an event logged in the last fraction of a second is still in the window
    start_s, end_s = math.floor(since.timestamp()), math.ceil(until.timestamp())
    if not args.json:
        sys.stdout.write(f"query over {inert(group)} from {since:%Y-%m-%dT%H:%M:%SZ} to {until:%Y-%m-%dT%H:%M:%SZ}:\n")
        sys.stdout.write("".join(f"  {inert(line)}\n" for line in query.splitlines()))
        sys.stdout.flush()
    line = PollLine()
    try:
        left = max(0.0, args.wait - (time.monotonic() - began))
        result = run_query(
            clients("logs"), (group,), query, start_s, end_s, progress=line, timeout=left, target=clients.target
        )
    finally:
        line.close()
    if isinstance(result, Unavailable):
        code = 1 if result.kind == "cancelled" else 2
        sys.stderr.write(f"baton: {inert(result.reason)}\n")
        if args.json:
            write_json(error_document(result.reason, result.kind, code, query=query, groups=[group]))
        return code
    code = 0 if result.rows else 1
    if args.json:
        write_json({**result.as_dict(), "exit_code": code})
    else:
        sys.stdout.write(f"{len(result.rows)} row(s); {result.records_scanned:.0f} records scanned\n")
        for row in result.rows:
            sys.stdout.write("  " + "  ".join(f"{inert(k)}={inert(cut(_shown(k, v)))}" for k, v in row) + "\n")
    return code


def _shown(field: str, value: str) -> str:
    """A value for the text output: an epoch-milliseconds ``@timestamp`` (moto's form) as UTC time."""
    if field == "@timestamp" and value.isdigit() and 12 <= len(value) <= 14:
        moment = datetime.datetime.fromtimestamp(int(value) / 1000, datetime.UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"
    return value
