"""Fixed, hand-built traces of four sandbox scenarios and a fake session that replays them (for snapshots)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from console.engine.target import ClientPlan, Target
from console.errors import TraceError
from console.model.expectations import Expectations
from console.model.findings import Finding, Severity
from console.model.profile import Profile
from console.model.token import DecodedToken, SignatureCheck, SignatureStatus, TokenKind, TokenReport
from console.model.trace import (
    AuthorizerDecision,
    FeedItem,
    Hop,
    HopName,
    HopObservation,
    HopObserved,
    HopStatus,
    Identity,
    IisStatus,
    ResponseSnapshot,
    TokenInspected,
    Trace,
    TraceEvent,
    TraceFinished,
    TraceRequest,
    TraceStarted,
    Verdict,
)
from console.session import Session

NOW = 1_767_225_600.0
"""The frozen clock: 2026-01-01T00:00:00Z."""

SUB = "5f0c1a2e-7d4b-4c8e-9a61-3b2d4e5f6a70"
CORRELATION = "c0ffee00-1111-4222-8333-944455556666"
GATEWAY = "http://127.0.0.1:8080"
IIS_HOST = "127.0.0.1:8081"
API_ID = "abc123defg"
CLIENT_ID = "7q2k4m6n8p0r1s3t5v7w9x1y2z"
ISSUER = "http://127.0.0.1:8082/us-east-1_Fixed0001"
KID = "fixed-key-1"
COMPACT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZpeGVkLWtleS0xIn0.eyJzdWIiOiJmaXhlZCJ9.c2lnbmF0dXJl"
"""Looks like a JWT on purpose: a snapshot holding ``eyJ`` would mean a pane showed the token."""
LOG_DATE = "2026-01-01 00:00:00"
SCENARIOS = ("healthy", "expired-token", "claims-header-unmapped", "iis-windows-auth")


# -- the token ------------------------------------------------------------------------------------------
def token_report(*, expired: bool = False) -> TokenReport:
    """The client's access token: valid for another 59 min 40 s, or expired an hour ago."""
    issued = NOW - (7200 if expired else 20)
    claims: dict[str, object] = {
        "sub": SUB,
        "cognito:groups": ["orders-readers"],
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "openid baton-api/orders.read",
        "auth_time": int(issued),
        "exp": int(issued + 3600),
        "iat": int(issued),
        "jti": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "username": "alice",
    }
    token = DecodedToken(
        raw=COMPACT,
        compact=COMPACT,
        kind=TokenKind.JWS,
        header={"alg": "RS256", "kid": KID},
        claims=claims,
        header_bytes=41,
        payload_bytes=389,
        signature_bytes=256,
    )
    jwks = f"{ISSUER}/.well-known/jwks.json"
    signature = SignatureCheck(
        SignatureStatus.VALID,
        alg="RS256",
        kid=KID,
        key_source=jwks,
        detail=f"verified with kid '{KID}' (RSA, RS256) from {jwks}",
    )
    findings = (EXPIRED,) if expired else ()
    return TokenReport(token=token, signature=signature, findings=findings, checked_at=NOW)


EXPIRED = Finding(
    "token.expired",
    Severity.ERROR,
    "Token expired",
    "expired 60 min ago at 2025-12-31T23:00:00Z (no leeway)",
    "Get a new token (refresh it before exp); if it looks freshly issued, check the clocks.",
    hop="authorizer",
    confidence="certain",
)


# -- identities at each hop -----------------------------------------------------------------------------
def _client() -> Identity:
    return Identity(
        SUB,
        (
            ("sub", SUB),
            ("username", "alice"),
            ("token_use", "access"),
            ("scope", "openid baton-api/orders.read"),
            ("client_id", CLIENT_ID),
        ),
        "token",
    )


def _gateway() -> Identity:
    return Identity(SUB, (("Authorization", "Bearer <token>"),), "bearer token")


def _authorizer() -> Identity:
    return Identity(
        SUB,
        (
            ("sub", SUB),
            ("cognito:groups", "orders-readers"),
            ("client_id", CLIENT_ID),
            ("token_use", "access"),
            ("scope", "openid baton-api/orders.read"),
            ("username", "alice"),
        ),
        "authorizer claims",
    )


def _sent(*, mapped: bool) -> tuple[tuple[str, str], ...]:
    identity = (("X-User-Sub", SUB),) if mapped else ()
    return (
        ("accept", "*/*"),
        ("accept-encoding", "gzip, deflate"),
        ("authorization", "Bearer ********Fixed1"),
        ("x-correlation-id", CORRELATION),
        *identity,
        ("X-User-Name", "alice"),
        ("X-Origin-Verify", "********Origin"),
        ("x-amzn-apigateway-api-id", API_ID),
        ("User-Agent", f"AmazonAPIGateway_{API_ID}"),
        ("X-Forwarded-For", "127.0.0.1"),
    )


def _integration(*, mapped: bool = True) -> Identity:
    return Identity(
        SUB if mapped else None, _sent(mapped=mapped), "X-User-Sub header" if mapped else "headers sent to IIS"
    )


def _iis(user: str | None, source: str, *, mapped: bool = True) -> Identity:
    received = (("host", IIS_HOST), *((k.lower(), v) for k, v in _sent(mapped=mapped)))
    return Identity(user, received, source)


def _log(status: str, user: str) -> str:
    return (
        f"{LOG_DATE} 127.0.0.1 GET /whoami - 8081 - 127.0.0.1 AmazonAPIGateway_{API_ID} - {status} 0 "
        f"{CORRELATION} {user}"
    )


def _remapped(*extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (
        ("x-amzn-remapped-server", "Microsoft-IIS/10.0"),
        ("x-amzn-remapped-date", "Thu, 01 Jan 2026 00:00:00 GMT"),
        *extra,
        ("x-amzn-remapped-content-length", "1220"),
    )


COGNITO_ALLOW = AuthorizerDecision("cognito", "allow", "sandbox", reason="valid Cognito token", cached=False)


# -- the four traces ------------------------------------------------------------------------------------
def _response(status: int, body: str) -> ResponseSnapshot:
    headers = (
        ("content-type", "application/json; charset=utf-8"),
        ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
        ("x-amzn-requestid", "0f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b"),
    )
    return ResponseSnapshot(status, headers, body, len(body), 3.0)


def _trace(name: str, hops: tuple[Hop, ...], verdict: Verdict, **details: object) -> Trace:
    return Trace(
        trace_id=f"f1xed{SCENARIOS.index(name):07d}",
        correlation_id=CORRELATION,
        profile="sandbox",
        request=TraceRequest("GET", "/prod/whoami"),
        url=f"{GATEWAY}/prod/whoami",
        started_at=NOW,
        hops=hops,
        verdict=verdict,
        scenario=name,
        **details,
    )  # type: ignore[arg-type]


def _hop(name: HopName, status: HopStatus, identity: Identity | None, ms: float | None, *evidence: str) -> Hop:
    return Hop(name, status, identity, evidence, ms)


def healthy() -> Trace:
    hops = (
        _hop(
            HopName.CLIENT, HopStatus.OK, _client(), 21.0, "token from password grant (access_token)", "signature valid"
        ),
        _hop(HopName.GATEWAY, HopStatus.OK, _gateway(), 3.0, "API key: not_required", "gateway answered 200"),
        _hop(HopName.AUTHORIZER, HopStatus.OK, _authorizer(), None, "cognito authorizer: allow (valid Cognito token)"),
        _hop(HopName.INTEGRATION, HopStatus.OK, _integration(), None, "X-User-Sub = context.authorizer.claims.sub"),
        _hop(
            HopName.IIS,
            HopStatus.OK,
            _iis(SUB, "IIS, TrustedHeader auth"),
            3.0,
            "IIS answered 200",
            f"W3C: {_log('200 0 0', SUB)}",
        ),
    )
    iis = IisStatus(
        200,
        0,
        None,
        "HTTP 200",
        "Microsoft-IIS/10.0",
        remapped_headers=_remapped(),
        user=SUB,
        auth_type="TrustedHeader",
        log_line=_log("200 0 0", SUB),
    )
    return _trace(
        "healthy",
        hops,
        Verdict(True, None, None, f"IIS resolved {SUB}"),
        findings=(),
        token=token_report(),
        authorizer=COGNITO_ALLOW,
        iis=iis,
        response=_response(200, f'{{"user": "{SUB}", "auth_type": "TrustedHeader"}}'),
    )


def expired_token() -> Trace:
    hops = (
        _hop(
            HopName.CLIENT,
            HopStatus.WARNING,
            _client(),
            21.0,
            "token from password grant (access_token)",
            "signature valid",
            "finding: token.expired",
        ),
        _hop(HopName.GATEWAY, HopStatus.OK, _gateway(), 2.0, "gateway answered 401 (UnauthorizedException)"),
        _hop(
            HopName.AUTHORIZER,
            HopStatus.BROKEN,
            None,
            2.0,
            "cognito authorizer: unauthorized (token expired)",
            'body: {"message":"Unauthorized"}',
        ),
        _hop(HopName.INTEGRATION, HopStatus.NOT_REACHED, None, None, "integration not called"),
        _hop(HopName.IIS, HopStatus.NOT_REACHED, None, None, "IIS received nothing"),
    )
    verdict = Verdict(
        False,
        HopName.AUTHORIZER,
        "token.expired",
        f"broken at authorizer: Token expired — {EXPIRED.detail}",
        EXPIRED.fix,
    )
    decision = AuthorizerDecision(
        "cognito", "unauthorized", "sandbox", reason="token expired an hour ago", cached=False
    )
    return _trace(
        "expired-token",
        hops,
        verdict,
        findings=(EXPIRED,),
        token=token_report(expired=True),
        authorizer=decision,
        response=_response(401, '{"message":"Unauthorized"}'),
    )


UNMAPPED = Finding(
    "integration.claim_header_missing",
    Severity.ERROR,
    "Identity header not sent to IIS",
    f"the integration request has no X-User-Sub header; it should carry the token's claim ({SUB})",
    "Map the claim to the header in the integration request (integration.request.header.X-User-Sub = "
    "context.authorizer.claims.sub) and redeploy the stage. (F16, F35)",
    hop="integration",
    confidence="certain",
    evidence=("the integration request: no X-User-Sub",),
)


def claims_header_unmapped() -> Trace:
    hops = (
        _hop(HopName.CLIENT, HopStatus.OK, _client(), 21.0, "signature valid"),
        _hop(HopName.GATEWAY, HopStatus.OK, _gateway(), 3.0, "gateway answered 200"),
        _hop(HopName.AUTHORIZER, HopStatus.OK, _authorizer(), None, "cognito authorizer: allow (valid Cognito token)"),
        _hop(
            HopName.INTEGRATION,
            HopStatus.BROKEN,
            _integration(mapped=False),
            None,
            "X-User-Name = context.authorizer.claims.username",
        ),
        _hop(
            HopName.IIS,
            HopStatus.OK,
            _iis(None, "IIS, anonymous auth", mapped=False),
            3.0,
            "IIS answered 200",
            f"W3C: {_log('200 0 0', '-')}",
        ),
    )
    verdict = Verdict(
        False,
        HopName.INTEGRATION,
        UNMAPPED.code,
        f"broken at integration: {UNMAPPED.title} — {UNMAPPED.detail}",
        UNMAPPED.fix,
    )
    iis = IisStatus(
        200, 0, None, "HTTP 200", "Microsoft-IIS/10.0", remapped_headers=_remapped(), log_line=_log("200 0 0", "-")
    )
    return _trace(
        "claims-header-unmapped",
        hops,
        verdict,
        findings=(UNMAPPED,),
        token=token_report(),
        authorizer=COGNITO_ALLOW,
        iis=iis,
        response=_response(200, '{"user": null}'),
    )


WINDOWS_AUTH = Finding(
    "iis.windows_auth_challenge",
    Severity.ERROR,
    "IIS demands Windows authentication (401 Negotiate/NTLM)",
    "IIS answered 401.2 and asked for Negotiate / NTLM: Windows authentication is on, so the gateway-asserted "
    "identity is ignored",
    "IIS ignores the gateway-asserted identity: enable anonymous authentication plus the trusted-header module for "
    "this site/app, or disable Windows authentication on it. (F27, F22)",
    hop="iis",
    confidence="certain",
    evidence=("x-amzn-remapped-www-authenticate: Negotiate", "x-amzn-remapped-www-authenticate: NTLM"),
)


def iis_windows_auth() -> Trace:
    hops = (
        _hop(HopName.CLIENT, HopStatus.OK, _client(), 21.0, "signature valid"),
        _hop(HopName.GATEWAY, HopStatus.OK, _gateway(), 3.0, "gateway answered 401"),
        _hop(HopName.AUTHORIZER, HopStatus.OK, _authorizer(), None, "cognito authorizer: allow (valid Cognito token)"),
        _hop(HopName.INTEGRATION, HopStatus.OK, _integration(), None, "X-User-Sub = context.authorizer.claims.sub"),
        _hop(
            HopName.IIS,
            HopStatus.BROKEN,
            _iis(None, "IIS, anonymous auth"),
            3.0,
            "IIS answered 401.2",
            f"W3C: {_log('401 2 5', SUB)}",
            "x-amzn-Remapped-WWW-Authenticate: Negotiate",
        ),
    )
    verdict = Verdict(
        False,
        HopName.IIS,
        WINDOWS_AUTH.code,
        f"broken at iis: {WINDOWS_AUTH.title} — {WINDOWS_AUTH.detail}",
        WINDOWS_AUTH.fix,
    )
    iis = IisStatus(
        401,
        2,
        None,
        "Logon failed due to server configuration: no enabled authentication method accepts what was sent",
        "Microsoft-IIS/10.0",
        challenge=("Negotiate", "NTLM"),
        remapped_headers=_remapped(
            ("x-amzn-remapped-www-authenticate", "Negotiate"), ("x-amzn-remapped-www-authenticate", "NTLM")
        ),
        log_line=_log("401 2 5", SUB),
    )
    return _trace(
        "iis-windows-auth",
        hops,
        verdict,
        findings=(WINDOWS_AUTH,),
        token=token_report(),
        authorizer=COGNITO_ALLOW,
        iis=iis,
        response=_response(401, "401 - Unauthorized: Access is denied due to invalid credentials."),
    )


TRACES: dict[str, Callable[[], Trace]] = {
    "healthy": healthy,
    "expired-token": expired_token,
    "claims-header-unmapped": claims_header_unmapped,
    "iis-windows-auth": iis_windows_auth,
}


# -- the fake session -----------------------------------------------------------------------------------
class FixedSession(Session):
    """A sandbox session that starts nothing and answers every trace with the scenario's fixed trace."""

    def __init__(self, profile: Profile, scenario: str | None = None) -> None:
        super().__init__(profile, scenario)
        self._closed = threading.Event()

    def start(self) -> Target:
        if self.target is None:
            self.target = Target(
                profile=self.profile.name,
                environment="sandbox",
                gateway_url=GATEWAY,
                gateway_kind="rest",
                auth="cognito",
                client=ClientPlan(flow="password", method="GET", path="/prod/whoami"),
                expect=Expectations(),
                scenario=self.scenario,
            )
        return self.target

    def trace(
        self,
        request: TraceRequest,
        on_event: Callable[[TraceEvent], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        token: str | None = None,
    ) -> Trace:
        self.start()
        trace = TRACES[self.scenario or "healthy"]()
        events: list[TraceEvent] = [
            TraceStarted(trace.trace_id, trace.correlation_id, trace.profile, trace.request, trace.url)
        ]
        if trace.token is not None:
            events.append(TokenInspected(trace.trace_id, trace.token))
        events += [
            HopObserved(
                trace.trace_id, HopObservation(h.name, "sandbox", h.status, h.identity, h.evidence, h.elapsed_ms)
            )
            for h in trace.hops
        ]
        events.append(TraceFinished(trace))
        for event in events:
            if on_event is not None:
                on_event(event)
        return trace

    def feed(self, after: int, wait: float = 0.0) -> tuple[list[FeedItem], int]:
        if self._closed.wait(wait):  # an idle long poll: nobody else uses this sandbox
            raise TraceError("the fixed sandbox is closed", hop="gateway")
        return [], after

    def recorded(self, key: str) -> Trace | None:
        return None

    def scenario_choices(self) -> list[tuple[str, str]]:
        return [(name, f"fixed {name} trace") for name in SCENARIOS]

    def switch_scenario(self, scenario: str) -> Target:
        self.scenario, self.target = scenario, None
        return self.start()

    def close(self) -> None:
        self._closed.set()
        self.target = None


def fixed_session(profile: Profile, scenario: str | None) -> Session:
    """The session factory for ``make_app``."""
    return FixedSession(profile, scenario)
