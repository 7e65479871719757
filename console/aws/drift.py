"""Configuration drift: compare two environments' identity chains and say what changes who reaches IIS. Pure.

Works on the two RestApiConfig models `baton aws inspect` reads (console/aws/inspect_rest.py) and each side's
profile expectations; no AWS call here, so every difference kind is unit-tested without a server.
"""

from __future__ import annotations

from console.aws.drift_authorizer import authorization_differences
from console.aws.drift_mappings import mapping_differences
from console.aws.drift_model import Difference, Drift, DriftKind, SideInput, SideSummary
from console.model.aws_config import StageConfig

ORDER = (
    DriftKind.DEPLOYMENT,
    DriftKind.HIT,
    DriftKind.AUTHORIZATION,
    DriftKind.AUTHORIZER,
    DriftKind.TOKEN_TYPE,
    DriftKind.SCOPES,
    DriftKind.CACHING,
    DriftKind.MAPPING,
    DriftKind.ORIGIN_SECRET,
)
"""The order differences are listed in: the chain's own order, gateway first, headers last."""


def _deployment(a: SideInput, b: SideInput) -> list[Difference]:
    sa, sb = a.config.stage, b.config.stage
    if sa.serves_latest == sb.serves_latest:
        return []  # deployment ids themselves always differ between APIs and stages: not a difference
    stale, stage = (a, sa) if not sa.serves_latest else (b, sb)
    sentence = (
        f"{stale.name}'s stage {stage.name} serves deployment {stage.deployment_id}, not the latest "
        f"({stage.latest_deployment_id}): its callers meet the configuration as it was then, so changes made since "
        "(mappings, authorizers) reach the other side's callers only."
    )
    shown = [f"{s.deployment_id} ({_latest_words(s)})" for s in (sa, sb)]
    why = "its stage does not serve the API's latest deployment"
    return [Difference(DriftKind.DEPLOYMENT, "stage deployment", shown[0], shown[1], sentence, True, stale.name, why)]


def _latest_words(stage: StageConfig) -> str:
    if not stage.serves_latest:
        return f"latest is {stage.latest_deployment_id}"
    return "latest" if stage.latest_known else "latest unknown"


def _hit(a: SideInput, b: SideInput) -> list[Difference]:
    ha, hb = a.config.hit, b.config.hit
    shown = [f"{h.http_method} {h.resource_path}" if h is not None else "nothing" for h in (ha, hb)]
    if ha is None and hb is None:
        return []
    if ha is None or hb is None:
        missing, reason = (a, a.config.miss_reason) if ha is None else (b, b.config.miss_reason)
        other = b if missing is a else a
        sentence = (
            f"on {missing.name} the request reaches no resource or route ({reason or 'no match'}); on {other.name} "
            "it reaches IIS."
        )
        return [Difference(DriftKind.HIT, "resource or route hit", shown[0], shown[1], sentence)]
    found: list[Difference] = []
    if (ha.http_method, ha.resource_path) != (hb.http_method, hb.resource_path):
        sentence = (
            "the request hits a different resource or route on each side; what that changes for identity is "
            "listed beside it (authorizer, scopes, mappings)."
        )
        found.append(Difference(DriftKind.HIT, "resource or route hit", shown[0], shown[1], sentence, identity=False))
    if ha.integration_type != hb.integration_type:
        sentence = (
            "the integration type differs: on an HTTP_PROXY integration a header the caller sends reaches IIS "
            "unless a mapping overwrites it; on HTTP (non-proxy) only mapped headers do."
        )
        found.append(
            Difference(
                DriftKind.AUTHORIZATION, "integration type", ha.integration_type, hb.integration_type, sentence, False
            )
        )
    return found


def _notes(a: SideInput, b: SideInput) -> list[str]:
    notes: list[str] = []
    ra = f"{a.config.request_method} {a.config.request_path}"
    rb = f"{b.config.request_method} {b.config.request_path}"
    if ra != rb:
        notes.append(f"the two sides were asked about different requests ({ra} and {rb}): give --path to compare one")
    if a.config.kind != b.config.kind:
        notes.append(
            f"{a.name} is a {a.config.kind.upper()} API and {b.name} a {b.config.kind.upper()} API: sources are "
            "compared by what they read (claim, context key), not by how each API spells them"
        )
    for side in (a, b):
        stage, source = side.config.stage, side.config.source
        drafted = source is None or source.kind == "draft"  # not the stage's own snapshot (see config_export_read)
        if not stage.serves_latest and side.config.kind == "rest" and drafted:
            notes.append(
                f"{side.name}: the mappings and authorizer shown are the API's current configuration; its stage "
                f"{stage.name} serves the older deployment {stage.deployment_id}, which may differ from them"
            )
        if source is not None and source.note:
            notes.append(f"{side.name}: {source.note}")
        if side.config.hit is None:
            notes.append(f"{side.name}: {side.config.miss_reason or 'the request hits nothing'}")
        if stage.same_second:
            notes.append(
                f"{side.name}: whether stage {stage.name} serves the latest deployment cannot be told: "
                f"{', '.join(stage.same_second)} was created in the same second as {stage.deployment_id}"
            )
    hits = a.config.hit is not None and b.config.hit is not None
    if hits and a.config.authorizer is None and b.config.authorizer is None:
        notes.append("neither side's method has an authorizer: only mappings and the deployment were compared")
    notes.append("origin secret values are never read back or compared: only whether and how each side sets it")
    return notes


def compare(a: SideInput, b: SideInput) -> Drift:
    """Every difference between the two sides' identity chains, in the chain's order, and notes on what was not
    compared."""
    found = _deployment(a, b) + _hit(a, b) + authorization_differences(a, b) + mapping_differences(a, b)
    ranked = sorted(found, key=lambda d: (ORDER.index(d.kind), not d.identity))
    return Drift(SideSummary.of(a), SideSummary.of(b), tuple(ranked), tuple(_notes(a, b)))
