"""Reads responses IIS or http.sys produced: Server headers (direct or remapped), challenges, error pages."""

from __future__ import annotations

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.response_signal import (
    AT_IIS,
    ECHO,
    PASSED_GATEWAY,
    HopLayout,
    Signal,
    clean,
    header_values,
    quote_header,
    via_gateway,
    weakest,
)
from console.engine.iis import IisPage, meaning, read_error_page
from console.model.trace import Confidence, HopName, HopStatus, IisStatus, ResponseSnapshot

__all__ = ["read_iis"]

_CERTAIN, _LIKELY, _POSSIBLE = Confidence.CERTAIN, Confidence.LIKELY, Confidence.POSSIBLE
_WINDOWS = {"negotiate", "ntlm"}
_LOG = (
    "the IIS W3C log line for this request (sc-status sc-substatus sc-win32-status, e.g. '401 2 5'; "
    "[iis] log_path with a correlation-id field): {why}"
)
_HTTPERR = r"the HTTPERR log on the IIS host (%SystemRoot%\System32\LogFiles\HTTPERR) names the reason"


def _server(response: ResponseSnapshot) -> tuple[str | None, str | None]:
    """(quoted line, value) of the backend's Server header: REST remaps it (§1.11), HTTP API and direct keep it."""
    for name in ("x-amzn-Remapped-Server", "Server"):
        values = [v for v in header_values(response, name) if v.strip()]
        # Two Server headers (a front server's and IIS's): the one naming Microsoft says who wrote the answer.
        value = next((v for v in values if v.strip().lower().startswith("microsoft-")), values[0] if values else None)
        if value:
            return clean(f"{name}: {value}"), clean(value)
    return None, None


def challenges(response: ResponseSnapshot) -> tuple[list[str], tuple[str, ...]]:
    """Quoted WWW-Authenticate lines and their schemes (Negotiate, NTLM, Basic …), remapped or direct (§4.3)."""
    lines: list[str] = []
    schemes: list[str] = []
    for name in ("x-amzn-Remapped-WWW-Authenticate", "WWW-Authenticate"):
        for value in header_values(response, name):
            for part in value.split(","):
                word = part.strip().split(" ", 1)[0]
                # Auth parameters (realm="x", charset=…) are not schemes; Bearer belongs to the JWT authorizer.
                if word and "=" not in word and word.lower() != "bearer" and word not in schemes:
                    schemes.append(word)
                    lines.append(clean(f"{name}: {value}"))
    return list(dict.fromkeys(lines)), tuple(schemes)


def httpsys_reason(response: ResponseSnapshot | None) -> str | None:
    """``hostname`` or ``too_long`` when an http.sys 400 page names its reason (§4.2, N19); None otherwise."""
    page = read_error_page(response.body) if response is not None and response.status == 400 else None
    return _reason(page)


def _page_evidence(page: IisPage | None) -> list[str]:
    if page is None:
        return []
    lines = [f"body: {page.line}"]
    if page.kind == "httpsys" and page.status is not None:
        lines.append(f"body: HTTP Error {page.status}. {page.description}")
    return lines


def _reason(page: IisPage | None) -> str | None:
    if page is None:
        return None
    text = f"{page.line} {page.description}".lower()
    if "hostname" in text:
        return "hostname"
    return "too_long" if "too long" in text else None


def _choose(
    status: int, sub: int | None, page: IisPage | None, httpsys: bool, windows: bool, schemes: tuple[str, ...]
) -> tuple[str, str, Confidence, str]:
    """(finding code, detail, confidence cap, missing evidence) for an IIS/http.sys refusal (§4.1–4.4, F27–F31)."""
    code_text = f"{status}.{sub}" if sub is not None else str(status)
    hidden = (
        ""
        if sub is not None
        else _LOG.format(why="the response does not show the substatus (custom error pages hide it)")
    )
    if httpsys:
        said = f"{page.line}: {page.description}" if page else f"status {status}"
        reason = _reason(page) if status == 400 else None
        if reason == "too_long":
            return (
                "iis.request_header_too_large",
                f"http.sys refused the request before IIS ran ({said}); the site's W3C log has no line for it.",
                _CERTAIN,
                "",
            )
        if reason == "hostname":
            return (
                "iis.invalid_hostname",
                f"http.sys refused the request before IIS ran ({said}): no site "
                "binding matches the Host header, which API Gateway sets to the integration URL's host.",
                _CERTAIN,
                "",
            )
        if status == 400:
            return (
                "iis.request_header_too_large",
                "http.sys answered 400 before IIS ran; behind API Gateway "
                "that is most often the headers it forwards being too large.",
                _POSSIBLE,
                _HTTPERR,
            )
        return "iis.http_error", f"http.sys answered {status} before IIS ran ({said}).", _LIKELY, _HTTPERR
    if status == 401 and windows:
        return (
            "iis.windows_auth_challenge",
            f"IIS answered {code_text} and offered {', '.join(schemes)}: it wants "
            "Windows authentication and ignores the identity the gateway asserted.",
            _CERTAIN,
            hidden,
        )
    what = meaning(status, sub)
    if status == 401 and sub == 1:
        return "iis.logon_failed", f"IIS 401.1: {what}.", _CERTAIN, ""
    if status == 401 and sub == 2:
        return "iis.no_auth_method", f"IIS 401.2: {what}.", _CERTAIN, ""
    if status == 401 and sub is not None and (sub == 3 or sub > 500):
        return "iis.access_denied", f"IIS {code_text}: {what}.", _CERTAIN, ""
    if status == 403 and sub not in {14, 18, 19}:
        return "iis.access_denied", f"IIS {code_text}: {what}.", _CERTAIN if sub is not None else _LIKELY, hidden
    if status == 401:
        hidden = _LOG.format(
            why="it tells 401.1 (logon failed), 401.2 (no accepted method) and 401.3 (ACL) "
            "apart; an app-level 401 can also mean the identity header never arrived"
        )
        return "iis.error", f"IIS answered {code_text}: {what}.", _LIKELY, hidden
    # Not an authentication answer (404, 5xx …): the request failed at IIS; who IIS resolved is not shown.
    return (
        "iis.http_error",
        f"IIS answered {code_text}: {what}. The response does not show which user IIS "
        "resolved, so whether the identity arrived is not known.",
        _CERTAIN if sub is not None else _LIKELY,
        hidden,
    )


def read_iis(response: ResponseSnapshot) -> Signal | None:
    """IIS's (or http.sys's) answer in ``response``, or None when nothing in it points at IIS."""
    server_line, server = _server(response)
    challenge_lines, schemes = challenges(response)
    page = read_error_page(response.body) if response.status >= 400 else None
    powered = (
        quote_header(response, "X-Powered-By") if "asp.net" in (response.header("X-Powered-By") or "").lower() else None
    )
    lowered = (server or "").lower()
    iis_server, httpsys = lowered.startswith("microsoft-iis"), lowered.startswith("microsoft-httpapi")
    httpsys = httpsys or (page is not None and page.kind == "httpsys")
    windows = any(s.lower() in _WINDOWS for s in schemes)
    if not (iis_server or httpsys or windows or page or powered):
        return None
    evidence = tuple(line for line in (server_line, *challenge_lines, *_page_evidence(page), powered) if line)
    # A Server header naming IIS/http.sys is the response saying who wrote it; anything else is inference.
    sure = _CERTAIN if (iis_server or (httpsys and server)) else _LIKELY
    status = page.status if page and page.status else response.status
    sub = page.substatus if page else None
    remapped = tuple((k, v) for k, v in response.headers if k.lower().startswith("x-amzn-remapped-"))
    iis = IisStatus(
        status=status,
        substatus=sub,
        win32_status=page.win32_status if page else None,
        meaning=(f"http.sys: {page.description}" if httpsys and page else meaning(status, sub)),
        server=server,
        challenge=schemes,
        remapped_headers=remapped,
        user=page.logon_user if page else None,
        auth_type=page.logon_method if page else None,
    )
    gateway = via_gateway(response)
    note = (
        ""
        if gateway
        else "no API Gateway request id or remapped header: this response did not come through the gateway"
    )
    if response.status < 400:
        layout: HopLayout = PASSED_GATEWAY if gateway else ()
        finding = hop_finding(
            "trace.identity_unconfirmed",
            f"IIS answered {response.status}; the response does not show which identity IIS saw.",
            hop=HopName.IIS,
            confidence=_LIKELY,
            evidence=evidence,
        )
        return Signal(HopName.IIS, layout, evidence, sure, (finding,), iis=iis, missing_evidence=ECHO, note=note)
    code, detail, cap, missing = _choose(status, sub, page, httpsys, windows, schemes)
    confidence = weakest(cap, sure)
    finding = hop_finding(code, detail, hop=HopName.IIS, confidence=confidence, evidence=evidence)
    layout = AT_IIS if gateway else ((HopName.IIS, HopStatus.BROKEN),)
    return Signal(HopName.IIS, layout, evidence, confidence, (finding,), iis=iis, missing_evidence=missing, note=note)
