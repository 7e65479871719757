"""Response-only diagnosis: who produced a response, what it says per hop, and what would settle the rest (§7)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.response_gateway import gateway_kind_of, read_gateway
from console.engine.diagnosis.response_iis import read_iis
from console.engine.diagnosis.response_signal import (
    ECHO,
    NOTHING,
    PASSED_GATEWAY,
    SILENT,
    Signal,
    for_request,
    quote_body,
    quote_header,
    request_id,
    via_gateway,
    weakest,
)
from console.model.findings import Finding
from console.model.trace import (
    HOP_ORDER,
    Confidence,
    HopName,
    HopObservation,
    HopStatus,
    IisStatus,
    ResponseSnapshot,
)

__all__ = ["ResponseReading", "read_response"]

_PROBE = "response"
_GATEWAY_SIDE = {HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION}


@dataclass(frozen=True, slots=True)
class ResponseReading:
    """What the response alone says: who produced it, each hop's status, findings, and what evidence is missing."""

    producer: HopName | None
    """GATEWAY (its own refusals and integration failures), AUTHORIZER, IIS (IIS or http.sys); None = cannot tell."""
    observations: tuple[HopObservation, ...]
    """One per hop (probe ``response``); hops the response cannot speak for are UNKNOWN."""
    findings: tuple[Finding, ...]
    iis: IisStatus | None
    authorizer_effect: str | None
    """``unauthorized``, ``deny``, ``error`` or None."""
    missing_evidence: str


def read_response(
    response: ResponseSnapshot, *, gateway_kind: str = "rest", auth: str | None = None, method: str = ""
) -> ResponseReading:
    """Read one response as the only evidence (no logs, no sandbox); pure, no I/O."""
    auth = auth.strip().lower() if auth else None
    kind = gateway_kind_of(response, gateway_kind)
    signal = _signal(response, kind, auth)
    if method.upper() == "OPTIONS" and response.status < 400 and signal.producer is not HopName.IIS:
        signal = _preflight(response)
    error_type = response.header("x-amzn-ErrorType")
    if error_type and response.status < 400 and signal.findings:
        # A gateway response whose status was customised: the title's default status is not what came back.
        said = (
            f" (the gateway answered {response.status} with x-amzn-ErrorType {error_type[:80]}: "
            "its status is customised)"
        )
        signal = replace(signal, findings=tuple(replace(f, detail=f.detail + said) for f in signal.findings))
    return ResponseReading(
        producer=signal.producer,
        observations=_observations(signal, response),
        findings=signal.findings,
        iis=signal.iis,
        authorizer_effect=signal.authorizer_effect,
        missing_evidence=signal.missing_evidence,
    )


def _signal(response: ResponseSnapshot, kind: str, auth: str | None) -> Signal:
    # §7: x-amzn-ErrorType means API Gateway wrote the answer, whatever the body says (it may be customised).
    if response.header("x-amzn-ErrorType"):
        found = read_gateway(response, kind, auth)
        if found is not None:
            return found
    # IIS signals next: an app behind IIS can answer {"message":"Unauthorized"} too, with IIS's Server header.
    found = read_iis(response) or read_gateway(response, kind, auth)
    if found is not None:
        return found
    return _answered(response) if response.status < 400 else _unrecognised(response)


def _answered(response: ResponseSnapshot) -> Signal:
    """A success with nothing naming IIS: the gateway let it through, but who answered and as whom is unknown."""
    gateway = via_gateway(response)
    evidence = tuple(line for line in (f"status: {response.status}", _id_line(response)) if line)
    confidence = Confidence.LIKELY if gateway else Confidence.POSSIBLE
    finding = hop_finding(
        "trace.identity_unconfirmed",
        f"The request got a {response.status}, but nothing in the response names IIS or the identity it saw.",
        hop=HopName.IIS,
        confidence=confidence,
        evidence=evidence,
    )
    note = "" if gateway else "no API Gateway request id: check the URL points at the gateway"
    missing = ECHO if gateway else f"{ECHO}; and a gateway request id (x-amzn-RequestId / apigw-requestid)"
    layout = PASSED_GATEWAY if gateway else NOTHING
    return Signal(None, layout, evidence, confidence, (finding,), missing_evidence=missing, note=note)


PREFLIGHT = (
    "an OPTIONS request is a CORS preflight: API Gateway may answer it itself without running the authorizer or "
    "the integration, so this hop's outcome is unknown"
)


def _preflight(response: ResponseSnapshot) -> Signal:
    """An OPTIONS answer with nothing naming IIS: the gateway answered it; authorization may never have run."""
    evidence = tuple(
        line
        for line in (
            f"status: {response.status}",
            quote_header(response, "Access-Control-Allow-Origin"),
            quote_header(response, "Access-Control-Allow-Methods"),
            _id_line(response),
        )
        if line
    )
    fix = "Trace with the method the application uses (GET, POST …): an OPTIONS request cannot show who IIS resolved."
    finding = hop_finding(
        "trace.identity_unconfirmed",
        f"the OPTIONS request got a {response.status}, but a CORS preflight is answered by the gateway without "
        "authorization and shows nothing about the identity IIS resolves",
        hop=HopName.IIS,
        confidence=Confidence.LIKELY,
        evidence=evidence,
        fix=fix,
    )
    layout = ((HopName.GATEWAY, HopStatus.OK),)
    return Signal(None, layout, evidence, Confidence.LIKELY, (finding,), missing_evidence=fix, note=PREFLIGHT)


def _unrecognised(response: ResponseSnapshot) -> Signal:
    """An error nothing explains: say so, and name the logs that would (§7, §8)."""
    evidence = tuple(
        line
        for line in (
            f"status: {response.status}",
            quote_body(response),
            quote_header(response, "Content-Type"),
            _id_line(response),
        )
        if line
    )
    rest_backend = response.header("x-amzn-RequestId") is not None
    detail = f"Nothing in this {response.status} names who wrote it" + (
        ": it came through a REST API without x-amzn-ErrorType, so probably the backend (an app behind "
        "IIS, or a proxy) answered."
        if rest_backend
        else "."
    )
    finding = hop_finding(
        "trace.response_unrecognised", detail, hop=HopName.GATEWAY, confidence=Confidence.POSSIBLE, evidence=evidence
    )
    missing = (
        f"the API's execution or access log for {for_request(response)}, which records the integration's "
        "status, or the IIS W3C log for the correlation id"
    )
    return Signal(None, NOTHING, evidence, Confidence.POSSIBLE, (finding,), missing_evidence=missing)


def _id_line(response: ResponseSnapshot) -> str | None:
    return (
        quote_header(response, "x-amzn-RequestId")
        or quote_header(response, "apigw-requestid")
        or quote_header(response, "x-amz-apigw-id")
    )


def _observations(signal: Signal, response: ResponseSnapshot) -> tuple[HopObservation, ...]:
    statuses = dict(signal.layout)
    at_fault = next((hop for hop, status in signal.layout if status is HopStatus.BROKEN), None)
    observations: list[HopObservation] = []
    for hop in HOP_ORDER:
        status = statuses.get(hop, HopStatus.UNKNOWN)
        confidence = signal.confidence
        data: dict[str, Any] = {}
        elapsed: float | None = None
        if status is HopStatus.BROKEN or (hop is signal.producer and status is HopStatus.UNKNOWN):
            evidence = signal.evidence
            data = _data(signal, response)
            elapsed = response.elapsed_ms
        elif status is HopStatus.OK:
            # The answer came from further along, so this hop let the request through (§7); inferred, so likely.
            evidence = (_passed(hop, at_fault, signal.producer), *signal.evidence[:1])
            confidence = weakest(confidence, Confidence.LIKELY)
        elif status is HopStatus.NOT_REACHED:
            evidence = (f"not reached: the request stopped at the {at_fault.value if at_fault else 'earlier'} hop",)
        else:
            note = signal.note if hop in _GATEWAY_SIDE else ""
            evidence = (note or SILENT.get(hop, "the response says nothing about this hop"),)
            confidence = Confidence.POSSIBLE
        observations.append(
            HopObservation(
                hop=hop,
                probe=_PROBE,
                status=status,
                evidence=evidence,
                elapsed_ms=elapsed,
                confidence=confidence,
                data=data,
            )
        )
    return tuple(observations)


def _passed(hop: HopName, at_fault: HopName | None, producer: HopName | None) -> str:
    if at_fault is not None:
        return f"passed: the request got as far as the {at_fault.value} hop"
    if producer is not None and HOP_ORDER.index(producer) > HOP_ORDER.index(hop):
        return f"passed: {producer.value} answered, so the request got past this hop"
    return "passed: the response came from further along"


def _data(signal: Signal, response: ResponseSnapshot) -> dict[str, Any]:
    """JSON-safe details for the panes: the status, who produced it, the request id, IIS's status."""
    data: dict[str, Any] = {"status": response.status, "producer": signal.producer.value if signal.producer else None}
    rid = request_id(response)
    if rid:
        data["request_id"] = rid
    if signal.authorizer_effect:
        data["authorizer_effect"] = signal.authorizer_effect
    if signal.iis is not None:
        data["iis"] = {
            "status": signal.iis.status,
            "substatus": signal.iis.substatus,
            "meaning": signal.iis.meaning,
            "server": signal.iis.server,
            "challenge": list(signal.iis.challenge),
        }
    return data
