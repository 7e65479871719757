"""What an API Gateway API (REST, or HTTP) is configured to do with one request: plain data read from AWS, no boto3.

``console/aws/config_read.py`` fills it from the apigateway API; the engine can fold it into the integration hop
later (the expected headers IIS should receive) without importing anything from AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.model.findings import Finding

DEFAULT_AUTHORIZER_TTL = 300
"""API Gateway's TTL when ``authorizerResultTtlInSeconds`` is not set (domain §1.6)."""


class SourceKind(StrEnum):
    """Where an integration request header's value comes from (domain §1.4)."""

    CLAIM = "claim"
    """``context.authorizer.claims.NAME``: a claim of the token a Cognito authorizer validated."""
    CONTEXT = "context"
    """``context.authorizer.KEY``: principalId or a key of a Lambda authorizer's context."""
    IDENTITY = "identity"
    """``context.identity.KEY`` (IAM caller, API key)."""
    REQUEST_CONTEXT = "request_context"
    """Any other ``context.VARIABLE`` (requestId, …)."""
    CLIENT = "client"
    """``method.request.*``: a value the caller sent (header, query string, path, body)."""
    STAGE_VARIABLE = "stage_variable"
    LITERAL = "literal"
    """A static ``'value'``."""
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class HeaderMapping:
    """One header the integration sends IIS, and its source."""

    header: str
    source: str
    """The mapping expression as configured (a literal of a secret-looking header is masked)."""
    kind: SourceKind
    key: str
    """The claim name, context key, client header name or stage variable; empty for a literal."""
    via: str = "requestParameters"
    """REST: ``requestParameters``, or ``template CONTENT-TYPE`` for ``$context.requestOverride.header`` in VTL.
    HTTP API: the parameter mapping's action, ``overwrite``, ``append`` or ``remove``."""
    masked: bool = False
    """True when ``source`` is a mask: the literal is a credential (by its header's name or its shape)."""
    digest: str = field(default="", repr=False)
    """SHA-256 of a masked literal, so two sides can be compared without either value; never printed."""

    def as_dict(self) -> dict[str, str | bool]:
        """JSON-ready fields (never the digest)."""
        return {
            "header": self.header,
            "source": self.source,
            "kind": self.kind.value,
            "key": self.key,
            "via": self.via,
            "masked": self.masked,
        }


@dataclass(frozen=True, slots=True)
class TemplateRef:
    """A mapping template of a non-proxy integration and the ``$context.authorizer`` values it references."""

    content_type: str
    authorizer_refs: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"content_type": self.content_type, "authorizer_refs": list(self.authorizer_refs)}


@dataclass(frozen=True, slots=True)
class AuthorizerConfig:
    """A REST authorizer's settings (``TOKEN``, ``REQUEST`` or ``COGNITO_USER_POOLS``)."""

    id: str
    name: str
    type: str
    identity_source: str
    ttl: int
    """Effective TTL in seconds: ``authorizerResultTtlInSeconds``, or 300 when unset."""
    ttl_set: bool
    provider_arns: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    """The ``iss`` each Cognito user pool in ``provider_arns`` signs with (domain §6)."""
    authorizer_uri: str = ""
    validation_expression: str = ""
    audiences: tuple[str, ...] = ()
    """HTTP API JWT authorizers: the accepted ``aud`` (or ``client_id``) values."""

    @property
    def is_lambda(self) -> bool:
        """True for TOKEN and REQUEST (Lambda) authorizers."""
        return self.type in ("TOKEN", "REQUEST")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "identity_source": self.identity_source,
            "ttl": self.ttl,
            "ttl_set": self.ttl_set,
            "provider_arns": list(self.provider_arns),
            "issuers": list(self.issuers),
            "authorizer_uri": self.authorizer_uri,
            "validation_expression": self.validation_expression,
            "audiences": list(self.audiences),
        }


@dataclass(frozen=True, slots=True)
class MethodConfig:
    """The resource and method a request hits, with its authorization and integration. For an HTTP API: the route
    (``resource_id`` is its RouteId, ``resource_path`` the path of its route key) and its integration."""

    resource_id: str
    resource_path: str
    http_method: str
    """The method as configured: the request's method, or ``ANY``."""
    authorization_type: str
    authorizer_id: str | None
    scopes: tuple[str, ...]
    api_key_required: bool
    integration_type: str
    integration_uri: str
    mappings: tuple[HeaderMapping, ...]
    templates: tuple[TemplateRef, ...] = ()
    integration_id: str = ""
    """HTTP APIs only: the integration's id (a REST integration belongs to its method)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "resource_id": self.resource_id,
            "resource_path": self.resource_path,
            "http_method": self.http_method,
            "authorization_type": self.authorization_type,
            "authorizer_id": self.authorizer_id,
            "scopes": list(self.scopes),
            "api_key_required": self.api_key_required,
            "integration_type": self.integration_type,
            "integration_uri": self.integration_uri,
            "mappings": [mapping.as_dict() for mapping in self.mappings],
            "templates": [template.as_dict() for template in self.templates],
            "integration_id": self.integration_id or None,
        }


@dataclass(frozen=True, slots=True)
class StageConfig:
    """A stage and the deployment it serves, beside the API's latest deployment."""

    name: str
    deployment_id: str
    latest_deployment_id: str | None
    auto_deploy: bool = False
    """HTTP API stages may deploy every change themselves: never stale."""
    same_second: tuple[str, ...] = ()
    """Deployments created in the same second as the one served: which is the latest cannot be told
    (``latest_deployment_id`` is then None)."""
    deployment_created: str = ""
    """When the served deployment was created (ISO 8601, UTC), or empty when AWS did not say."""

    @property
    def serves_latest(self) -> bool:
        """True when the stage is not known to serve an older deployment (no stale finding on a guess)."""
        return self.auto_deploy or self.latest_deployment_id is None or self.deployment_id == self.latest_deployment_id

    @property
    def latest_known(self) -> bool:
        """True when Baton can tell whether the stage serves the latest deployment."""
        return self.auto_deploy or (self.latest_deployment_id is not None and not self.same_second)


@dataclass(frozen=True, slots=True)
class ConfigSource:
    """Which configuration the model shows: the snapshot the stage serves, or the API's current one."""

    kind: str
    """``deployed`` (the stage's deployment, from GetExport), ``draft`` (the REST API's current, possibly undeployed
    configuration) or ``current`` (an HTTP API stage that deploys every change itself)."""
    summary: str
    """One line for people: ``as deployed to stage dev (deployment abc, created …)``."""
    note: str = ""
    """Why the stage's own snapshot was not read, and what that risks; empty for ``deployed`` and ``current``."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"kind": self.kind, "summary": self.summary, "note": self.note or None}


@dataclass(frozen=True, slots=True)
class UndeployedChange:
    """One part of the hit method that differs between the stage's deployment and the current configuration."""

    subject: str
    """``X-User-Id``, ``authorization``, ``scopes``, ``template application/json``…"""
    deployed: str
    current: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready fields."""
        return {"subject": self.subject, "deployed": self.deployed, "current": self.current}


@dataclass(frozen=True, slots=True)
class RestApiConfig:
    """One API's configuration for one request (method + path) on one stage; ``kind`` is ``rest`` or ``http``."""

    api_id: str
    region: str
    stage: StageConfig
    request_method: str
    request_path: str
    hit: MethodConfig | None
    """None when no resource and method match the request (API Gateway answers 403/404 itself)."""
    miss_reason: str = ""
    authorizer: AuthorizerConfig | None = None
    resource_paths: tuple[str, ...] = field(default=())
    kind: str = "rest"
    source: ConfigSource | None = None
    """Which configuration this is (None: built by hand, e.g. in a test)."""
    undeployed: tuple[UndeployedChange, ...] = ()
    """REST: how the current configuration of the hit method differs from what the stage serves."""


@dataclass(frozen=True, slots=True)
class ConfigFinding:
    """A config finding, with the AWS CLI commands that would fix it (shown, never run)."""

    finding: Finding
    commands: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        hop = self.finding.hop.value if self.finding.hop is not None else None
        return {**self.finding.as_dict(), "hop": hop, "commands": list(self.commands)}
