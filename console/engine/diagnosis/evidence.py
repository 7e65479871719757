"""Everything the probes gathered for one trace, handed to the rules in one piece."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from console.engine.probes.aws import AwsAnswers
from console.engine.probes.iis import IisView, SpoofResult
from console.engine.probes.iis_logs import LogSearch
from console.engine.probes.record import GroundTruth
from console.engine.target import Target
from console.model.token import TokenReport
from console.model.trace import HopObservation, ResponseSnapshot


def gateway_form(value: object, gateway_kind: str = "rest") -> str | None:
    """A claim's value as API Gateway puts it in a mapped header; None when its form cannot be predicted.

    Booleans become ``true``/``false`` and numbers their JSON text (never Python's ``True``); an HTTP API JWT
    authorizer renders an array as ``[a b]``; a REST authorizer's array or any object has no documented form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list) and gateway_kind == "http" and all(isinstance(v, str | int | float) for v in value):
        return "[" + " ".join(gateway_form(v, gateway_kind) or "" for v in value) + "]"
    return None


@dataclass(frozen=True, slots=True)
class Caller:
    """The identity the profile says must arrive at IIS: a claim of the client's token and its value."""

    claim: str
    value: str
    source: str = "token"
    """Where the value was read: the client's ``token``, or the ``authorizer``'s claims (recorded requests)."""

    def __str__(self) -> str:
        return f"{self.value} (the {self.source}'s {self.claim})"


@dataclass
class Evidence:
    """What is known about one trace; any part may be missing (a real gateway gives only the response)."""

    target: Target
    correlation_id: str
    sent_headers: dict[str, str] = field(default_factory=dict)
    """What the client sent (names as sent; credential values redacted)."""
    direct_to_iis: bool = False
    token: TokenReport | None = None
    token_source: str | None = None
    response: ResponseSnapshot | None = None
    record: GroundTruth | None = None
    """Sandbox ground truth for this request, when the target is the sandbox."""
    iis_view: IisView | None = None
    iis_view_source: str = ""
    log_line: str | None = None
    """The W3C line tied to this request by its correlation id (the newest), as written."""
    log_search: LogSearch | None = None
    """What IIS's logs hold for this request: lines by correlation id, time-window guesses, HTTPERR refusals."""
    started_at: float | None = None
    """When the request was sent (epoch seconds); None = just now (a live trace is diagnosed as it ends)."""
    method: str = ""
    """The method sent; empty when not known (an echo that names another method is another request's)."""
    url: str = ""
    """The URL sent; empty when not known (an echo that names another path is another request's)."""
    spoof: SpoofResult | None = None
    aws: AwsAnswers | None = None
    """What AWS said of this request (configuration, authorizer decision, gateway logs); None when not asked."""
    observations: list[HopObservation] = field(default_factory=list)

    def expected_subject(self) -> str | None:
        """The subject the token carries (what IIS should end up with), when the token could be read."""
        if self.token is None:
            return None
        return gateway_form(self.token.token.claims.get("sub"), self.target.gateway_kind)

    def identity_claim(self) -> str:
        """The claim IIS resolves its user from: the subject header's (``sub``), else the first propagated one."""
        if self.target.subject_header or not self.target.propagation:
            return "sub"
        return self.target.propagation[0][1]

    def expected_caller(self) -> Caller | None:
        """Who must arrive at IIS: the token's value of the identity claim; None when it cannot be known."""
        claim = self.identity_claim()
        if self.token is not None:
            value = gateway_form(self.token.token.claims.get(claim), self.target.gateway_kind)
            return None if not value else Caller(claim, value)
        # A recorded request's token is masked: the authorizer that validated it names the same claims.
        if self.record is not None and self.record.authorizer.decision == "allow":
            found = self.record.authorizer.value(claim)
            return Caller(claim, found, "authorizer") if found else None
        return None

    def sent_no_identity(self) -> bool:
        """True when the caller sent no identity at all: no token and no Authorization header."""
        return self.token is None and not any(k.lower() == "authorization" for k in self.sent_headers)

    def expected_values(self) -> dict[str, str | None]:
        """For each propagation header, the value it must carry: the named claim of the client's token.

        Empty when the caller sent no identity at all: there is nothing to carry, so no header is missing."""
        if self.token is None and self.sent_no_identity():
            return {}
        out: dict[str, str | None] = {}
        for header, claim in self.target.propagation:
            if self.token is not None:
                out[header] = gateway_form(self.token.token.claims.get(claim), self.target.gateway_kind)
            elif self.record is not None and self.record.authorizer.decision == "allow":
                out[header] = self.record.authorizer.value(claim)  # a recorded request: its token is masked
            else:
                out[header] = None
        return out
