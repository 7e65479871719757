"""Hand-built traces, token reports and feed items for the widget tests (no engine, no sandbox)."""

from __future__ import annotations

from console.model.enums import FeedOrigin, VerdictKind
from console.model.findings import Finding, Severity
from console.model.token import DecodedToken, SignatureCheck, SignatureStatus, TokenKind, TokenReport
from console.model.trace import (
    AuthorizerDecision,
    FeedItem,
    Hop,
    HopName,
    HopObservation,
    HopStatus,
    Identity,
    IisStatus,
    PolicyStatement,
    Trace,
    TraceRequest,
    Verdict,
)
from console.model.views import AuthorizerView, HopsView, IisView, VerdictView, verdict_kind

NOW = 1_760_000_000.0
"""The frozen clock of every test: 2025-10-09T08:53:20Z."""

ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders"
CLICK = "[@click=app.quit]x[/]"
"""Markup that would quit the app if any widget parsed it."""
OSC52 = "\x1b]52;c;ZXZpbA==\x1b\\"
"""An escape sequence that writes the clipboard."""
CLEAR = "\x1b[2J"
HOSTILE = f"{CLICK} {OSC52} {CLEAR} \u202eevil"
"""One value holding every trick: an action link, OSC 52, a screen clear and a bidi override."""


def clock(start: float = NOW) -> list[float]:
    """A mutable clock cell: ``lambda: cell[0]`` is the widget's ``now``."""
    return [start]


def token_report(
    *,
    exp_in: float = 300.0,
    status: SignatureStatus = SignatureStatus.VALID,
    sub: str = "alice",
    findings: tuple[Finding, ...] = (),
    extra: dict[str, object] | None = None,
    kid: str = "key-1",
) -> TokenReport:
    claims: dict[str, object] = {
        "sub": sub,
        "iss": "https://idp.example/",
        "aud": "orders-api",
        "iat": int(NOW - 60),
        "exp": int(NOW + exp_in),
        "scope": "orders:read",
    }
    claims.update(extra or {})
    token = DecodedToken(
        raw="eyJ.fake",
        compact="eyJ.fake",
        kind=TokenKind.JWS,
        header={"alg": "RS256", "typ": "JWT", "kid": kid},
        claims=claims,
    )
    detail = "" if status is SignatureStatus.VALID else "no key configured"
    signature = SignatureCheck(status, alg="RS256", kid=kid, key_source="jwks:https://idp.example/jwks", detail=detail)
    return TokenReport(token=token, signature=signature, findings=findings, checked_at=NOW)


def expired_finding() -> Finding:
    return Finding(
        "token.expired",
        Severity.ERROR,
        "Token expired",
        "exp was 2 h ago",
        "Get a fresh token from the identity provider.",
        hop="client",
        confidence="certain",
    )


def _identity(subject: str | None, source: str, *claims: tuple[str, str]) -> Identity:
    return Identity(subject, tuple(claims), source)


def client_hop(sub: str = "alice", status: HopStatus = HopStatus.OK) -> Hop:
    return Hop(
        HopName.CLIENT,
        status,
        _identity(sub, "token", ("sub", sub), ("username", sub), ("Authorization", "Bearer " + "e" * 60)),
        (),
        3.0,
    )


def healthy_hops(sub: str = "alice") -> tuple[Hop, ...]:
    return (
        client_hop(sub),
        Hop(HopName.GATEWAY, HopStatus.OK, _identity(sub, "token", ("sub", sub)), (), 1.0),
        Hop(
            HopName.AUTHORIZER,
            HopStatus.OK,
            _identity(sub, "authorizer context", ("sub", sub), ("username", sub)),
            (),
            12.0,
        ),
        Hop(
            HopName.INTEGRATION,
            HopStatus.OK,
            _identity(sub, "X-User-Sub header", ("X-User-Sub", sub), ("X-Correlation-Id", "c-1")),
            (),
            2.0,
        ),
        Hop(
            HopName.IIS,
            HopStatus.OK,
            _identity(f"CORP\\{sub}", "IIS user", ("X-User-Sub", sub)),
            ("cs-username=CORP\\alice",),
            41.0,
        ),
    )


def decision(effect: str = "allow", principal: str | None = "alice", cached: bool | None = False) -> AuthorizerDecision:
    return AuthorizerDecision(
        kind="lambda_token",
        effect=effect,
        source="sandbox",
        principal_id=principal,
        reason="" if effect == "allow" else "token expired",
        context=(("sub", "alice"), ("username", "alice"), ("tenant", "t1")),
        context_targets=(("sub", "X-User-Sub"), ("username", "X-User-Name")),
        policy=(
            PolicyStatement("Allow", ("execute-api:Invoke",), (ARN,), True),
            PolicyStatement("Deny", ("execute-api:Invoke",), (ARN.replace("GET", "DELETE"),), False),
        ),
        method_arn=ARN,
        cached=cached,
        cache_key=None,
    )


def iis_ok() -> IisStatus:
    return IisStatus(
        200,
        0,
        0,
        "OK",
        "Microsoft-IIS/10.0",
        user="CORP\\alice",
        auth_type="Negotiate",
        log_line="2025-10-09 08:53:20 GET /orders - 443 CORP\\alice 10.0.0.1 200 0 0 41",
    )


def iis_windows_auth() -> IisStatus:
    return IisStatus(
        401,
        2,
        5,
        "Unauthorized: logon failed due to server configuration",
        "Microsoft-IIS/10.0",
        challenge=("Negotiate", "NTLM"),
        remapped_headers=(("x-amzn-Remapped-WWW-Authenticate", "Negotiate"),),
        user=None,
        auth_type=None,
        log_line=None,
    )


def _trace(trace_id: str, hops: tuple[Hop, ...], verdict: Verdict, **kw: object) -> Trace:
    return Trace(
        trace_id=trace_id,
        correlation_id="c-1",
        profile="sandbox",
        request=TraceRequest("GET", "/orders"),
        url="http://127.0.0.1:8080/prod/orders",
        started_at=NOW,
        hops=hops,
        findings=(),
        verdict=verdict,
        **kw,
    )  # type: ignore[arg-type]


def healthy_trace() -> Trace:
    return _trace(
        "t-healthy",
        healthy_hops(),
        Verdict(True, None, None, "alice reached IIS as CORP\\alice"),
        token=token_report(),
        authorizer=decision(),
        iis=iis_ok(),
    )


def expired_trace() -> Trace:
    hops = (
        client_hop(status=HopStatus.BROKEN),
        Hop(HopName.GATEWAY, HopStatus.OK, None, (), 1.0),
        Hop(HopName.AUTHORIZER, HopStatus.BROKEN, _identity(None, "authorizer"), ("401 Unauthorized",), 9.0),
        Hop(HopName.INTEGRATION, HopStatus.NOT_REACHED),
        Hop(HopName.IIS, HopStatus.NOT_REACHED),
    )
    verdict = Verdict(
        False,
        HopName.AUTHORIZER,
        "token.expired",
        "broken at authorizer: token expired 2 h ago",
        "Get a fresh token from the identity provider.",
    )
    return _trace(
        "t-expired",
        hops,
        verdict,
        token=token_report(exp_in=-7200, findings=(expired_finding(),)),
        authorizer=decision("unauthorized", None),
    )


def windows_auth_trace() -> Trace:
    hops = (*healthy_hops()[:4], Hop(HopName.IIS, HopStatus.BROKEN, _identity(None, "IIS user"), (), 30.0))
    verdict = Verdict(
        False,
        HopName.IIS,
        "iis.windows_auth_challenge",
        "IIS demands Windows authentication (401.2 Negotiate/NTLM)",
        "Disable Windows authentication for this path; enable anonymous auth and read X-User-Sub.",
    )
    return _trace("t-winauth", hops, verdict, token=token_report(), authorizer=decision(), iis=iis_windows_auth())


def unknown_hop_trace() -> Trace:
    hops = list(healthy_hops())
    hops[2] = Hop(HopName.AUTHORIZER, HopStatus.UNKNOWN)
    hops[4] = Hop(HopName.IIS, HopStatus.UNKNOWN, None)
    verdict = Verdict(
        False,
        None,
        "trace.identity_unconfirmed",
        "IIS answered 200, no probe shows which identity",
        missing_evidence="configure [iis] echo_path",
    )
    return _trace("t-unknown", tuple(hops), verdict, token=token_report())


def observation(hop: HopName, status: HopStatus, sub: str | None = "alice", ms: float | None = 5.0) -> HopObservation:
    identity = None if sub is None else _identity(sub, "X-User-Sub header", ("X-User-Sub", sub))
    return HopObservation(hop, "sandbox", status, identity, elapsed_ms=ms)


def feed_item(
    n: int,
    *,
    origin: str = "baton",
    status: int | None = 200,
    verdict: Verdict | None = None,
    path: str | None = None,
    kind: VerdictKind | None = None,
) -> FeedItem:
    own = FeedOrigin(origin) is FeedOrigin.OWN
    if kind is None and own:
        kind = (
            VerdictKind.PENDING
            if verdict is None
            else (
                VerdictKind.OK if verdict.ok else VerdictKind.BROKEN if verdict.broken_at else VerdictKind.UNCONFIRMED
            )
        )
    return FeedItem(
        key=f"k{n}",
        method="GET",
        path=path or f"/orders/{n}",
        status=status,
        received_at=NOW + n,
        origin=FeedOrigin(origin),
        verdict=verdict,
        kind=kind,
    )


def hops_view(trace: Trace | None, kind: VerdictKind | None = None) -> HopsView:
    """What the TraceBook gives the hop trace for a finished trace (or every hop pending)."""
    if trace is None:
        return HopsView(kind or VerdictKind.PENDING)
    return HopsView(kind or verdict_kind(trace), trace.trace_id, trace.hops)


def verdict_view(trace: Trace | None, kind: VerdictKind | None = None, error: str | None = None) -> VerdictView:
    """What the TraceBook gives the verdict bar."""
    if trace is None:
        return VerdictView(kind or VerdictKind.PENDING, error=error)
    return VerdictView(
        kind or verdict_kind(trace),
        trace.verdict,
        error or trace.error,
        trace.trace_id,
        trace.correlation_id,
        trace.profile,
        trace.started_at,
    )


def authorizer_view(decision: AuthorizerDecision | None) -> AuthorizerView:
    """What the TraceBook gives the authorizer pane for a finished trace whose decision a probe saw."""
    return AuthorizerView(VerdictKind.OK, None, decision)


def iis_view(status: IisStatus | None) -> IisView:
    """What the TraceBook gives the IIS pane for a finished trace whose IIS answer a probe saw."""
    return IisView(VerdictKind.OK, None, status)
