"""The knobs of one sandbox run: how the client acts, what the IdP mints, how the gateway and IIS are set up."""

from __future__ import annotations

from dataclasses import dataclass, field

STAGE = "prod"
"""The one deployed stage; every gateway URL starts with ``/prod``."""
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
CORRELATION_HEADER = "X-Correlation-Id"
ORIGIN_SECRET_HEADER = "X-Origin-Verify"  # noqa: S105 - a header name, not a secret
"""Shared secret the gateway maps from a stage variable so IIS can tell gateway traffic from direct
callers (the F33 mitigation "shared secret header mapped from a stage variable")."""


@dataclass(frozen=True, slots=True)
class ClientBehaviour:
    """How the client app acts: which credentials it uses, what it asks for and what it sends."""

    grant_type: str = "password"
    app_client: str = "web"
    """Which IdP app client's credentials the client uses (``web`` is the API's audience)."""
    username: str | None = "alice"
    scope: str = "openid baton-api/orders.read"
    send: str = "access_token"
    """``access_token`` or ``id_token``: which token goes into ``Authorization``."""
    sends_api_key: bool = True
    """Whether the client sends the API key when the API requires one."""
    headers: tuple[tuple[str, str], ...] = ()
    """Extra headers the client adds (e.g. its own ``X-User-Sub``)."""
    method: str = "GET"
    path: str = "/whoami"
    """Path under the stage (gateway) or site root (IIS)."""
    target: str = "gateway"
    """``gateway`` (the normal path) or ``iis`` (the client calls IIS directly)."""
    warmup: tuple[str, ...] = ()
    """Paths the client app called with the same token just before the request of interest."""


@dataclass(frozen=True, slots=True)
class IdpBehaviour:
    """What is wrong (if anything) with the tokens the IdP mints."""

    defect: str | None = None
    """``expired`` (exp an hour ago), ``clock_ahead`` (iat 10 min in the future) or
    ``unpublished_key`` (signed with a rotated key that the JWKS does not carry yet)."""
    clock_ahead_s: int = 600
    big_groups: int = 0
    """Number of directory groups the user belongs to (header-size scenarios)."""


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """One API: REST (v1) or HTTP (v2), its authorizer, API key, throttling and integration."""

    kind: str = "rest"
    auth: str = "cognito"
    """``cognito`` (REST user-pool), ``jwt`` (HTTP API), ``lambda`` or ``none``."""
    lambda_type: str = "TOKEN"
    lambda_behaviour: str = "groups"
    """Which sandbox Lambda authorizer: ``groups``, ``exact_arn``, ``no_identity``, ``big_context``."""
    ttl_s: int = 300
    """authorizerResultTtlInSeconds (AWS default 300)."""
    scopes: tuple[str, ...] = ("baton-api/orders.read",)
    audience_client: str = "web"
    issuer_suffix: str = ""
    """Appended to the IdP issuer in the authorizer config (``/`` = the trailing-slash mistake)."""
    integration: str = "HTTP_PROXY"
    """``HTTP_PROXY`` (client headers pass through) or ``HTTP`` (only mapped headers are sent)."""
    mapping: tuple[tuple[str, str], ...] = ()
    """(integration header, source expression) in the API's own syntax."""
    append_headers: tuple[str, ...] = ()
    """HTTP API only: headers mapped with ``append:`` instead of ``overwrite:``."""
    api_key_required: bool = False
    throttle: tuple[float, int] | None = None
    """Usage-plan (rateLimit per second, burstLimit) for the client's key."""
    throttle_predrained: bool = False
    """Another consumer sharing the key has just used the burst."""
    timeout_ms: int = 29_000


@dataclass(frozen=True, slots=True)
class IisConfig:
    """One IIS site: authentication, the trusted-header module and http.sys limits."""

    windows_auth: bool = False
    """anonymousAuthentication off, windowsAuthentication on (providers Negotiate, NTLM)."""
    trusted_header: str = "X-User-Sub"
    """Header the trusted-header module maps to the user, read by exact name."""
    require_origin_secret: bool = True
    """Trust the identity header only when the gateway's shared secret came with it."""
    delay_ms: int = 0
    """Time the application takes (a slow LDAP lookup) before answering."""
    max_request_bytes: int = 16_384
    max_field_length: int = 16_384


@dataclass(frozen=True, slots=True)
class DirectCaller:
    """A caller inside the network that calls IIS straight, around the gateway (F33), when the sandbox starts."""

    name: str
    """Who it is (its User-Agent and the prefix of its correlation ids)."""
    path: str = "/orders"
    headers: tuple[tuple[str, str], ...] = ()
    """What it sends besides its User-Agent and X-Correlation-Id (e.g. an identity header it sets itself)."""
    requests: int = 1


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named configuration of the three servers and the answer a correct diagnosis must give."""

    name: str
    description: str
    broken_at: str | None
    """Hop name (``client``, ``gateway``, ``authorizer``, ``integration``, ``iis``) or None."""
    finding: str | None
    """Finding code a correct diagnosis names, e.g. ``authorizer.explicit_deny``."""
    severity: str | None = None
    client: ClientBehaviour = field(default_factory=ClientBehaviour)
    idp: IdpBehaviour = field(default_factory=IdpBehaviour)
    gateway: GatewayConfig = field(default_factory=GatewayConfig)
    iis: IisConfig = field(default_factory=IisConfig)
    propagation: tuple[tuple[str, str], ...] = (("X-User-Sub", "sub"), ("X-User-Name", "username"))
    """What the API owner intends IIS to receive: header -> claim (the expectation, not the config)."""
    direct_callers: tuple[DirectCaller, ...] = ()
    """Traffic that reaches IIS around the gateway: in the IIS log with no access-log line (``bypassed``)."""


@dataclass(frozen=True, slots=True)
class SandboxUrls:
    """Base URLs of the three servers."""

    idp: str
    gateway: str
    iis: str

    def as_dict(self) -> dict[str, str]:
        """{"idp": …, "gateway": …, "iis": …}"""
        return {"idp": self.idp, "gateway": self.gateway, "iis": self.iis}
