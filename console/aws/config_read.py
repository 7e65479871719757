"""Read a REST API's configuration for one request from AWS (apigateway) into console.model.aws_config.

Calls, in order: GetRestApi (a wrong ``api_id`` is named as such), GetStage, GetDeployments, GetResources with the
methods embedded, GetMethod (its integration included), GetAuthorizers, then GetExport: what the stage serves
(console/aws/config_export_read.py). Every failure but GetExport's is one AwsError line; GetExport's is a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error, not_aws
from console.aws.rest_shape import best_resource, header_mappings, template_refs
from console.aws.session import AwsTarget, make_client, make_session, target_for
from console.errors import AwsError
from console.model.aws_config import (
    DEFAULT_AUTHORIZER_TTL,
    AuthorizerConfig,
    MethodConfig,
    RestApiConfig,
    StageConfig,
)

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

_POOL_ARN = re.compile(r"^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d+:userpool/(.+)$")


class Reader:
    """One apigateway client and the names its errors should carry."""

    def __init__(self, client: Any, target: AwsTarget, api_id: str, stage: str, service: str = "apigateway") -> None:
        self.client = client
        self.service = service
        self.target = target
        self.api_id = api_id
        self.stage = stage

    def _failed(self, exc: Exception, operation: str) -> AwsError:
        import botocore.exceptions as bx

        if isinstance(exc, bx.BotoCoreError | bx.ClientError):
            return aws_error(
                exc, target=self.target, service=self.service, operation=operation, api_id=self.api_id, stage=self.stage
            )
        # botocore's parser failing on the answer (ResponseParserError, a KeyError on an HTML page…): not AWS.
        return not_aws(self.client.meta.endpoint_url, service=self.service, operation=operation)

    def call(self, operation: str, method: str, *, expect: str | None = None, **kwargs: Any) -> Any:
        """One AWS call; ``expect``: a field every real answer carries (an answer without it is not AWS's)."""
        try:
            answer = getattr(self.client, method)(**kwargs)
        except Exception as exc:
            raise self._failed(exc, operation) from None
        if expect is not None and (not isinstance(answer, dict) or not answer.get(expect)):
            raise not_aws(self.client.meta.endpoint_url, service=self.service, operation=operation)
        return answer

    def pages(self, operation: str, method: str, key: str = "items", **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        try:
            for page in self.client.get_paginator(method).paginate(**kwargs):
                items.extend(page.get(key, []))
        except Exception as exc:
            raise self._failed(exc, operation) from None
        return items


def required(settings: AwsSettings | None) -> tuple[str, str]:
    api_id = settings.api_id if settings is not None else None
    stage = settings.stage if settings is not None else None
    missing = [name for name, value in (("api_id", api_id), ("stage", stage)) if not value]
    if missing:
        raise AwsError(
            "the profile's [aws] table has no " + " and no ".join(missing),
            reason="config",
            where="aws inspect",
            hint='set [aws] api_id = "abc123" (the first label of the execute-api host) and [aws] stage = "dev"',
        )
    assert api_id is not None and stage is not None
    return api_id, stage


def issuer_of(provider_arn: str) -> str | None:
    """The ``iss`` a Cognito user pool ARN's tokens carry (domain §6), or None for another ARN."""
    match = _POOL_ARN.match(provider_arn)
    return f"https://cognito-idp.{match.group(1)}.amazonaws.com/{match.group(2)}" if match else None


def authorizer_config(raw: Mapping[str, Any]) -> AuthorizerConfig:
    """An AuthorizerConfig from one GetAuthorizers item."""
    arns = tuple(str(arn) for arn in raw.get("providerARNs", []) or [])
    ttl = raw.get("authorizerResultTtlInSeconds")
    return AuthorizerConfig(
        id=str(raw.get("id", "")),
        name=str(raw.get("name", "")),
        type=str(raw.get("type", "")),
        identity_source=str(raw.get("identitySource", "") or ""),
        ttl=DEFAULT_AUTHORIZER_TTL if ttl is None else int(ttl),
        ttl_set=ttl is not None,
        provider_arns=arns,
        issuers=tuple(issuer for arn in arns if (issuer := issuer_of(arn))),
        authorizer_uri=str(raw.get("authorizerUri", "") or ""),
        validation_expression=str(raw.get("identityValidationExpression", "") or ""),
    )


def method_config(resource: Mapping[str, Any], method: Mapping[str, Any]) -> MethodConfig:
    """A MethodConfig from a resource and its GetMethod answer (with ``methodIntegration``)."""
    integration = method.get("methodIntegration", {}) or {}
    mappings = header_mappings(integration.get("requestParameters", {}) or {})
    refs, overrides = template_refs(integration.get("requestTemplates", {}) or {})
    return MethodConfig(
        resource_id=str(resource.get("id", "")),
        resource_path=str(resource.get("path", "")),
        http_method=str(method.get("httpMethod", "")),
        authorization_type=str(method.get("authorizationType", "NONE") or "NONE"),
        authorizer_id=str(method["authorizerId"]) if method.get("authorizerId") else None,
        scopes=tuple(str(scope) for scope in method.get("authorizationScopes", []) or []),
        api_key_required=bool(method.get("apiKeyRequired", False)),
        integration_type=str(integration.get("type", "") or "(none)"),
        integration_uri=str(integration.get("uri", "") or ""),
        mappings=(*mappings, *overrides),
        templates=tuple(refs),
    )


def newest_deployment(dated: list[tuple[Any, str]], serving: str) -> tuple[str | None, tuple[str, ...]]:
    """The newest deployment's id, and the other deployments created in the same second as the one served.

    createdDate has one-second resolution and AWS documents no order for GetDeployments, so deployments created in
    the same second cannot be ordered: Baton then names neither as the latest (no stale finding on a guess, and no
    "the latest" either)."""
    if not dated:
        return None, ()
    newest = max(date for date, _ in dated)
    ids = sorted(ident for date, ident in dated if date == newest)
    if serving in ids and len(ids) > 1:
        return None, tuple(ident for ident in ids if ident != serving)
    return (serving if serving in ids else ids[0]), ()


def _latest(deployments: list[dict[str, Any]], serving: str) -> tuple[str | None, tuple[str, ...]]:
    dated = [(item["createdDate"], str(item["id"])) for item in deployments if item.get("id") and "createdDate" in item]
    return newest_deployment(dated, serving)


def _created(deployments: list[dict[str, Any]], serving: str) -> str:
    """When the served deployment was created, as ISO 8601 in UTC (empty when AWS gave no date)."""
    from datetime import UTC, datetime

    for item in deployments:
        date = item.get("createdDate")
        if str(item.get("id", "")) == serving and isinstance(date, datetime):
            return (date if date.tzinfo else date.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ""


class _Authorizers:
    """GetAuthorizers, read once and only when a method (draft or deployed) names an authorizer."""

    def __init__(self, reader: Reader, api_id: str) -> None:
        self.reader, self.api_id = reader, api_id
        self._items: list[dict[str, Any]] | None = None

    def items(self) -> list[dict[str, Any]]:
        if self._items is None:
            self._items = self.reader.pages("GetAuthorizers", "get_authorizers", restApiId=self.api_id)
        return self._items

    def by_id(self, ident: str) -> AuthorizerConfig | None:
        found = [item for item in self.items() if item.get("id") == ident]
        return authorizer_config(found[0]) if found else None

    def ids(self) -> dict[str, str]:
        return {str(item.get("name", "")): str(item.get("id", "")) for item in self.items()}


def _draft(reader: Reader, base: RestApiConfig, by_path: dict[str, Any], authorizers: _Authorizers) -> RestApiConfig:
    """The API's current (draft) configuration for the request: GetResources and GetMethod."""
    path, verb = base.request_path, base.request_method
    hit_path = best_resource(by_path, path)
    if hit_path is None:
        reason = f"no resource matches {path}: API Gateway answers 403 Missing Authentication Token itself"
        return _replace(base, miss_reason=reason)
    resource = by_path[hit_path]
    methods = resource.get("resourceMethods", {}) or {}
    chosen = verb if verb in methods else "ANY" if "ANY" in methods else None
    if chosen is None:
        reason = f"resource {hit_path} has no {verb} (nor ANY) method: API Gateway answers 403 itself"
        return _replace(base, miss_reason=reason)
    raw = reader.call("GetMethod", "get_method", restApiId=base.api_id, resourceId=resource["id"], httpMethod=chosen)
    hit = method_config(resource, raw)
    authorizer = authorizers.by_id(hit.authorizer_id) if hit.authorizer_id else None
    return _replace(base, hit=hit, authorizer=authorizer)


def read_rest_config(
    settings: AwsSettings | None, *, method: str, path: str, env: Mapping[str, str] | None = None
) -> RestApiConfig:
    """The configuration stage ``[aws] stage`` serves for ``method path``: its deployment's snapshot (GetExport),
    with how the API's current configuration differs from it; the current one, with a note, when the snapshot
    cannot be read."""
    from console.aws.config_export_read import deployed_config, draft_source, read_snapshot, undeployed_changes

    api_id, stage_name = required(settings)
    target = target_for(settings, env)
    client = make_client(make_session(target), "apigateway", target)
    reader = Reader(client, target, api_id, stage_name)
    reader.call("GetRestApi", "get_rest_api", expect="id", restApiId=api_id)
    stage = reader.call("GetStage", "get_stage", expect="stageName", restApiId=api_id, stageName=stage_name)
    deployments = reader.pages("GetDeployments", "get_deployments", restApiId=api_id)
    resources = reader.pages("GetResources", "get_resources", restApiId=api_id, embed=["methods"])
    if not any(item.get("id") for item in resources):  # every REST API has its root resource "/"
        raise not_aws(client.meta.endpoint_url, service="apigateway", operation="GetResources")
    serving = str(stage.get("deploymentId", ""))
    latest, same_second = _latest(deployments, serving)
    stage_config = StageConfig(
        stage_name, serving, latest, same_second=same_second, deployment_created=_created(deployments, serving)
    )
    by_path = {str(item.get("path", "")): item for item in resources}
    region = str(client.meta.region_name or "")
    base = RestApiConfig(
        api_id, region, stage_config, method.upper(), path, None, resource_paths=tuple(sorted(by_path))
    )
    authorizers = _Authorizers(reader, api_id)
    draft = _draft(reader, base, by_path, authorizers)
    snapshot = read_snapshot(reader, api_id, stage_name)
    if isinstance(snapshot, str):
        return _replace(draft, source=draft_source(stage_config, snapshot))
    ids = {path_: str(item.get("id", "")) for path_, item in by_path.items()}
    needs_ids = any(
        requirement
        for ops in snapshot.operations.values()
        for op in ops.values()
        for requirement in op.get("security", []) or []
    )
    deployed, raw_authorizer = deployed_config(base, snapshot, ids, authorizers.ids() if needs_ids else {})
    if raw_authorizer is not None:
        deployed = _replace(deployed, authorizer=authorizer_config(raw_authorizer))
    return _replace(deployed, undeployed=undeployed_changes(deployed, draft))


def _replace(config: RestApiConfig, **changes: Any) -> RestApiConfig:
    from dataclasses import replace

    return replace(config, **changes)
