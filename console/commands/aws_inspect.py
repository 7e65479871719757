"""`baton aws inspect`: what the API (REST or HTTP) is configured to send IIS for the request, and what is wrong."""

from __future__ import annotations

import argparse
import json
import sys

from console.aws.inspect_findings import method_token_type
from console.aws.inspect_rest import Inspection
from console.engine.redact import redact_all, redact_text
from console.model.aws_config import RestApiConfig
from console.model.enums import Severity
from console.sanitize import inert


def run(args: argparse.Namespace) -> int:
    """Exit 0: no error finding; 1: an error finding; 2: profile, usage or AWS failure (one line naming the fix)."""
    from console.aws.errors import json_errors
    from console.aws.inspect_rest import inspect_profile
    from console.config import load_profile

    with json_errors(args.json, "aws inspect"):
        profile = load_profile(args.profile)
        inspection = inspect_profile(profile, path=args.path, method=args.method)
    if args.json:
        # Every string from AWS once more through the redaction rules: a JWT or AWS key id anywhere (a URI, a name).
        sys.stdout.write(json.dumps(redact_all(inspection.as_dict(), ()), indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in text_lines(inspection)))
    errors = [f for f in inspection.findings if f.finding.severity is Severity.ERROR]
    return 1 if errors else 0


def _stage_line(config: RestApiConfig) -> str:
    stage = config.stage
    if stage.auto_deploy:
        return f"stage     {stage.name} (auto-deploy)"
    if stage.same_second:
        others = ", ".join(stage.same_second)
        latest = f"cannot tell whether it is the latest: {others} was created in the same second"
    elif stage.latest_deployment_id is None:
        latest = "no deployment dates to compare"
    else:
        latest = "the latest" if stage.serves_latest else f"latest is {stage.latest_deployment_id}"
    return f"stage     {stage.name} → deployment {stage.deployment_id or '(none)'} ({latest})"


def _authorizer_lines(inspection: Inspection) -> list[str]:
    config = inspection.config
    hit = config.hit
    assert hit is not None
    authorizer = config.authorizer
    if authorizer is None:
        return [f"auth      {hit.authorization_type}" + (" (authorizer not found)" if hit.authorizer_id else "")]
    ttl = f"TTL {authorizer.ttl}s" + ("" if authorizer.ttl_set else " (default)")
    lines = [
        f"auth      {authorizer.type} authorizer {authorizer.name} ({authorizer.id}), "
        f"identity source {authorizer.identity_source or '(none)'}, {ttl}"
    ]
    lines += [f"          issuer {issuer}" for issuer in authorizer.issuers]
    if authorizer.audiences:
        lines.append(f"          audience {' '.join(authorizer.audiences)}")
    if authorizer.authorizer_uri:
        lines.append(f"          lambda {authorizer.authorizer_uri}")
    scopes = " ".join(hit.scopes) if hit.scopes else "(none)"
    kind = method_token_type(config)
    if kind is not None:
        lines.append(f"          scopes {scopes} → expects {kind} tokens")
    elif authorizer.type == "JWT":
        lines.append(f"          scopes {scopes} → takes id or access tokens (no scope to tell them apart)")
    else:
        lines.append(f"          scopes {scopes}")
    return lines


def _as_of(config: RestApiConfig) -> str:
    if config.source is None or config.source.kind == "current":
        return ""
    if config.source.kind == "deployed":
        return f" (as deployed to stage {config.stage.name})"
    return " (current configuration: the stage may serve others, see the note)"


def text_lines(inspection: Inspection) -> list[str]:
    """The human report; every AWS-sourced string is shown inert."""
    config = inspection.config
    raw = [f"{config.kind.upper()} API  {config.api_id} ({config.region})", _stage_line(config)]
    if config.source is not None:
        raw.append(f"config    {config.source.summary}")
    raw.append(f"request   {config.request_method} {config.request_path}  (path from {inspection.path_source})")
    hit = config.hit
    if hit is None:
        raw.append(f"hits      nothing: {config.miss_reason}")
    else:
        what = "route" if config.kind == "http" else "resource"
        raw.append(f"hits      {hit.http_method} {hit.resource_path}  ({what} {hit.resource_id})")
        integration_id = f" ({hit.integration_id})" if hit.integration_id else ""
        raw.append(f"          integration {hit.integration_type}{integration_id} {hit.integration_uri}".rstrip())
        raw += _authorizer_lines(inspection)
        raw.append("headers sent to IIS" + _as_of(config))
        width = max((len(m.header) for m in hit.mappings), default=0)
        for mapping in hit.mappings:
            via = "" if mapping.via in ("requestParameters", "overwrite") else f"  ({mapping.via})"
            raw.append(f"  {mapping.header:<{width}} ← {mapping.source}{via}")
        if not hit.mappings:
            raw.append("  (no header mappings)")
        for template in hit.templates:
            refs = ", ".join(template.authorizer_refs) or "no $context.authorizer value"
            raw.append(f"template  {template.content_type}: references {refs}")
    raw.append(f"findings ({len(inspection.findings)})" if inspection.findings else "findings: none")
    for item in inspection.findings:
        finding = item.finding
        raw.append(f"  {finding.severity.value:<8}{finding.code}  {finding.title}")
        raw.append(f"          {finding.detail}")
        raw.append(f"          fix: {finding.fix}")
        raw += [f"            $ {command}" for command in item.commands]
    raw += [f"note      {note}" for note in inspection.notes]
    return [inert(redact_text(line)) for line in raw]
