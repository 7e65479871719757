"""A missing-header finding explained by what AWS said: no mapping sets it (inspect's fix), the gateway did send it
(lost after the gateway), or a mapping does set it (then the fix names what else drops it, never the mapping)."""

from __future__ import annotations

from dataclasses import replace

from console.engine.aws_hooks import ExpectedPropagation
from console.engine.diagnosis.aws_config_check import existing_mapping_fix
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.model.findings import Finding
from console.model.gateway_log import AuthorizerLog, HeaderDump
from console.model.trace import Confidence, HopName

LOGGED_WHERE = "the endpoint request headers API Gateway logged"
LOST = "iis.header_lost_after_gateway"
MISSING = "integration.claim_header_missing"


def unmapped_headers(ev: Evidence, expected: object) -> tuple[dict[str, str], dict[str, str]]:
    """The profile's propagation headers no mapping sets (header → claim), and inspect's fix command per header."""
    if not isinstance(expected, ExpectedPropagation) or expected.config.hit is None:
        return {}, {}
    mapped = {m.header.lower() for m in expected.config.hit.mappings if m.via != "remove"}
    unmapped = {h: c for h, c in ev.target.propagation if h.lower() not in mapped}
    commands: dict[str, str] = {}
    for item in expected.findings:
        for header in unmapped:
            if item.finding.code == "config.header_unmapped" and f"no mapping sets {header} " in item.finding.title:
                fix = item.finding.fix + (f": $ {item.commands[0]}" if item.commands else "")
                commands[header] = fix
    return unmapped, commands


def draft_note(expected: object) -> str:
    """When the configuration read is the API's current one, not the stage's snapshot: the words to add to a cause
    drawn from it (a header mapped in the draft may not be deployed yet, and the reverse)."""
    source = getattr(getattr(expected, "config", None), "source", None)
    if source is None or source.kind != "draft":
        return ""
    return f" (read from the API's current configuration, which may not be what the stage serves: {source.note})"


def explained(
    finding: Finding,
    unmapped: dict[str, str],
    commands: dict[str, str],
    endpoint: HeaderDump | None,
    *,
    expected: object = None,
    context: AuthorizerLog | None = None,
) -> Finding:
    """A missing-header finding with its cause from AWS: no mapping sets it, the gateway did send it, or a mapping
    sets it and something else dropped it (``context``: the trusted log's authorizer part, to name the cause)."""
    if finding.code != MISSING:
        return finding
    header = next((line.rsplit(": no ", 1)[1] for line in finding.evidence if ": no " in line), None)
    if header is None:
        return finding
    if header in unmapped:
        fix = commands.get(header) or f"map {header} in the integration request and redeploy (baton aws inspect)"
        detail = f"{finding.detail} — because no mapping sets it: the API's configuration sends IIS no {header}"
        return replace(finding, detail=detail + draft_note(expected), fix=fix)
    sent = endpoint.get(header) if endpoint is not None else None
    if sent is not None and not finding.detail.startswith(LOGGED_WHERE):
        detail = (
            f"{finding.detail} — yet API Gateway's execution log shows it sent IIS {header}: {sent}, so the header "
            "was lost between the gateway and IIS"
        )
        # API Gateway's own log shows the integration sent it: the loss is past the gateway, at or before IIS.
        return hop_finding(
            LOST,
            detail,
            hop=HopName.IIS,
            confidence=finding.confidence or Confidence.CERTAIN,
            evidence=finding.evidence,
        )
    # The configuration maps the header: "add the mapping" would be wrong; name what else drops it.
    fix = existing_mapping_fix(header, expected, context) or finding.fix
    if endpoint is not None and sent is None and not finding.detail.startswith(LOGGED_WHERE):
        detail = f"{finding.detail} — API Gateway's execution log confirms it did not send it"
        return replace(finding, detail=detail, fix=fix)
    return replace(finding, fix=fix)
