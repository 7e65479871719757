"""The API's configuration against the profile's [propagation] and against what IIS received.

A header the profile expects that no mapping sets, or one mapped from another claim, is a warning with inspect's
fix even when nothing else is known; when IIS received a value that configuration cannot have produced, the
configuration read and IIS disagree, and the trace is not confirmed. A header not sent although a mapping sets it
gets the causes that remain (an older deployment, an empty context key, a template), never "add the mapping"."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from console.engine.aws_hooks import ExpectedPropagation
from console.engine.diagnosis.evidence import Evidence, gateway_form
from console.engine.diagnosis.propagation import lookup
from console.model.aws_config import HeaderMapping, RestApiConfig, SourceKind
from console.model.gateway_log import AuthorizerLog

_INSPECT_CODES = frozenset(
    {
        "config.header_unmapped",
        "config.header_other_source",
        "config.header_from_client",
        "config.header_fixed_value",
        "config.claim_absent",
    }
)
"""inspect's findings about one propagated header's mapping (console/aws/inspect_findings.py)."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One propagated header the configuration does not send as the profile expects."""

    header: str
    claim: str
    mapping: HeaderMapping | None
    why: str
    fix: str


def _mapping(config: RestApiConfig, header: str) -> HeaderMapping | None:
    hit = config.hit
    found = [m for m in hit.mappings if m.header.lower() == header.lower()] if hit is not None else []
    return next((m for m in found if m.via != "remove"), None)


def _why(header: str, claim: str, mapping: HeaderMapping | None) -> str:
    """Why ``mapping`` does not carry ``claim`` (the rule of the drift view); empty when it does or cannot be told."""
    if mapping is None:
        return f"no mapping sets {header} (the profile expects {claim})"
    if mapping.via == "append":
        return f"{header} is set with append:, so a caller's own value reaches IIS first"
    if mapping.kind is SourceKind.CLIENT:
        return f"{header} is copied from the caller's request ({mapping.source})"
    if mapping.kind in (SourceKind.LITERAL, SourceKind.STAGE_VARIABLE, SourceKind.REQUEST_CONTEXT, SourceKind.OTHER):
        return f"{header} ← {mapping.source} carries no caller identity (the profile expects {claim})"
    if mapping.key != claim and not (mapping.kind is SourceKind.CONTEXT and mapping.key == "principalId"):
        return f"{header} ← {mapping.source}: the profile expects {claim}, not {mapping.key}"
    return ""


def _inspect_fix(expected: ExpectedPropagation, header: str) -> str:
    for item in expected.findings:
        title = item.finding.title
        if item.finding.code in _INSPECT_CODES and (
            title.startswith(f"{header} ") or title.startswith(f"no mapping sets {header} ")
        ):
            return item.finding.fix + "".join(f": $ {command}" for command in item.commands[:2])
    return ""


def mismatches(ev: Evidence, expected: object) -> list[Mismatch]:
    """The profile's propagated headers the configuration does not send as expected, each with its fix."""
    if not isinstance(expected, ExpectedPropagation) or expected.config.hit is None:
        return []
    found: list[Mismatch] = []
    for header, claim in ev.target.propagation:
        mapping = _mapping(expected.config, header)
        why = _why(header, claim, mapping)
        if why:
            fix = _inspect_fix(expected, header) or f"map {header} from the authorizer's {claim} and redeploy"
            found.append(Mismatch(header, claim, mapping, why, fix))
    return found


def predicted(ev: Evidence, mismatch: Mismatch) -> str | None:
    """The value this configuration would send for this token; None when it cannot be told (principalId, no token)."""
    mapping = mismatch.mapping
    if mapping is None or ev.token is None or mapping.kind not in (SourceKind.CLAIM, SourceKind.CONTEXT):
        return None
    if mapping.key == "principalId":
        return None
    return gateway_form(ev.token.token.claims.get(mapping.key), ev.target.gateway_kind)


def against_iis(ev: Evidence, found: list[Mismatch], received: dict[str, str], expected: object) -> list[str]:
    """Each value IIS received that this configuration cannot have produced."""
    proxy = (
        isinstance(expected, ExpectedPropagation)
        and expected.config.hit is not None
        and (expected.config.hit.integration_type == "HTTP_PROXY")
    )
    said: list[str] = []
    for item in found:
        got = lookup(received, item.header)
        if got is None:
            continue
        if item.mapping is None:
            sent = lookup(ev.sent_headers, item.header)
            if sent is not None and proxy:
                continue  # the caller's own header passed through: the propagation rules say so
            through = " (on this HTTP_PROXY integration a caller-sent header passes through unchanged)" if proxy else ""
            said.append(f"IIS received {item.header}: {got}, yet no mapping sets it{through}")
            continue
        would = predicted(ev, item)
        if would is not None and would != got:
            said.append(f"IIS received {item.header}: {got}, yet {item.mapping.source} is {would} for this token")
    return said


def confirmed(ev: Evidence, received: dict[str, str] | None) -> bool:
    """IIS's headers carry exactly the expected value for every propagated header."""
    wanted = ev.expected_values()
    if received is None or not wanted or any(v is None for v in wanted.values()):
        return False
    return all(lookup(received, header) == value for header, value in wanted.items())


def existing_mapping_fix(header: str, expected: object, context: AuthorizerLog | None) -> str | None:
    """The fix for a header not sent although the configuration maps it; None when no mapping sets it."""
    if not isinstance(expected, ExpectedPropagation) or expected.config.hit is None:
        return None
    config = expected.config
    mapping = _mapping(config, header)
    if mapping is None or config.hit is None:
        return None
    hit = config.hit
    where = f"the mapping exists: {hit.http_method} {hit.resource_path} sends {header} ← {mapping.source}"
    source = config.source
    if source is not None:
        where += f" ({source.summary})"
    causes = [_deployment(config)]
    if mapping.kind in (SourceKind.CLAIM, SourceKind.CONTEXT):
        what = "claims" if mapping.kind is SourceKind.CLAIM else "context"
        value = next((v for k, v in context.context if k == mapping.key), None) if context is not None else None
        seen = (
            f" (the gateway log shows {mapping.key} = {value} in this request's authorizer context)"
            if value is not None
            else " (the gateway log shows no such key in this request's authorizer context)"
            if context is not None and mapping.kind is SourceKind.CONTEXT
            else ""
        )
        causes.append(f"the authorizer's {what} may lack {mapping.key} for this token{seen}")
    if hit.templates:
        kinds = ", ".join(t.content_type for t in hit.templates)
        causes.append(f"a mapping template ({kinds}) may override it with $context.requestOverride.header")
    return f"{where}. Look for what else drops it: " + "; ".join(causes) + "."


def _deployment(config: RestApiConfig) -> str:
    """The stage may serve a deployment without the mapping: how to check and fix it (commands shown, never run)."""
    stage, api, region = shlex.quote(config.stage.name), shlex.quote(config.api_id), shlex.quote(config.region)
    if config.kind == "http":
        return (
            f"stage {config.stage.name} may serve a deployment without it: $ aws apigatewayv2 create-deployment "
            f"--api-id {api} --stage-name {stage} --region {region}"
        )
    draft = config.source is not None and config.source.kind == "draft"
    head = "the configuration read is the API's current one, which" if draft else f"stage {config.stage.name}"
    return (
        f"{head} may serve a deployment without it (check with $ aws apigateway get-stage --rest-api-id {api} "
        f"--stage-name {stage} --region {region}); deploy it with $ aws apigateway create-deployment --rest-api-id "
        f"{api} --stage-name {stage} --region {region} (or point the stage at a deployment that has it with "
        f"$ aws apigateway update-stage --rest-api-id {api} --stage-name {stage} --region {region} --patch-operations "
        "op=replace,path=/deploymentId,value=<deployment id>)"
    )
