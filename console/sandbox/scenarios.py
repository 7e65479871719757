"""The named breakages: each a configuration of IdP, gateway and IIS plus the answer a diagnosis must give."""

from __future__ import annotations

from dataclasses import replace

from console.errors import SandboxError
from console.sandbox.config import (
    ClientBehaviour,
    DirectCaller,
    GatewayConfig,
    IdpBehaviour,
    IisConfig,
    Scenario,
)

__all__ = ["SCENARIOS", "Scenario", "get_scenario", "list_scenarios"]

_ORIGIN = ("X-Origin-Verify", "stageVariables.originSecret")
REST_COGNITO_MAPPING = (
    ("X-User-Sub", "context.authorizer.claims.sub"),
    ("X-User-Name", "context.authorizer.claims.username"),
    _ORIGIN,
)
REST_LAMBDA_MAPPING = (
    ("X-User-Sub", "context.authorizer.sub"),
    ("X-User-Name", "context.authorizer.username"),
    _ORIGIN,
)
HTTP_JWT_MAPPING = (
    ("X-User-Sub", "$context.authorizer.claims.sub"),
    ("X-User-Name", "$context.authorizer.claims.username"),
    ("X-Origin-Verify", "$stageVariables.originSecret"),
)

_REST = GatewayConfig(kind="rest", auth="cognito", mapping=REST_COGNITO_MAPPING)
_JWT = GatewayConfig(kind="http", auth="jwt", mapping=HTTP_JWT_MAPPING)
_LAMBDA = GatewayConfig(kind="rest", auth="lambda", scopes=(), mapping=REST_LAMBDA_MAPPING)


def _s(
    name: str, description: str, broken_at: str | None, finding: str | None, *, severity: str = "error", **parts: object
) -> Scenario:
    return Scenario(
        name=name,
        description=description,
        broken_at=broken_at,
        finding=finding,
        severity=severity if finding else None,
        **parts,  # type: ignore[arg-type]
    )


_ALL: tuple[Scenario, ...] = (
    _s(
        "healthy",
        "Cognito access token, REST authorizer with scopes, claims mapped, IIS trusts the gateway",
        None,
        None,
        gateway=_REST,
    ),
    _s(
        "expired-token",
        "the client presents an access token that expired an hour ago",
        "authorizer",
        "token.expired",
        gateway=_REST,
        idp=IdpBehaviour(defect="expired"),
    ),
    _s(
        "wrong-audience",
        "HTTP API JWT authorizer expects the web app client; the token is the mobile app's",
        "authorizer",
        "token.audience_mismatch",
        gateway=_JWT,
        client=ClientBehaviour(app_client="mobile"),
    ),
    _s(
        "issuer-mismatch",
        "HTTP API JWT authorizer issuer configured with a trailing slash",
        "authorizer",
        "token.issuer_mismatch",
        gateway=replace(_JWT, issuer_suffix="/"),
    ),
    _s(
        "rotated-key",
        "the IdP signs with a rotated key that is not in the JWKS the authorizer uses",
        "authorizer",
        "token.kid_unknown",
        gateway=_JWT,
        idp=IdpBehaviour(defect="unpublished_key"),
    ),
    _s(
        "clock-skew",
        "the IdP clock runs 10 minutes ahead: iat is in the future for the JWT authorizer",
        "authorizer",
        "token.not_yet_valid",
        gateway=_JWT,
        idp=IdpBehaviour(defect="clock_ahead"),
    ),
    _s(
        "missing-scope",
        "the client app does not request the scope the REST method requires",
        "authorizer",
        "token.scope_missing",
        gateway=_REST,
        client=ClientBehaviour(scope="openid"),
    ),
    _s(
        "id-token-instead-of-access",
        "the client sends its ID token where the scoped authorizer wants an access token",
        "authorizer",
        "token.wrong_token_use",
        gateway=_REST,
        client=ClientBehaviour(send="id_token"),
    ),
    _s(
        "authorizer-deny",
        "the Lambda authorizer returns an explicit Deny: the user is not in orders-readers",
        "authorizer",
        "authorizer.explicit_deny",
        gateway=_LAMBDA,
        client=ClientBehaviour(username="bob"),
    ),
    _s(
        "authorizer-cache-cross-route",
        "a cached Lambda policy for GET /orders is reused for GET /whoami",
        "authorizer",
        "authorizer.cached_policy_mismatch",
        gateway=replace(_LAMBDA, lambda_behaviour="exact_arn"),
        client=ClientBehaviour(warmup=("/orders",)),
    ),
    _s(
        "authorizer-no-identity",
        "the Lambda REQUEST authorizer allows but puts no identity in its context",
        "authorizer",
        "authorizer.context_missing_identity",
        gateway=replace(_LAMBDA, lambda_type="REQUEST", lambda_behaviour="no_identity"),
    ),
    _s(
        "api-key-missing",
        "the method requires an API key and the client does not send x-api-key",
        "gateway",
        "gateway.api_key_missing",
        gateway=replace(_REST, api_key_required=True),
        client=ClientBehaviour(sends_api_key=False),
    ),
    _s(
        "throttled",
        "another consumer of the same API key has used the usage plan's burst of 1",
        "gateway",
        "gateway.throttled",
        gateway=replace(_REST, api_key_required=True, throttle=(0.01, 1), throttle_predrained=True),
    ),
    _s(
        "claims-header-unmapped",
        "no integration.request.header.X-User-Sub mapping: IIS sees no identity",
        "integration",
        "integration.claim_header_missing",
        gateway=replace(_REST, mapping=tuple(m for m in REST_COGNITO_MAPPING if m[0] != "X-User-Sub")),
    ),
    _s(
        "identity-header-appended",
        "HTTP API maps X-User-Sub with append:, so the client's own value leads",
        "integration",
        "integration.identity_header_appended",
        gateway=replace(_JWT, append_headers=("X-User-Sub",)),
        client=ClientBehaviour(headers=(("X-User-Sub", "admin"),)),
    ),
    _s(
        "integration-timeout",
        "IIS takes longer than the integration timeout (a slow directory lookup)",
        "integration",
        "gateway.integration_timeout",
        gateway=replace(_REST, timeout_ms=1_000),
        iis=IisConfig(delay_ms=2_000),
    ),
    _s(
        "correlation-id-dropped",
        "non-proxy integration maps the identity but not X-Correlation-Id",
        None,
        "integration.correlation_id_missing",
        severity="warning",
        gateway=replace(_REST, integration="HTTP"),
    ),
    _s(
        "underscore-header",
        "the claim is mapped to X_User_Sub: HTTP_X_USER_SUB has it, the module reads X-User-Sub",
        "iis",
        "iis.header_name_underscore",
        gateway=replace(_REST, mapping=(("X_User_Sub", "context.authorizer.claims.sub"), *REST_COGNITO_MAPPING[1:])),
    ),
    _s(
        "iis-windows-auth",
        "IIS has anonymous off and Windows auth on: 401.2 with a Negotiate/NTLM challenge",
        "iis",
        "iis.windows_auth_challenge",
        gateway=_REST,
        iis=IisConfig(windows_auth=True),
    ),
    _s(
        "iis-header-too-large",
        "the authorizer's group list is mapped to a header; http.sys refuses the request",
        "iis",
        "iis.request_header_too_large",
        gateway=replace(
            _LAMBDA,
            lambda_behaviour="big_context",
            mapping=(*REST_LAMBDA_MAPPING, ("X-User-Groups", "context.authorizer.groups")),
        ),
        idp=IdpBehaviour(big_groups=400),
    ),
    _s(
        "spoofable-backend",
        "IIS trusts X-User-Sub from any caller and is reachable without the gateway",
        "iis",
        "iis.spoofable_identity_header",
        gateway=_REST,
        iis=IisConfig(require_origin_secret=False),
        client=ClientBehaviour(target="iis", headers=(("X-User-Sub", "admin"),)),
    ),
    _s(
        # F33 with its C7 correction (failure-modes-more): the gateway maps the shared secret, but IIS
        # never checks it, so an internal job calls IIS straight as "admin". The client's own request
        # crosses the gateway intact; the IIS log holds the job's lines with no gateway record (`baton
        # logs join`: bypassed), and a trace's spoof check proves anyone on the network can do the same.
        "gateway-bypass",
        "an internal reports job calls IIS directly as X-User-Sub: admin; IIS does not check the gateway's secret",
        "iis",
        "iis.spoofable_identity_header",
        gateway=_REST,
        iis=IisConfig(require_origin_secret=False),
        direct_callers=(DirectCaller("reports-batch/1.4", "/orders", (("X-User-Sub", "admin"),), requests=3),),
    ),
)

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _ALL}
"""Every scenario by name, in the order of the issue's table."""


def list_scenarios() -> list[Scenario]:
    """All scenarios, healthy first."""
    return list(_ALL)


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; SandboxError naming the valid ones otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise SandboxError(
            f"unknown scenario '{name}'", hint="one of: " + ", ".join(SCENARIOS) + " (baton sandbox --list)"
        ) from None
