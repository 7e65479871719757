"""When the gateway's execution log found for this request id cannot be taken as this request's record: its lines
carry a correlation id Baton did not send, or they contradict the response (final status, the authorizer's decision).

Such lines are never the ground for a ✓ nor a "certain" finding: the observations drawn from them are lowered, the
contradiction is its own finding, and a contradiction leaves the verdict unconfirmed."""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.aws_hooks import ExpectedPropagation
from console.engine.diagnosis.aws_outcome import LoggedOutcome
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.response import ResponseReading
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.model.findings import Finding
from console.model.gateway_log import ExecutionLog
from console.model.trace import HOP_ORDER, Confidence, HopName

OTHER_REQUEST = "gateway.log_other_request"
CONTRADICTS = "gateway.log_contradicts_response"
_REFUSED = ("denied", "unauthorized", "error")


@dataclass(frozen=True, slots=True)
class LogDoubt:
    """Why the log lines of this request id are not trusted as this request's; empty when they are."""

    other_request: str = ""
    """The lines carry another correlation id than the one Baton sent (and no mapping rewrites it)."""
    contradictions: tuple[tuple[HopName, str], ...] = ()
    """(hop, what the log says against the response)."""

    @property
    def doubted(self) -> bool:
        """True when the lines must not count as this request's record."""
        return bool(self.other_request or self.contradictions)

    @property
    def hops(self) -> frozenset[HopName]:
        """The hops where the log and the response tell different stories."""
        return frozenset(hop for hop, _what in self.contradictions)

    def summary(self) -> str:
        """Every reason, in one line."""
        return "; ".join(part for part in (self.other_request, *(w for _h, w in self.contradictions)) if part)


def read_doubt(
    ev: Evidence, execution: ExecutionLog, outcome: LoggedOutcome, reading: ResponseReading | None, expected: object
) -> LogDoubt:
    """The doubt on ``execution`` (the log found for the response's request id) against what Baton sent and got."""
    return LogDoubt(_other_request(ev, execution, expected), _contradictions(ev, execution, outcome, reading))


def _rewritten(expected: object, header: str) -> bool | None:
    """Does a mapping of the hit method set ``header``? None when the configuration is not known."""
    if not isinstance(expected, ExpectedPropagation) or expected.config.hit is None:
        return None
    return any(m.header.lower() == header.lower() for m in expected.config.hit.mappings)


def _other_request(ev: Evidence, execution: ExecutionLog, expected: object) -> str:
    header, sent = ev.target.correlation_header, ev.correlation_id
    if not header or not sent:
        return ""
    # What the gateway received from the caller: no mapping applies, so any other value is another request's.
    received = execution.method_request_headers.get(header) if execution.method_request_headers else None
    if received is not None and received.strip() != sent:
        return f"the log's method request headers carry {header}: {received}, not the {sent} Baton sent"
    logged = execution.endpoint_headers.get(header) if execution.endpoint_headers else None
    if logged is None or logged.strip() == sent:
        return ""
    rewritten = _rewritten(expected, header)
    if rewritten:
        return ""  # a mapping sets the header: the gateway's value replaces the caller's
    why = (
        "and no mapping rewrites it"
        if rewritten is False
        else "(the API's configuration could not be read to rule out a mapping that rewrites it)"
    )
    return f"the log says the gateway sent IIS {header}: {logged}, not the {sent} Baton sent, {why}"


def _contradictions(
    ev: Evidence, execution: ExecutionLog, outcome: LoggedOutcome, reading: ResponseReading | None
) -> tuple[tuple[HopName, str], ...]:
    response = ev.response
    if response is None:
        return ()
    status = response.status
    refused = reading is not None and (
        reading.producer is HopName.AUTHORIZER or reading.authorizer_effect in ("deny", "unauthorized", "error")
    )
    found: list[tuple[HopName, str]] = []
    decided = outcome.outcome
    if decided in _REFUSED and status < 400:
        why = f" ({outcome.why})" if outcome.why else ""
        said = f"the log says the authorizer {decided} the request{why}, yet it got {status}"
        found.append((HopName.AUTHORIZER, said))
    elif decided == "allowed" and refused:
        answered = f" and IIS answered {execution.endpoint_status}" if execution.endpoint_status is not None else ""
        found.append(
            (
                HopName.AUTHORIZER,
                f"the log says the authorizer allowed it{answered}, yet the response ({status}) is "
                "a refusal at the authorizer",
            )
        )
    if execution.status is not None and execution.status != status:
        reached = execution.endpoint_headers is not None or execution.endpoint_status is not None
        hop = HopName.INTEGRATION if reached else HopName.AUTHORIZER if decided in _REFUSED else HopName.GATEWAY
        said = f"the log says 'Method completed with status: {execution.status}', the response was {status}"
        found.append((hop, said))
    return tuple(found)


def doubt_findings(doubt: LogDoubt, request_id: str | None) -> list[Finding]:
    """The doubt as findings: each reason with its fix and, for a contradiction, an unconfirmed verdict."""
    rid = f" {request_id}" if request_id else ""
    found: list[Finding] = []
    if doubt.other_request:
        detail = (
            f"the gateway log for request id{rid} carries another correlation id: {doubt.other_request}. These lines "
            "are probably another request's (or the response's x-amzn-RequestId was replayed or cached), so they "
            "prove nothing about this request"
        )
        found.append(hop_finding(OTHER_REQUEST, detail, hop=HopName.INTEGRATION, confidence=Confidence.LIKELY))
    if doubt.contradictions:
        first = min(doubt.hops, key=HOP_ORDER.index)
        said = "; ".join(what for _hop, what in doubt.contradictions)
        detail = (
            f"the gateway log for request id{rid} contradicts the response: {said}. The log may be another request's "
            "(a stale or cached answer carrying this request id, the wrong stage) or the response was altered on its "
            "way (a proxy or CDN, a customised gateway response)"
        )
        found.append(hop_finding(CONTRADICTS, detail, hop=first, confidence=Confidence.CERTAIN))
        found.append(
            hop_finding(
                UNCONFIRMED,
                f"the gateway's execution log and the response disagree ({said}): neither can be taken as this "
                "request's record",
                hop=first,
                confidence=Confidence.CERTAIN,
                fix=found[-1].fix,
            )
        )
    return found
