"""`baton aws logs REQUEST_ID`: this request's execution-log lines and access record from CloudWatch, parsed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from console.errors import AwsError
from console.model.gateway_log import ExecutionLog, GatewayLogEvidence, HeaderDump, PollProgress, Unavailable
from console.sanitize import inert


class PollLine:
    """``waiting for …  (attempt 3, 4 s of 30 s)`` on stderr, redrawn in place; only when stderr is a terminal."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        try:
            self.enabled = self.out.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.shown = False

    def __call__(self, step: PollProgress) -> None:
        if not self.enabled:
            return
        text = inert(
            f"waiting for {step.waiting_for}  (attempt {step.attempt}, {step.elapsed_s:.0f} s of {step.limit_s:.0f} s)"
        )
        self.out.write(f"\r{text}\x1b[K")
        self.out.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the line so results start clean."""
        if self.shown:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            self.shown = False


def run(args: argparse.Namespace) -> int:
    """Exit 0: found (either part); 1: nothing found; 2: profile or AWS failure (one line naming the fix)."""
    from console.aws.gateway_logs import fetch_request_logs
    from console.config import load_profile

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
            profile.aws, args.request_id, args.correlation_id, wait=args.wait, progress=line, api_kind=kind
        )
    finally:
        line.close()
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
    elif isinstance(result, Unavailable):
        sys.stderr.write(f"baton: {inert(result.reason)}\n")
        for search in result.searches:
            sys.stderr.write(f"  searched: {inert(search.command())}\n")
    else:
        sys.stdout.write("".join(f"{inert(text)}\n" for text in text_lines(result)))
    if isinstance(result, Unavailable):
        return 1 if result.kind in ("not_found", "cancelled") else 2
    return 0


def _headers(title: str, dump: HeaderDump | None) -> list[str]:
    if dump is None:
        return []
    cut = f" (TRUNCATED after {dump.cut_at}: later headers were not logged)" if dump.truncated else ""
    lines = [f"  {title}{cut}"]
    lines += [f"    {name}: {value}" for name, value in dump.pairs]
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
            out.append(f"    policy    {auth.policy}")
        out += [f"    context   {key}={value}" for key, value in auth.context]
    out += _headers("method request headers", log.method_request_headers)
    if log.endpoint_uri:
        out.append(f"  endpoint  {log.endpoint_uri}")
    out += _headers("headers sent to the integration (IIS)", log.endpoint_headers)
    if log.endpoint_status is not None or log.integration_latency_ms is not None:
        latency = (
            f", integration latency {log.integration_latency_ms} ms" if log.integration_latency_ms is not None else ""
        )
        out.append(f"  endpoint response status {log.endpoint_status or '?'}{latency}")
    out += [f"  error     {error}" for error in log.errors]
    if log.unparsed:
        out.append(f"  not understood ({len(log.unparsed)}), kept as logged:")
        out += [f"    {line.text}" for line in log.unparsed]
    return out


def text_lines(evidence: GatewayLogEvidence) -> list[str]:
    """The human report (callers print each line inert)."""
    out = [f"request   {evidence.request_id}  ({evidence.attempts} poll(s), {evidence.waited_s:.0f} s)"]
    if evidence.execution is not None:
        out += _execution_lines(evidence.execution)
    if evidence.execution_note:
        out.append(f"execution note: {evidence.execution_note}")
    access = evidence.access
    if access is not None:
        callers = ", ".join(access.callers) or "-"
        out.append(f"access    status {access.status or '?'} {access.method} {access.path}  caller {callers}")
        out += [f"  {key} = {value}" for key, value in access.raw]
    if evidence.access_note:
        out.append(f"access note: {evidence.access_note}")
    out += [f"search    {search.command()}" for search in evidence.searches]
    return out
