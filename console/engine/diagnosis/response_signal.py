"""What one response signal says (producer, per-hop status, findings) and the helpers its readers share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from console.engine.iis import page_lines
from console.model.findings import Finding
from console.model.trace import Confidence, HopName, HopStatus, IisStatus, ResponseSnapshot

_G, _A, _I, _S = HopName.GATEWAY, HopName.AUTHORIZER, HopName.INTEGRATION, HopName.IIS
_OK, _BROKEN, _NOT, _UNK = HopStatus.OK, HopStatus.BROKEN, HopStatus.NOT_REACHED, HopStatus.UNKNOWN

HopLayout = tuple[tuple[HopName, HopStatus], ...]
"""What the response says about each hop it speaks for; hops left out are unknown."""

# The request stopped at API Gateway before the authorizer ran (no route, unsigned IAM route).
BEFORE_AUTHORIZER: HopLayout = ((_G, _BROKEN), (_A, _NOT), (_I, _NOT), (_S, _NOT))
# API Gateway refused around authorization (API key, throttling, resource policy): the authorizer may have run.
AT_GATEWAY: HopLayout = ((_G, _BROKEN), (_I, _NOT), (_S, _NOT))
AT_AUTHORIZER: HopLayout = ((_G, _OK), (_A, _BROKEN), (_I, _NOT), (_S, _NOT))
# The integration could not deliver: IIS never answered (network, TLS, configuration).
INTEGRATION_FAILED: HopLayout = ((_G, _OK), (_A, _OK), (_I, _BROKEN), (_S, _NOT))
# §1.11, F23: on a timeout IIS may still be working on the request, so its hop stays unknown.
INTEGRATION_TIMED_OUT: HopLayout = ((_G, _OK), (_A, _OK), (_I, _BROKEN))
AT_IIS: HopLayout = ((_G, _OK), (_A, _OK), (_S, _BROKEN))
PASSED_GATEWAY: HopLayout = ((_G, _OK), (_A, _OK))
NOTHING: HopLayout = ()

ECHO = (
    "an IIS echo endpoint ([iis] echo_path) or the IIS W3C log ([iis] log_path) for the correlation id, "
    "to show which identity IIS saw"
)
"""What would show the identity IIS saw when the response does not (§4.6, F12, F16)."""

SILENT: dict[HopName, str] = {
    HopName.CLIENT: "the response says nothing about the client's token (the token check does)",
    HopName.INTEGRATION: "the response does not show which identity headers the integration sent to IIS",
}
"""Why a hop stays unknown when the response cannot speak for it."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One reader's conclusion about a response."""

    producer: HopName | None
    layout: HopLayout
    evidence: tuple[str, ...]
    """The deciding header/body lines, quoted."""
    confidence: Confidence
    findings: tuple[Finding, ...] = ()
    authorizer_effect: str | None = None
    iis: IisStatus | None = None
    missing_evidence: str = ""
    note: str = ""
    """Said on the hops the response cannot speak for (e.g. why the gateway hops are unknown)."""


_ORDER = (Confidence.CERTAIN, Confidence.LIKELY, Confidence.POSSIBLE)


def weakest(*levels: Confidence) -> Confidence:
    """The least sure of several confidences."""
    return max(levels, key=_ORDER.index)


@dataclass(frozen=True, slots=True)
class Body:
    """The API Gateway-style JSON body, if it is one: ``{"message": ...}`` with the key in any case."""

    is_json: bool
    has_message: bool
    message: str | None
    """The message normalised for matching: whitespace collapsed, case folded."""
    raw_message: str | None
    """The message as sent, whitespace collapsed."""


def read_body(text: str) -> Body:
    """The message of a JSON body; tolerant of whitespace and of ``message`` vs ``Message`` (§1.7)."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return Body(False, False, None, None)
    try:
        data: Any = json.loads(stripped)
    except ValueError:
        return Body(False, False, None, None)
    if not isinstance(data, dict):
        return Body(True, False, None, None)
    key = next((k for k in data if isinstance(k, str) and k.casefold() == "message"), None)
    if key is None:
        return Body(True, False, None, None)
    value = data[key]
    if not isinstance(value, str):
        return Body(True, True, None, None if value is None else str(value))
    raw = " ".join(value.split())
    return Body(True, True, raw.casefold(), raw)


_MAX_QUOTE = 320  # long enough for a resource-policy ARN message to keep its last words


def clean(text: str) -> str:
    """Network text made safe to show as one plain line: controls dropped, whitespace collapsed, capped."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    line = " ".join(printable.split())
    return line if len(line) <= _MAX_QUOTE else line[: _MAX_QUOTE - 1] + "…"


def quote_header(response: ResponseSnapshot, name: str) -> str | None:
    """``Name: value`` for a header that is present, with the name as the response spelled it."""
    lowered = name.lower()
    for key, value in response.headers:
        if key.lower() == lowered:
            return clean(f"{key}: {value}")
    return None


def quote_body(response: ResponseSnapshot) -> str:
    """``body: …``: JSON and text as sent, HTML as its text (markup is data, never shown as markup); capped."""
    text = response.body.strip()
    if not text:
        return "body: (empty)"
    if text.startswith("<"):
        return "body: " + clean(" / ".join(page_lines(text)))
    return "body: " + clean(text)


def header_values(response: ResponseSnapshot, name: str) -> list[str]:
    """Every value of a header (case-insensitive name), in order."""
    lowered = name.lower()
    return [value for key, value in response.headers if key.lower() == lowered]


_REQUEST_ID_HEADERS = ("x-amzn-RequestId", "apigw-requestid", "x-amz-apigw-id")


def request_id(response: ResponseSnapshot) -> str | None:
    """API Gateway's request id for this response (§1.10), if it carries one."""
    for name in _REQUEST_ID_HEADERS:
        value = response.header(name)
        if value and value.strip():
            return clean(value.strip())
    return None


def via_gateway(response: ResponseSnapshot) -> bool:
    """True when API Gateway handled the response: a request id or a remapped backend header (§1.10, §1.11)."""
    return request_id(response) is not None or any(
        key.lower().startswith("x-amzn-remapped-") for key, _ in response.headers
    )


def for_request(response: ResponseSnapshot) -> str:
    """``request id X`` for missing-evidence text, or ``this request`` when the response has none."""
    rid = request_id(response)
    return f"request id {rid}" if rid else "this request (match it by time: the response carries no request id)"
