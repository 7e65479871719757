"""One trace: a test request, what each hop saw of the caller's identity, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Re-exported: they live in console.model.enums, which the console's first screen imports without this module.
from console.model.enums import HOP_GLYPH as HOP_GLYPH
from console.model.enums import HOP_ORDER as HOP_ORDER
from console.model.enums import Confidence as Confidence
from console.model.enums import FeedOrigin as FeedOrigin
from console.model.enums import HopName as HopName
from console.model.enums import HopStatus as HopStatus
from console.model.enums import VerdictKind as VerdictKind
from console.model.findings import Finding
from console.model.token import TokenReport


def first_value(pairs: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first value for ``name`` (any case) in (name, value) pairs, or None."""
    lowered = name.lower()
    return next((v for k, v in pairs if k.lower() == lowered), None)


@dataclass(frozen=True, slots=True)
class TraceRequest:
    """The test request to send through the gateway."""

    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    """Extra request headers as given (``--header K:V``); values are redacted in every output."""
    body: bytes = b""
    token_ref: str | None = None
    """A secret reference (``env:``, ``file:``) or ``-`` for a token supplied instead of the profile's flow."""


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller's identity as one hop carried it."""

    subject: str | None
    """Who the hop thinks the caller is (``sub``, principalId, the mapped header, IIS's user); None = nobody."""
    claims: tuple[tuple[str, str], ...] = ()
    """The propagation-relevant values at this hop, as (name, value) pairs in display order."""
    source: str = ""
    """Where this identity was read: "token", "authorizer context", "X-User-Sub header", "IIS user"."""

    @property
    def anonymous(self) -> bool:
        """True when the hop carried no identity at all."""
        return not self.subject

    def value(self, name: str) -> str | None:
        """The value of one claim or header by name (case-insensitive), if present."""
        return first_value(self.claims, name)


@dataclass(frozen=True, slots=True)
class HopObservation:
    """What one probe saw at one hop. Several probes may observe the same hop."""

    hop: HopName
    probe: str
    """``sandbox``, ``response``, ``token``, ``authorizer-local``, ``iis-echo``, ``iis-log``, ``aws``."""
    status: HopStatus
    identity: Identity | None = None
    evidence: tuple[str, ...] = ()
    """Short lines a person can check: a header, a log line, a claim (tokens redacted)."""
    elapsed_ms: float | None = None
    confidence: Confidence = Confidence.CERTAIN
    data: dict[str, Any] = field(default_factory=dict)
    """Structured details for the panes (authorizer decision, IIS status, headers …), JSON-safe."""


@dataclass(frozen=True, slots=True)
class Hop:
    """Everything known about one hop, merged from its observations."""

    name: HopName
    status: HopStatus
    identity: Identity | None = None
    evidence: tuple[str, ...] = ()
    elapsed_ms: float | None = None
    observations: tuple[HopObservation, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyStatement:
    """One statement of an authorizer's IAM policy."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    matches_request: bool
    """True when one of ``resources`` matches the method ARN of this request."""


@dataclass(frozen=True, slots=True)
class AuthorizerDecision:
    """The authorizer's decision for this request, from whichever probe saw it."""

    kind: str
    """``cognito``, ``jwt``, ``lambda_token``, ``lambda_request``, ``iam`` or ``none``."""
    effect: str
    """``allow``, ``deny``, ``unauthorized``, ``error``, ``skipped`` or ``unknown``."""
    source: str
    """Which probe decided this: ``sandbox``, ``local evaluation``, ``response``, ``aws test-invoke``."""
    principal_id: str | None = None
    reason: str = ""
    context: tuple[tuple[str, str], ...] = ()
    """The authorizer context map (key, value)."""
    context_targets: tuple[tuple[str, str], ...] = ()
    """Where each context key goes: (context key, header it is mapped to) per the integration mapping."""
    policy: tuple[PolicyStatement, ...] = ()
    method_arn: str | None = None
    cached: bool | None = None
    """True when the decision came from the authorizer cache; None when unknown."""
    cache_key: str | None = None


@dataclass(frozen=True, slots=True)
class IisStatus:
    """IIS's answer: status, substatus and their meaning."""

    status: int
    substatus: int | None = None
    win32_status: int | None = None
    meaning: str = ""
    server: str | None = None
    """``Microsoft-IIS/10.0``, ``Microsoft-HTTPAPI/2.0`` (http.sys), or what the response said."""
    challenge: tuple[str, ...] = ()
    """``WWW-Authenticate`` schemes IIS offered (Negotiate, NTLM), seen direct or remapped by the gateway."""
    remapped_headers: tuple[tuple[str, str], ...] = ()
    """``x-amzn-Remapped-*`` headers the gateway returned in place of IIS's own."""
    user: str | None = None
    """The user IIS resolved (``cs-username`` / echo), None when anonymous or unknown."""
    auth_type: str | None = None
    log_line: str | None = None
    """The W3C log line for this request's correlation id, when one was found."""


@dataclass(frozen=True, slots=True)
class ResponseSnapshot:
    """What the client got back; headers and body are already redacted and capped."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: str
    """Decoded text of at most the first 64 KiB."""
    body_bytes: int
    """The full body size as received (it may have been larger than what is kept)."""
    elapsed_ms: float
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        return first_value(self.headers, name)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer: ok, or the first hop where the identity was refused, lost or altered."""

    ok: bool
    broken_at: HopName | None
    finding: str | None
    """The code of the finding that explains the break."""
    summary: str
    """One line for the verdict bar, e.g. "broken at authorizer: token expired 2 h ago"."""
    fix: str = ""
    missing_evidence: str = ""
    """When the evidence could not tell: what would (e.g. "configure [iis] echo_path")."""


@dataclass(frozen=True, slots=True)
class Trace:
    """A finished (or failed) trace."""

    trace_id: str
    correlation_id: str
    profile: str
    request: TraceRequest
    url: str
    """The URL the request was sent to (query string redacted)."""
    started_at: float
    hops: tuple[Hop, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    token: TokenReport | None = None
    response: ResponseSnapshot | None = None
    authorizer: AuthorizerDecision | None = None
    iis: IisStatus | None = None
    scenario: str | None = None
    error: str | None = None
    """Why the trace could not complete, naming the hop (then ``verdict.ok`` is False)."""

    def hop(self, name: HopName) -> Hop:
        """The hop by name (every trace has all five)."""
        return next(h for h in self.hops if h.name is name)


@dataclass(frozen=True, slots=True)
class TraceStarted:
    """Event: a trace began; the console clears the panes for it."""

    trace_id: str
    correlation_id: str
    profile: str
    request: TraceRequest
    url: str


@dataclass(frozen=True, slots=True)
class HopObserved:
    """Event: one probe observed one hop (streamed as it happens)."""

    trace_id: str
    observation: HopObservation


@dataclass(frozen=True, slots=True)
class TokenInspected:
    """Event: the client token was decoded and judged."""

    trace_id: str
    report: TokenReport


@dataclass(frozen=True, slots=True)
class TraceFinished:
    """Event: diagnosis is done; ``trace`` is complete (or carries ``error``)."""

    trace: Trace


TraceEvent = TraceStarted | HopObserved | TokenInspected | TraceFinished


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One request in the live feed: a trace of this run, or a request someone else sent through the sandbox."""

    key: str
    """Unique in the feed: the trace id for Baton's own traces, ``sandbox:<seq>`` for others."""
    method: str
    path: str
    status: int | None
    received_at: float
    origin: FeedOrigin
    """A trace of this run, or a request someone else sent (e.g. curl through the sandbox gateway)."""
    correlation_id: str | None = None
    request_id: str | None = None
    verdict: Verdict | None = None
    """Set for Baton's own traces once diagnosed."""
    kind: VerdictKind | None = None
    """The outcome of Baton's own traces (pending, ok, broken, unconfirmed, error, cancelled); None for others."""
