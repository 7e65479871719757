"""Rules at the IIS end: http.sys refusals, Windows-auth challenges, who IIS resolved, and spoofable headers."""

from __future__ import annotations

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.propagation import lookup
from console.engine.diagnosis.response_iis import challenges
from console.engine.probes.iis import IisView
from console.model.findings import Finding
from console.model.trace import Confidence, HopName

_WINDOWS_SCHEMES = {"negotiate", "ntlm", "kerberos"}


def iis_findings(ev: Evidence, view: IisView | None, underscores: tuple[tuple[str, str], ...],
                 confidence: Confidence) -> list[Finding]:
    """Findings about IIS itself, given what it received (``view``) and how the headers arrived."""
    record_iis = (ev.record or {}).get("iis") or {}
    found: list[Finding] = []
    status = record_iis.get("status") if ev.record else (ev.response.status if ev.response else None)
    server = (ev.response.header("x-amzn-remapped-server") or ev.response.header("server")) if ev.response else None
    if ev.record and not record_iis.get("received") and status == 400:
        found.append(hop_finding("iis.request_header_too_large", (
            f"http.sys answered 400 ({server or 'Microsoft-HTTPAPI/2.0'}) before IIS ran: the request's headers "
            "exceed MaxFieldLength/MaxRequestBytes; the site log has no line for it"),
            hop=HopName.IIS, confidence=confidence, evidence=(f"Server: {server}",) if server else ()))
        return found
    lines, offered = challenges(ev.response) if ev.response is not None else ([], ())
    schemes = [s for s in offered if s.lower() in _WINDOWS_SCHEMES]
    if status == 401 and schemes:
        sub = record_iis.get("substatus")
        found.append(hop_finding("iis.windows_auth_challenge", (
            f"IIS answered 401{'.' + str(sub) if sub else ''} and asked for {' / '.join(schemes)}: Windows "
            "authentication is on, so the gateway-asserted identity is ignored"),
            hop=HopName.IIS, confidence=confidence, evidence=tuple(lines)))
        return found
    if view is None:
        return found
    found += _resolved_user(ev, view, underscores, confidence)
    return found


def _resolved_user(ev: Evidence, view: IisView, underscores: tuple[tuple[str, str], ...],
                   confidence: Confidence) -> list[Finding]:
    expected = ev.expected_subject()
    subject_header = ev.target.subject_header
    if ev.direct_to_iis:
        carried = lookup(ev.sent_headers, subject_header) if subject_header else None
        if view.user and carried is not None and view.user == carried:
            return [hop_finding("iis.spoofable_identity_header", (
                f"the request went straight to IIS, bypassing the gateway, and IIS accepted the caller's own "
                f"{subject_header}: {carried} as the user"),
                hop=HopName.IIS, confidence=confidence,
                evidence=(f"sent {subject_header}: {carried}", f"IIS user: {view.user}"))]
    if view.user:
        return []
    for header, alias in underscores:
        variable = "HTTP_" + header.upper().replace("-", "_")
        return [hop_finding("iis.header_name_underscore", (
            f"IIS received the identity as {alias} (server variable {variable}), but the module that reads "
            f"{header} found nothing, so IIS resolved no user"),
            hop=HopName.IIS, confidence=confidence, evidence=(f"IIS headers: {alias}", "IIS user: (none)"))]
    if subject_header and lookup(view.headers, subject_header) and expected:
        return [hop_finding("iis.identity_lost", (
            f"IIS received {subject_header} but resolved no user (auth type {view.auth_type or 'anonymous'})"),
            hop=HopName.IIS, confidence=confidence)]
    return []


def spoof_findings(ev: Evidence) -> list[Finding]:
    """The active direct-to-IIS check: a forged identity header accepted from a non-gateway caller."""
    if ev.spoof is None or not ev.spoof.accepted:
        return []
    return [hop_finding("iis.spoofable_identity_header", ev.spoof.detail, hop=HopName.IIS,
                        confidence=Confidence.CERTAIN, evidence=(f"GET {ev.spoof.url}", f"{ev.spoof.header}: "
                                                                 f"{ev.spoof.forged}"))]
