"""What a REST stage serves: its deployment's snapshot (GetExport), the model built from it, and how the current
(draft) configuration of the hit method differs from it ("changed but not deployed").

A stage serves the deployment it points at, not the API's current resources: GetResources and GetMethod read the
draft. When GetExport fails or answers without the integration extension, the draft is shown with a note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from console.aws.config_export import EXPORT_PARAMETERS, ExportUnusable, StageSnapshot, parse_export, snapshot_method
from console.aws.rest_shape import best_resource
from console.errors import AwsError
from console.model.aws_config import (
    ConfigSource,
    HeaderMapping,
    MethodConfig,
    RestApiConfig,
    StageConfig,
    UndeployedChange,
)

if TYPE_CHECKING:
    from console.aws.config_read import Reader

EXPORT_PERMISSION = "apigateway:GET on arn:aws:apigateway:REGION::/restapis/*/stages/*/exports/*"


def read_snapshot(reader: Reader, api_id: str, stage: str) -> StageSnapshot | str:
    """The stage's deployed snapshot, or why it could not be read (one sentence)."""
    try:
        answer = reader.call(
            "GetExport",
            "get_export",
            restApiId=api_id,
            stageName=stage,
            exportType="oas30",
            parameters=dict(EXPORT_PARAMETERS),
            accepts="application/json",
        )
        return parse_export(answer.get("body") if isinstance(answer, dict) else None)
    except AwsError as exc:
        permission = f" (it needs {EXPORT_PERMISSION})" if exc.reason == "unauthorized" else ""
        return f"GetExport of stage {stage} failed: {exc.message}{permission}"
    except ExportUnusable as exc:
        return str(exc)


def deployed_source(stage: StageConfig) -> ConfigSource:
    """``as deployed to stage dev (deployment abc, created …)``."""
    created = f", created {stage.deployment_created}" if stage.deployment_created else ""
    return ConfigSource("deployed", f"as deployed to stage {stage.name} (deployment {stage.deployment_id}{created})")


def draft_source(stage: StageConfig, why: str) -> ConfigSource:
    """The draft, with why the stage's own snapshot was not read and what that risks."""
    note = (
        f"{why}: shown is the API's current configuration, which may not be what stage {stage.name} serves "
        f"(deployment {stage.deployment_id or '?'}); a change not deployed yet looks live here"
    )
    return ConfigSource("draft", "the API's current (draft) configuration, not the stage's snapshot", note)


def deployed_config(
    base: RestApiConfig,
    snapshot: StageSnapshot,
    resource_ids: Mapping[str, str],
    authorizer_ids: Mapping[str, str],
) -> tuple[RestApiConfig, Mapping[str, Any] | None]:
    """The model of what the stage serves for the request, and the deployed authorizer's GetAuthorizers item."""
    from console.aws.config_read import method_config  # config_read imports this module

    base = replace(base, resource_paths=snapshot.paths, source=deployed_source(base.stage))
    path, verb = base.request_path, base.request_method
    hit_path = best_resource(snapshot.paths, path)
    if hit_path is None:
        reason = f"no resource matches {path}: API Gateway answers 403 Missing Authentication Token itself"
        return replace(base, miss_reason=reason), None
    methods = snapshot.operations[hit_path]
    chosen = verb if verb in methods else "ANY" if "ANY" in methods else None
    if chosen is None:
        reason = f"resource {hit_path} has no {verb} (nor ANY) method: API Gateway answers 403 itself"
        return replace(base, miss_reason=reason), None
    raw, authorizer = snapshot_method(snapshot, hit_path, chosen, authorizer_ids)
    resource = {"id": resource_ids.get(hit_path, ""), "path": hit_path}
    return replace(base, hit=method_config(resource, raw)), authorizer


def _mapping_text(mapping: HeaderMapping | None) -> str:
    if mapping is None:
        return "(not mapped)"
    return mapping.source + ("" if mapping.via == "requestParameters" else f"  ({mapping.via})")


def _same(a: HeaderMapping | None, b: HeaderMapping | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.digest or b.digest:  # masked or cut literals: compared by digest, never shown
        return (a.digest, a.via) == (b.digest, b.via)
    return (a.source, a.via) == (b.source, b.via)


def _mapping_changes(deployed: MethodConfig, current: MethodConfig) -> list[UndeployedChange]:
    left = {m.header.lower(): m for m in deployed.mappings}
    right = {m.header.lower(): m for m in current.mappings}
    changes = []
    for key in sorted(set(left) | set(right)):
        was, now = left.get(key), right.get(key)
        present = was or now
        if present is not None and not _same(was, now):
            changes.append(UndeployedChange(present.header, _mapping_text(was), _mapping_text(now)))
    return changes


def _method_changes(deployed: MethodConfig, current: MethodConfig) -> list[UndeployedChange]:
    pairs = (
        ("authorization", deployed.authorization_type, current.authorization_type),
        ("scopes", " ".join(deployed.scopes) or "(none)", " ".join(current.scopes) or "(none)"),
        ("API key required", str(deployed.api_key_required).lower(), str(current.api_key_required).lower()),
        (
            "integration",
            f"{deployed.integration_type} {deployed.integration_uri}".strip(),
            f"{current.integration_type} {current.integration_uri}".strip(),
        ),
    )
    changes = [UndeployedChange(subject, was, now) for subject, was, now in pairs if was != now]
    was_refs, now_refs = _template_refs(deployed), _template_refs(current)
    for content_type in sorted(set(was_refs) | set(now_refs)):
        if was_refs.get(content_type) != now_refs.get(content_type):
            subject = f"template {content_type}"
            changes.append(
                UndeployedChange(subject, was_refs.get(content_type, "(none)"), now_refs.get(content_type, "(none)"))
            )
    return changes


def _template_refs(method: MethodConfig) -> dict[str, str]:
    return {t.content_type: ", ".join(t.authorizer_refs) or "(no authorizer value)" for t in method.templates}


def undeployed_changes(deployed: RestApiConfig, draft: RestApiConfig) -> tuple[UndeployedChange, ...]:
    """How the current configuration of the request's method differs from what the stage serves."""
    was, now = deployed.hit, draft.hit
    if was is None and now is None:
        return ()
    if was is None or now is None or (was.resource_path, was.http_method) != (now.resource_path, now.http_method):
        shown = [f"{h.http_method} {h.resource_path}" if h is not None else "nothing" for h in (was, now)]
        return (UndeployedChange("method hit", shown[0], shown[1]),)
    changes = _method_changes(was, now) + _mapping_changes(was, now)
    a, b = deployed.authorizer, draft.authorizer
    shown_a = f"{a.type} {a.name}" if a is not None else "(none)"
    shown_b = f"{b.type} {b.name}" if b is not None else "(none)"
    if shown_a != shown_b:
        changes.append(UndeployedChange("authorizer", shown_a, shown_b))
    elif a is not None and b is not None:
        fields = ("identity_source", "ttl", "provider_arns", "authorizer_uri", "validation_expression")
        for name in fields:
            if getattr(a, name) != getattr(b, name):
                changes.append(UndeployedChange(f"authorizer {name}", str(getattr(a, name)), str(getattr(b, name))))
    return tuple(changes)
