"""A loaded profile: one environment's gateway, identity, propagation, IIS and AWS settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from console.model.expectations import Expectations

DEFAULT_CORRELATION_HEADER = "X-Correlation-Id"
ENVIRONMENT_ASSUMED_NOTE = "environment not set: treated as production"
"""What to show beside a profile whose ``environment_assumed`` is true."""
SECRET_SCHEMES = ("env", "file", "aws-secretsmanager")
"""Schemes a secret reference may use, in the order the docs list them."""
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Environment(StrEnum):
    """What kind of environment a profile points at; production is shown unmistakably."""

    SANDBOX = "sandbox"
    DEV = "dev"
    STAGING = "staging"
    PRODUCTION = "production"


class GatewayKind(StrEnum):
    """API Gateway flavour: REST API (v1) or HTTP API (v2)."""

    REST = "rest"
    HTTP = "http"


class GatewayAuth(StrEnum):
    """How the gateway authorizes a caller."""

    COGNITO = "cognito"
    JWT = "jwt"
    LAMBDA = "lambda"
    IAM = "iam"
    NONE = "none"


class IdentityFlow(StrEnum):
    """How Baton obtains the caller's token."""

    CLIENT_CREDENTIALS = "client_credentials"
    PASSWORD = "password"  # noqa: S105 (the flow name, not a password)
    STATIC = "static"
    COGNITO = "cognito"
    """Cognito InitiateAuth (USER_PASSWORD_AUTH) through the profile's [aws] session; no token_url."""


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret lives (``env:VAR``, ``file:PATH``, ``aws-secretsmanager:ARN``); never the value."""

    scheme: str
    target: str
    base_dir: str | None = None
    """Directory of the profile file; a relative ``file:`` target is read from there."""

    def __str__(self) -> str:
        return f"{self.scheme}:{self.target}"

    @classmethod
    def parse(cls, text: str, base_dir: str | None = None) -> SecretRef:
        """Parse ``scheme:target``; ValueError (never echoing ``text``) when it is not a reference."""
        scheme, sep, target = text.partition(":")
        if not sep or scheme not in SECRET_SCHEMES:
            raise ValueError(
                "not a secret reference; write env:VAR, file:PATH or aws-secretsmanager:ARN"
                if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme)
                else "unknown secret reference scheme; supported schemes: " + ", ".join(f"{s}:" for s in SECRET_SCHEMES)
            )
        target = target.strip()
        if not target:
            raise ValueError(f"'{scheme}:' needs a target, e.g. {_EXAMPLES[scheme]}")
        if scheme == "env" and not _ENV_NAME.match(target):
            raise ValueError("env: needs a variable name made of letters, digits and '_', e.g. env:MY_SECRET")
        return cls(scheme=scheme, target=target, base_dir=base_dir)


_EXAMPLES = {
    "env": "env:BATON_CLIENT_SECRET",
    "file": "file:~/.config/baton/secret.txt",
    "aws-secretsmanager": "aws-secretsmanager:arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
}


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """The API Gateway endpoint Baton sends the test request to."""

    url: str | None = None
    kind: GatewayKind = GatewayKind.REST
    auth: GatewayAuth = GatewayAuth.NONE
    api_key: SecretRef | None = None
    """Sent as ``x-api-key`` when the method requires an API key."""
    access_log: str | None = None
    """API Gateway access logs (a file, a folder or a glob) for the Logs view and ``baton logs join``."""


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """How to obtain the caller's token, and what the authorizer expects of it."""

    flow: IdentityFlow = IdentityFlow.STATIC
    issuer: str | None = None
    audience: tuple[str, ...] = ()
    jwks_url: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: SecretRef | None = None
    username: str | None = None
    password: SecretRef | None = None
    token: SecretRef | None = None
    """For the ``static`` flow: a token obtained elsewhere."""
    scopes: tuple[str, ...] = ()
    token_use: str | None = None
    """Cognito ``token_use`` the authorizer wants: ``access`` or ``id``."""
    leeway: float = 0.0
    """Seconds of clock tolerance for exp, nbf and iat."""
    required_claims: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PropagationSettings:
    """Which headers must carry the identity from the gateway to IIS."""

    headers: tuple[tuple[str, str], ...] = ()
    """(header name, claim it must carry), in file order."""
    correlation_header: str = DEFAULT_CORRELATION_HEADER

    def header_map(self) -> dict[str, str]:
        """Header name → claim, as a fresh dict."""
        return dict(self.headers)

    @property
    def claims(self) -> tuple[str, ...]:
        """The claims that must reach IIS, each once, in file order."""
        return tuple(dict.fromkeys(claim for _, claim in self.headers))


@dataclass(frozen=True, slots=True)
class IisSettings:
    """Optional direct access to the IIS backend."""

    url: str | None = None
    echo_path: str | None = None
    """Path of an endpoint that answers with the headers IIS received."""
    log_path: str | None = None
    """The site's W3C log: a file, a folder of u_ex*.log (newest first), or a glob."""
    httperr_path: str | None = None
    """http.sys's HTTPERR log (file, folder or glob): requests refused before IIS wrote a site log line."""
    log_wait: float | None = None
    """Seconds a trace keeps looking for its log line; None = the default."""


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """Where the API lives in AWS, for SigV4 and the boto3 probes."""

    profile: str | None = None
    region: str | None = None
    api_id: str | None = None
    stage: str | None = None
    endpoint_url: str | None = None
    """Every AWS call goes here instead of AWS (a local emulator such as moto); beats ``AWS_ENDPOINT_URL``."""
    allow_invoke: bool = False
    """Baton may invoke the API's Lambda authorizer itself (it runs the customer's code, so off unless asked)."""
    execution_log_group: str | None = None
    """None = API Gateway's own name, ``API-Gateway-Execution-Logs_{api_id}/{stage}``."""
    access_log_group: str | None = None
    """None = the stage's access-log destination, read from its configuration."""
    iis_log_group: str | None = None
    """Where the CloudWatch agent ships the IIS W3C log, if it does."""
    log_wait: float | None = None
    """Seconds a trace polls CloudWatch for this request's gateway log lines; None = the default."""


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """A profile with this section starts the embedded sandbox with ``scenario``."""

    scenario: str = "healthy"


@dataclass(frozen=True, slots=True)
class Profile:
    """One environment, as loaded and validated from a TOML file."""

    name: str
    """The file's ``name``, or the file name without ``.toml`` when it gives none."""
    description: str
    """One line for lists; empty when the file gives none."""
    environment: Environment
    environment_assumed: bool = False
    """True when the file does not say its environment: it is treated as production for every safety rule,
    and the console and CLI say so (ENVIRONMENT_ASSUMED_NOTE)."""
    warnings: tuple[str, ...] = ()
    """Validation warnings (the profile loaded anyway), e.g. ``name`` differing from the file name."""
    color: str | None = None
    gateway: GatewaySettings | None = None
    identity: IdentitySettings | None = None
    propagation: PropagationSettings = field(default_factory=PropagationSettings)
    iis: IisSettings | None = None
    aws: AwsSettings | None = None
    sandbox: SandboxSettings | None = None
    source: str | None = None
    """The file this profile was loaded from, when it came from one."""

    @property
    def is_production(self) -> bool:
        """True for production: the console shows it unmistakably."""
        return self.environment is Environment.PRODUCTION

    @property
    def uses_sandbox(self) -> bool:
        """True when running this profile starts the embedded sandbox."""
        return self.sandbox is not None

    def secret_refs(self) -> dict[str, SecretRef]:
        """Every secret reference in the profile, keyed by its dotted key (``identity.client_secret``)."""
        refs: dict[str, SecretRef] = {}
        if self.gateway is not None and self.gateway.api_key is not None:
            refs["gateway.api_key"] = self.gateway.api_key
        if self.identity is not None:
            for key in ("client_secret", "password", "token"):
                ref = getattr(self.identity, key)
                if ref is not None:
                    refs[f"identity.{key}"] = ref
        return refs

    def expectations(self) -> Expectations:
        """The claim rules an authorizer of this profile applies (empty when there is no identity)."""
        identity = self.identity
        if identity is None:
            return Expectations()
        return Expectations(
            issuer=identity.issuer,
            audiences=identity.audience,
            token_use=identity.token_use,
            scopes=identity.scopes,
            required_claims=identity.required_claims,
            leeway=identity.leeway,
        )
