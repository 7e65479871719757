"""Read an HTTP API's configuration for one request from AWS (apigatewayv2) into console.model.aws_config.

Calls: GetApi, GetStage, GetDeployments (unless the stage auto-deploys), GetRoutes, GetIntegration of the route's
target and GetAuthorizer of its authorizer. The route is carried as a MethodConfig (route id, route key's path).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from console.aws.config_read import Reader, newest_deployment, required
from console.aws.rest_shape import best_route, http_mappings
from console.aws.session import make_client, make_session, target_for
from console.errors import AwsError
from console.model.aws_config import (
    DEFAULT_AUTHORIZER_TTL,
    AuthorizerConfig,
    ConfigSource,
    MethodConfig,
    RestApiConfig,
    StageConfig,
)

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

_COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[^/]+$")


def http_authorizer(raw: Mapping[str, Any]) -> AuthorizerConfig:
    """An AuthorizerConfig from GetAuthorizer (``JWT`` or ``REQUEST``, the Lambda kind)."""
    jwt = raw.get("JwtConfiguration", {}) or {}
    kind = str(raw.get("AuthorizerType", ""))
    ttl = raw.get("AuthorizerResultTtlInSeconds")
    lambda_ttl = DEFAULT_AUTHORIZER_TTL if ttl is None else int(ttl)
    return AuthorizerConfig(
        id=str(raw.get("AuthorizerId", "")),
        name=str(raw.get("Name", "")),
        type=kind,
        identity_source=", ".join(str(source) for source in raw.get("IdentitySource", []) or []),
        ttl=lambda_ttl if kind == "REQUEST" else 0,
        ttl_set=ttl is not None,
        issuers=(str(jwt["Issuer"]),) if jwt.get("Issuer") else (),
        audiences=tuple(str(aud) for aud in jwt.get("Audience", []) or []),
        authorizer_uri=str(raw.get("AuthorizerUri", "") or ""),
    )


def is_cognito_issuer(issuer: str) -> bool:
    """True for a Cognito user pool issuer (its tokens' claim sets are known: domain §6)."""
    return _COGNITO_ISSUER.match(issuer) is not None


def _route(raw: Mapping[str, Any], integration: Mapping[str, Any]) -> MethodConfig:
    verb, _, path = str(raw.get("RouteKey", "")).partition(" ")
    return MethodConfig(
        resource_id=str(raw.get("RouteId", "")),
        resource_path=path or verb,  # $default has no path
        http_method=verb if path else "ANY",
        authorization_type=str(raw.get("AuthorizationType", "NONE") or "NONE"),
        authorizer_id=str(raw["AuthorizerId"]) if raw.get("AuthorizerId") else None,
        scopes=tuple(str(scope) for scope in raw.get("AuthorizationScopes", []) or []),
        api_key_required=bool(raw.get("ApiKeyRequired", False)),
        integration_type=str(integration.get("IntegrationType", "") or "(none)"),
        integration_uri=str(integration.get("IntegrationUri", "") or ""),
        mappings=tuple(http_mappings(integration.get("RequestParameters", {}) or {})),
        integration_id=str(integration.get("IntegrationId", "")),
    )


def _latest(reader: Reader, api_id: str, serving: str) -> tuple[str | None, tuple[str, ...]]:
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = reader.call("GetDeployments", "get_deployments", ApiId=api_id, **extra)
        items.extend(page.get("Items", []))
        token = page.get("NextToken")
        if not token:
            break
    dated = [(item["CreatedDate"], str(item["DeploymentId"])) for item in items if "CreatedDate" in item]
    return newest_deployment(dated, serving)


def http_source(stage: StageConfig) -> ConfigSource:
    """What the routes read are to the stage: what it serves when it auto-deploys; else the current configuration,
    which Baton cannot compare with the deployment the stage serves."""
    if stage.auto_deploy:
        return ConfigSource("current", f"stage {stage.name} auto-deploys: it serves the current configuration")
    note = (
        f"stage {stage.name} does not auto-deploy and serves deployment {stage.deployment_id or '?'}: inspect reads "
        "the API's current routes and integrations and cannot read that deployment's snapshot (apigatewayv2 "
        "ExportApi documents parameter mappings for AWS_PROXY integrations only), so a change not deployed yet "
        "looks live here"
    )
    return ConfigSource("draft", "the API's current routes and integrations, not the stage's deployment", note)


def read_http_config(
    settings: AwsSettings | None, *, method: str, path: str, env: Mapping[str, str] | None = None
) -> RestApiConfig:
    """The configuration an HTTP API applies to ``method path`` on the profile's api_id and stage."""
    api_id, stage_name = required(settings)
    target = target_for(settings, env)
    client = make_client(make_session(target), "apigatewayv2", target)
    reader = Reader(client, target, api_id, stage_name, service="apigatewayv2")
    api = reader.call("GetApi", "get_api", expect="ApiId", ApiId=api_id)
    if str(api.get("ProtocolType", "HTTP")) != "HTTP":
        raise AwsError(
            f"API {api_id} is a {api.get('ProtocolType')} API, not an HTTP API",
            reason="config",
            where="aws inspect",
            hint='check [aws] api_id and [gateway] kind = "http"',
        )
    stage = reader.call("GetStage", "get_stage", expect="StageName", ApiId=api_id, StageName=stage_name)
    serving = str(stage.get("DeploymentId", "") or "")
    auto = bool(stage.get("AutoDeploy", False))
    latest, same_second = (None, ()) if auto else _latest(reader, api_id, serving)
    stage_config = StageConfig(stage_name, serving, latest, auto_deploy=auto, same_second=same_second)
    source = http_source(stage_config)
    routes = {str(r.get("RouteKey", "")): r for r in reader.pages("GetRoutes", "get_routes", "Items", ApiId=api_id)}
    verb = method.upper()
    region = str(client.meta.region_name or "")
    paths = tuple(sorted(routes))
    base = RestApiConfig(
        api_id, region, stage_config, verb, path, None, resource_paths=paths, kind="http", source=source
    )
    key = best_route(routes, verb, path)
    if key is None:
        return replace(base, miss_reason=f"no route matches {verb} {path} and there is no $default route: 404")
    raw = routes[key]
    target_text = str(raw.get("Target", "") or "")
    integration: dict[str, Any] = {}
    if target_text.startswith("integrations/"):
        integration_id = target_text.split("/", 1)[1]
        integration = reader.call("GetIntegration", "get_integration", ApiId=api_id, IntegrationId=integration_id)
    hit = _route(raw, integration)
    authorizer = None
    if hit.authorizer_id:
        found = reader.call("GetAuthorizer", "get_authorizer", ApiId=api_id, AuthorizerId=hit.authorizer_id)
        authorizer = http_authorizer(found)
    return replace(base, hit=hit, authorizer=authorizer)
