"""Resolve a profile into a Target: where to send, how to act as the client, what to expect, what to probe."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from console.engine.aws_hooks import GatewayEvidence, RequestSigner, TokenSource
from console.engine.deadline import deadline
from console.engine.redact import header_secrets
from console.engine.transport import hop_budget
from console.errors import ProfileError, TraceError
from console.model.enums import HopName
from console.model.expectations import Expectations
from console.model.masking import query_credentials
from console.model.profile import Environment, GatewayAuth, GatewayKind, Profile, SecretRef
from console.model.trace import TraceRequest

_E = TypeVar("_E", GatewayKind, GatewayAuth)
DEFAULT_LOG_WAIT = 15.0
"""Seconds a trace against a real IIS waits for its log line: http.sys writes its log asynchronously and no Microsoft
source found states the flush interval, so this is a practical bound, not a documented one."""
SANDBOX_LOG_WAIT = 0.5
"""The sandbox writes its log before it answers: a line not there at once is not coming."""


def _choice(enum: type[_E], value: object, control: str) -> _E:
    """The sandbox's published value as an enum member; a TraceError naming it when it is not one."""
    try:
        return enum(str(value))
    except ValueError:
        raise TraceError(
            f"the sandbox control plane at {control} published an unknown {enum.__name__} {str(value)[:40]!r}",
            hop=HopName.GATEWAY,
        ) from None


@dataclass(frozen=True, slots=True)
class ClientPlan:
    """How Baton acts as the client app (a scenario may make it misbehave on purpose)."""

    flow: str
    """``client_credentials``, ``password``, ``cognito`` (InitiateAuth through Target.token_source), ``static`` or
    ``none`` (no token at all)."""
    token_url: str | None = None
    client_id: str | None = None
    client_secret: SecretRef | str | None = None
    username: str | None = None
    password: SecretRef | str | None = None
    scope: str = ""
    send: str = "access_token"
    """Which token of the token response the client sends: ``access_token`` or ``id_token``."""
    token: SecretRef | str | None = None
    api_key: SecretRef | str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """Headers the client app adds itself (a scenario's client may send its own X-User-Sub)."""
    method: str = "GET"
    path: str = "/"
    target: str = "gateway"
    """``gateway``, or ``iis`` for a client that goes around the gateway."""
    warmup: tuple[str, ...] = ()
    """Paths requested first with the same token (to fill an authorizer cache)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Everything a trace needs, resolved from a profile (and, in sandbox mode, from the sandbox)."""

    profile: str
    environment: Environment
    gateway_url: str
    gateway_kind: GatewayKind
    auth: GatewayAuth
    client: ClientPlan
    expect: Expectations
    jwks_url: str | None = None
    propagation: tuple[tuple[str, str], ...] = ()
    """(header, claim) pairs the identity must reach IIS as."""
    correlation_header: str = "X-Correlation-Id"
    iis_url: str | None = None
    echo_path: str | None = None
    log_path: str | None = None
    """[iis] log_path: the site's W3C log (a file, a folder of u_ex*.log, or a glob)."""
    httperr_path: str | None = None
    """[iis] httperr_path: http.sys's HTTPERR log, where requests it refused before IIS are (same forms)."""
    log_wait: float = DEFAULT_LOG_WAIT
    """Seconds a trace keeps looking for its line (IIS writes its log asynchronously)."""
    access_log: str | None = None
    """[gateway] access_log: API Gateway access logs (for the Logs view and ``baton logs join``)."""
    control_url: str | None = None
    """The sandbox control plane (ground truth per request); None against a real gateway."""
    scenario: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Held secret values, masked wherever they could be echoed (filled as they are resolved)."""
    signer: RequestSigner | None = field(default=None, repr=False, compare=False)
    """Signs the request to the gateway (SigV4, ``[gateway] auth = "iam"``); filled by console/session.py."""
    token_source: TokenSource | None = field(default=None, repr=False, compare=False)
    """Obtains the token for ``flow = "cognito"`` (Cognito InitiateAuth); filled by console/session.py."""
    aws: GatewayEvidence | None = field(default=None, repr=False, compare=False)
    """The API's configuration, authorizer decision and gateway logs from AWS (``[aws] api_id``, a real gateway)."""

    @property
    def subject_header(self) -> str | None:
        """The propagation header that must carry the token's ``sub`` (the identity IIS resolves)."""
        return next((header for header, claim in self.propagation if claim == "sub"), None)


def _beside(log_path: object, folder: str) -> str | None:
    """The sandbox's HTTPERR folder when its control plane does not publish it: beside the site's W3SVC folder."""
    if not isinstance(log_path, str) or not log_path:
        return None
    return str(Path(log_path).parent.parent / folder)


def join_url(base: str, path: str) -> str:
    """The URL a user means by gateway ``base`` plus request ``path``: exactly one slash between them, nothing
    added when ``path`` is empty or ``/``, and the base's query string kept, followed by the path's own.

    ``join_url("https://h/dev/orders?v=2", "/42?x=1")`` → ``https://h/dev/orders/42?v=2&x=1``. Fragments are
    dropped (they are never sent). Nothing is re-encoded: the user's characters go out as written.
    """
    base_main, _, base_query = base.partition("#")[0].partition("?")
    path_main, _, path_query = path.partition("#")[0].partition("?")
    segment = path_main.lstrip("/")
    joined = f"{base_main.rstrip('/')}/{segment}" if segment else base_main
    query = "&".join(q for q in (base_query, path_query) if q)
    return f"{joined}?{query}" if query else joined


WARMUP_PURPOSE = "warmup"
SPOOF_CHECK_PURPOSE = "spoof-check"
PROBE_PURPOSES = (WARMUP_PURPOSE, SPOOF_CHECK_PURPOSE)
"""The purposes of a trace's own requests sent straight to IIS, as :func:`derived_correlation_id` suffixes them:
``warmup<n>`` (one per warm-up path, numbered from 1) and ``spoof-check``. A log join tells them from a bypass."""


def is_probe_purpose(purpose: str) -> bool:
    """Whether a derived id's suffix is one of PROBE_PURPOSES (a warm-up with its number)."""
    if purpose == SPOOF_CHECK_PURPOSE:
        return True
    number = purpose.removeprefix(WARMUP_PURPOSE)
    return number != purpose and number.isascii() and number.isdigit()


def derived_correlation_id(correlation_id: str, purpose: str) -> str:
    """The id of a helper request of one trace (``<id>.warmup1``, ``<id>.spoof-check``)."""
    return f"{correlation_id}.{purpose}"


def is_own_correlation_id(correlation_id: str, own: set[str] | frozenset[str]) -> bool:
    """True for a trace's own id and every id derived from it by :func:`derived_correlation_id` (a user's own id
    may hold dots itself: ``qa.run.1.warmup1`` derives from ``qa.run.1``)."""
    if correlation_id in own:
        return True
    base = correlation_id
    while "." in base:
        base = base.rsplit(".", 1)[0]
        if base in own:
            return True
    return False


def given_correlation_id(target: Target, request: TraceRequest) -> str | None:
    """The correlation id the user (or the scenario's client) sends itself: it wins, since it is what goes out,
    what the logs hold and what the user will search for."""
    name = target.correlation_header.lower()
    given = [v.strip() for k, v in (*target.client.headers, *request.headers) if k.lower() == name and v.strip()]
    return given[-1] if given else None


def given_secrets(target: Target, request: TraceRequest) -> list[str]:
    """The values of credential headers given by hand (--header, a scenario's client): held like the token."""
    name = target.correlation_header.lower()  # an id is not a secret, whatever the header is called
    return [
        secret
        for k, v in (*target.client.headers, *request.headers)
        if k.lower() != name
        for secret in header_secrets(k, v)
    ]


def query_secrets(url: str) -> list[str]:
    """Credential-looking query values of the URL sent (``?api_key=…``): held, as written and decoded."""
    return [form for _name, value, raw in query_credentials(url) for form in (value, raw) if form]


def _cognito_send(flow: str, token_use: str | None) -> str:
    """Cognito's InitiateAuth answers both tokens: the one the authorizer wants (``token_use``) goes out."""
    return "id_token" if flow == "cognito" and token_use in ("id", "ID") else "access_token"


def target_from_profile(profile: Profile) -> Target:
    """A Target for a profile pointing at a real gateway."""
    gateway = profile.gateway
    if gateway is None or not gateway.url:
        raise ProfileError("has no [gateway] url", where=profile.source or profile.name)
    identity = profile.identity
    client = ClientPlan(flow="none", api_key=gateway.api_key)
    if identity is not None:
        client = ClientPlan(
            flow=identity.flow.value,
            token_url=identity.token_url,
            client_id=identity.client_id,
            client_secret=identity.client_secret,
            username=identity.username,
            password=identity.password,
            scope=" ".join(identity.scopes),
            send=_cognito_send(identity.flow.value, identity.token_use),
            token=identity.token,
            api_key=gateway.api_key,
        )
    iis = profile.iis
    return Target(
        profile=profile.name,
        environment=profile.environment,
        gateway_url=gateway.url,
        gateway_kind=gateway.kind,
        auth=gateway.auth,
        client=client,
        expect=profile.expectations(),
        jwks_url=identity.jwks_url if identity else None,
        propagation=profile.propagation.headers,
        correlation_header=profile.propagation.correlation_header,
        iis_url=iis.url.rstrip("/") if iis and iis.url else None,
        echo_path=iis.echo_path if iis else None,
        log_path=iis.log_path if iis else None,
        httperr_path=iis.httperr_path if iis else None,
        log_wait=iis.log_wait if iis and iis.log_wait is not None else DEFAULT_LOG_WAIT,
        access_log=gateway.access_log,
    )


def target_from_sandbox(profile: Profile, gateway_url: str, client: httpx.Client) -> Target:
    """A Target for the running sandbox: it publishes its scenario, client app and URLs on its control plane."""
    control = gateway_url.rstrip("/")
    try:
        with deadline(hop_budget(client)):
            response = client.get(f"{control}/__baton/scenario")
        doc: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise TraceError(
            f"the sandbox control plane at {control} did not answer ({type(exc).__name__})", hop=HopName.GATEWAY
        ) from None
    c, g, iis = doc["client"], doc["gateway"], doc.get("iis", {})
    request = c.get("request", {})
    audience = g.get("audience") or doc.get("audience") or []
    plan = ClientPlan(
        flow=c["grant_type"],
        token_url=doc.get("token_url"),
        client_id=c.get("client_id"),
        client_secret=c.get("client_secret"),
        username=c.get("username"),
        password=c.get("password"),
        scope=c.get("scope", ""),
        send=c.get("send", "access_token"),
        api_key=c.get("api_key"),
        headers=tuple((str(k), str(v)) for k, v in (c.get("headers") or {}).items()),
        method=request.get("method", "GET"),
        path=request.get("path", "/"),
        target=request.get("target", "gateway"),
        warmup=tuple(c.get("warmup") or ()),
    )
    expect = Expectations(
        issuer=g.get("issuer") or doc.get("issuer"),
        audiences=tuple(audience if isinstance(audience, list) else [audience]),
        token_use="access" if g.get("auth") == "cognito" and g.get("scopes") else None,
        scopes=tuple(g.get("scopes") or ()),
    )
    secrets = tuple(str(s) for s in (c.get("client_secret"), c.get("password"), c.get("api_key")) if s)
    return Target(
        profile=profile.name,
        environment=profile.environment,
        gateway_url=control,
        gateway_kind=_choice(GatewayKind, g.get("kind", "rest"), control),
        auth=_choice(GatewayAuth, g.get("auth", "none"), control),
        client=plan,
        expect=expect,
        jwks_url=doc.get("jwks_url"),
        propagation=tuple((str(k), str(v)) for k, v in g.get("propagation", {}).items()),
        correlation_header=g.get("correlation_header", profile.propagation.correlation_header),
        iis_url=doc.get("urls", {}).get("iis"),
        echo_path=iis.get("echo_path"),
        log_path=iis.get("log_path"),
        httperr_path=iis.get("httperr_path") or _beside(iis.get("log_path"), "HTTPERR"),
        log_wait=SANDBOX_LOG_WAIT,
        access_log=g.get("access_log"),
        control_url=control,
        scenario=doc.get("name"),
        secrets=secrets,
    )
