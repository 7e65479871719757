"""`baton aws logs REQUEST_ID`: this request's execution-log lines and access record from CloudWatch, parsed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console.commands.aws_progress import PollLine
from console.errors import AwsError, BatonError, ProfileError, UsageError
from console.model.gateway_log import (
    AccessRecord,
    ExecutionLog,
    GatewayLogEvidence,
    HeaderDump,
    Unavailable,
)
from console.sanitize import inert

__all__ = ["PollLine", "cut", "error_document", "error_kind", "run", "text_lines", "write_json"]

SHOWN_CHARS = 300
"""Values longer than this are cut in the text output (whole in --json): a 3,000-character log field is 40 rows."""


def cut(value: str, limit: int = SHOWN_CHARS) -> str:
    """``value``, or its first ``limit`` characters and how long it was."""
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value)} chars; whole in --json)"


def error_kind(exc: BatonError) -> str:
    """What kind of failure, for the JSON error document."""
    if isinstance(exc, AwsError):
        return exc.reason
    return "usage" if isinstance(exc, UsageError) else "profile" if isinstance(exc, ProfileError) else "error"


def error_document(error: str, kind: str, exit_code: int, **extra: Any) -> dict[str, Any]:
    """The --json document of a failure: the one line stderr also carries, its kind and the exit code."""
    return {"error": error, "kind": kind, "exit_code": exit_code, **extra}


def write_json(document: dict[str, Any]) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def run(args: argparse.Namespace) -> int:
    """Exit 0: found; 1: nothing of this request found, or ambiguous; 2: profile or AWS failure (one line)."""
    try:
        return _run(args)
    except BatonError as exc:
        if args.json:  # scripts piping to jq get a document; stderr keeps its one line (console.cli)
            write_json(error_document(exc.one_line(), error_kind(exc), exc.exit_code))
        raise


def _run(args: argparse.Namespace) -> int:
    from console.aws.gateway_logs import fetch_request_logs
    from console.config import load_profile

    if not args.request_id.strip() and not args.correlation_id:
        raise UsageError("give REQUEST_ID, or --correlation-id to search by it alone", where="aws logs")
    profile = load_profile(args.profile)
    if profile.aws is None:
        raise AwsError(
            f"profile '{profile.name}' has no [aws] table",
            reason="config",
            where="aws logs",
            hint="add [aws] api_id, stage and region",
        )
    kind = profile.gateway.kind.value if profile.gateway is not None else "rest"
    line = PollLine()
    try:
        result = fetch_request_logs(
            profile.aws,
            args.request_id,
            args.correlation_id,
            wait=args.wait,
            progress=line,
            api_kind=kind,
            since=args.since.timestamp() if args.since is not None else None,
            started_at=args.at.timestamp() if args.at is not None else None,
        )
    finally:
        line.close()
    if isinstance(result, Unavailable):
        code = 1 if result.kind in ("not_found", "cancelled") else 2
        sys.stderr.write(f"baton: {inert(result.reason)}\n")
        if args.json:
            write_json({**result.as_dict(), **error_document(result.reason, result.kind, code)})
        else:
            for search in result.searches:
                sys.stderr.write(f"  searched: {inert(search.command())}\n")
        return code
    code = 1 if result.ambiguous else 0
    if args.json:
        write_json({**result.as_dict(), "exit_code": code})
    else:
        sys.stdout.write("".join(f"{inert(text)}\n" for text in text_lines(result)))
    return code


def _headers(title: str, dump: HeaderDump | None) -> list[str]:
    if dump is None:
        return []
    cut_note = f" (TRUNCATED after {dump.cut_at}: later headers were not logged)" if dump.truncated else ""
    lines = [f"  {title}{cut_note}"]
    lines += [f"    {name}: {cut(value)}" for name, value in dump.pairs]
    if dump.tail:
        lines.append(f"    … {dump.tail}")
    return lines or [f"  {title}: (none)"]


def _execution_lines(log: ExecutionLog) -> list[str]:
    status = f"status {log.status}" if log.status is not None else "no final status yet"
    out = [f"execution {status}; {len(log.lines)} lines, {log.understood} understood, {len(log.unparsed)} not"]
    if log.http_method or log.resource_path:
        out.append(f"  resource  {log.http_method or '?'} {log.resource_path or '?'}")
    auth = log.authorizer
    if auth is not None:
        how = "invoked" if auth.invoked else ("from cache [inferred]" if auth.cache_hit else "decision logged")
        latency = f", {auth.latency_ms} ms" if auth.latency_ms is not None else ""
        out.append(f"  authorizer {auth.authorizer_id or '?'} {how}: {auth.outcome or 'outcome not logged'}{latency}")
        if auth.principal:
            out.append(f"    principal {auth.principal}")
        if auth.policy:
            out.append(f"    policy    {cut(auth.policy)}")
        out += [f"    context   {key}={cut(value)}" for key, value in auth.context]
    out += _headers("method request headers", log.method_request_headers)
    if log.endpoint_uri:
        out.append(f"  endpoint  {cut(log.endpoint_uri)}")
    out += _headers("headers sent to the integration (IIS)", log.endpoint_headers)
    if log.endpoint_status is not None or log.integration_latency_ms is not None:
        latency = (
            f", integration latency {log.integration_latency_ms} ms" if log.integration_latency_ms is not None else ""
        )
        out.append(f"  endpoint response status {log.endpoint_status or '?'}{latency}")
    out += [f"  error     {error}" for error in log.errors]
    if log.unparsed:
        out.append(f"  not understood ({len(log.unparsed)}), kept as logged:")
        out += [f"    {cut(line.text)}" for line in log.unparsed]
    return out


def _access_lines(title: str, access: AccessRecord) -> list[str]:
    callers = ", ".join(access.callers) or "-"
    out = [f"{title} status {access.status or '?'} {access.method} {cut(access.path)}  caller {callers}"]
    out.append(f"  matched by {access.matched_by}")
    return out + [f"  {key} = {cut(value)}" for key, value in access.raw]


def text_lines(evidence: GatewayLogEvidence) -> list[str]:
    """The human report (callers print each line inert)."""
    asked = evidence.request_id or "(none: by correlation id)"
    out = [f"request   {asked}  ({evidence.attempts} poll(s), {evidence.waited_s:.0f} s; {evidence.window})"]
    if evidence.execution is not None:
        out += _execution_lines(evidence.execution)
    for number, execution in enumerate(evidence.executions, 1):
        ext = execution.extended_request_id or "no Extended Request Id logged"
        out.append(f"— execution {number} of {len(evidence.executions)} ({ext}) —")
        out += _execution_lines(execution)
    if evidence.execution_note:
        out.append(f"execution note: {evidence.execution_note}")
    if evidence.access is not None:
        out += _access_lines("access   ", evidence.access)
    for number, access in enumerate(evidence.accesses, 1):
        out += _access_lines(f"access {number} of {len(evidence.accesses)}:", access)
    for access in evidence.related:
        out.append(f"other request {access.request_id} (carries the correlation id; not this request's):")
        out += ["  " + text for text in _access_lines("access   ", access)]
    if evidence.access_note:
        out.append(f"access note: {evidence.access_note}")
    out += [f"search    {search.command()}" for search in evidence.searches]
    return out
