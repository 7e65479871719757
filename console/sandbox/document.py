"""The /__baton/scenario document: how the client acts, how the gateway and IIS are set up, where things are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.sandbox.config import CORRELATION_HEADER, STAGE
from console.sandbox.gateway.logs import ACCESS_LOG_FORMAT, CORRELATION_KEY
from console.sandbox.iis import ECHO_PATH

if TYPE_CHECKING:
    from console.sandbox.runtime import Sandbox

__all__ = ["scenario_document"]


def _client(sandbox: Sandbox) -> dict[str, Any]:
    scenario = sandbox.scenario
    behaviour = scenario.client
    app = sandbox.directory.clients[behaviour.app_client]
    needs_key = scenario.gateway.api_key_required
    block: dict[str, Any] = {
        "grant_type": behaviour.grant_type,
        "client_id": app.client_id,
        # A throwaway secret of this run, served on loopback only so the trace engine can act as the client.
        "client_secret": app.client_secret,
        "scope": behaviour.scope,
        "send": behaviour.send,
        "api_key": sandbox.usage.api_key if needs_key and behaviour.sends_api_key else None,
    }
    if behaviour.grant_type == "password" and behaviour.username:
        user = sandbox.directory.users[behaviour.username]
        block.update(username=user.username, password=user.password)
    prefix = f"/{STAGE}" if behaviour.target == "gateway" else ""
    block.update(
        headers=dict(behaviour.headers),
        request={"method": behaviour.method, "path": prefix + behaviour.path, "target": behaviour.target},
        # Paths (GET, same token and headers) the client app called just before the request of interest.
        warmup=[prefix + p for p in behaviour.warmup],
    )
    return block


def _gateway(sandbox: Sandbox) -> dict[str, Any]:
    cfg = sandbox.scenario.gateway
    rest = cfg.kind == "rest"
    if rest:
        mapping = {f"integration.request.header.{h}": src for h, src in cfg.mapping}
    else:
        mapping = {f"{'append' if h in cfg.append_headers else 'overwrite'}:header.{h}": src for h, src in cfg.mapping}
    authorizer: dict[str, Any] = {
        "type": {"cognito": "COGNITO_USER_POOLS", "jwt": "JWT", "none": "NONE"}.get(cfg.auth, cfg.lambda_type),
        "identity_source": "method.request.header.Authorization" if rest else "$request.header.Authorization",
    }
    if cfg.auth == "lambda":
        authorizer["ttl_seconds"] = cfg.ttl_s
    return {
        "kind": cfg.kind,
        "auth": cfg.auth,
        "api_id": sandbox.api_id,
        "stage": STAGE,
        "propagation": dict(sandbox.scenario.propagation),
        "correlation_header": CORRELATION_HEADER,
        "authorizer": authorizer,
        "issuer": sandbox.authorizer_issuer,
        "audience": [sandbox.audience],
        "scopes": list(cfg.scopes),
        "mapping": mapping,
        "integration": {"type": cfg.integration, "uri": f"{sandbox.urls.iis}/{{proxy}}", "timeout_ms": cfg.timeout_ms},
        "api_key_required": cfg.api_key_required,
        # The usage plan's key (throwaway, loopback only), so a curl user can see the fix work.
        "api_key": sandbox.usage.api_key if cfg.api_key_required else None,
        "throttle": {"rate_limit": cfg.throttle[0], "burst_limit": cfg.throttle[1]} if cfg.throttle else None,
        # JSON lines, one per request (refusals too); the key joining them to IIS's X-Correlation-Id field.
        "access_log": str(sandbox.access_log_path),
        "access_log_format": ACCESS_LOG_FORMAT,
        "access_log_correlation_key": CORRELATION_KEY,
    }


def scenario_document(sandbox: Sandbox) -> dict[str, Any]:
    """Everything a client or debugger needs to drive and check this scenario.

    ``issuer``/``audience`` at the top are what the gateway's authorizer is configured to accept (the
    expectation); the IdP's own issuer is ``idp_issuer`` (they differ in issuer-mismatch).
    """
    scenario = sandbox.scenario
    iis = scenario.iis
    return {
        "name": scenario.name,
        "description": scenario.description,
        "broken_at": scenario.broken_at,
        "finding": scenario.finding,
        "severity": scenario.severity,
        "client": _client(sandbox),
        "gateway": _gateway(sandbox),
        "iis": {
            "site": "Default Web Site",
            "windows_auth": iis.windows_auth,
            "trusted_header": iis.trusted_header,
            "requires_gateway_secret": iis.require_origin_secret,
            "echo_path": ECHO_PATH,
            "log_path": str(sandbox.iis_log_path),
            "httperr_path": str(sandbox.httperr_log_path),
            # Callers that reach IIS around the gateway (in the IIS log, never in the access log).
            "direct_callers": [
                {"name": c.name, "method": "GET", "path": c.path, "requests": c.requests}
                for c in scenario.direct_callers
            ],
            "direct_correlation_ids": list(sandbox.bypass_ids),
            "max_request_bytes": iis.max_request_bytes,
            "max_field_length": iis.max_field_length,
        },
        "urls": sandbox.urls.as_dict(),
        "issuer": sandbox.authorizer_issuer,
        "audience": sandbox.audience,
        "idp_issuer": sandbox.idp.issuer,
        "jwks_url": sandbox.idp.jwks_url,
        "token_url": sandbox.idp.token_url,
        "discovery_url": f"{sandbox.idp.issuer}/.well-known/openid-configuration",
    }
