"""Rules at the IIS end: http.sys refusals, Windows-auth challenges, who IIS resolved, and spoofable headers."""

from __future__ import annotations

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Caller, Evidence
from console.engine.diagnosis.propagation import lookup, underscored
from console.engine.diagnosis.response_iis import challenges, httpsys_reason
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.engine.iis import meaning
from console.engine.probes.iis import UNREACHABLE, IisView
from console.model.findings import Finding
from console.model.trace import Confidence, HopName

_WINDOWS_SCHEMES = {"negotiate", "ntlm", "kerberos"}


def iis_findings(
    ev: Evidence, view: IisView | None, underscores: tuple[tuple[str, str], ...], confidence: Confidence
) -> list[Finding]:
    """Findings about IIS itself, given what it received (``view``) and how the headers arrived."""
    truth = ev.record.iis if ev.record is not None else None
    found: list[Finding] = []
    status = (
        (truth.status if truth is not None else None) if ev.record else (ev.response.status if ev.response else None)
    )
    substatus = truth.substatus if truth is not None else None
    server = (ev.response.header("x-amzn-remapped-server") or ev.response.header("server")) if ev.response else None
    if truth is not None and not truth.received and status == 400:
        return [_httpsys_400(ev, server, confidence)]
    lines, offered = challenges(ev.response) if ev.response is not None else ([], ())
    schemes = [s for s in offered if s.lower() in _WINDOWS_SCHEMES]
    if status == 401 and schemes:
        found.append(
            hop_finding(
                "iis.windows_auth_challenge",
                (
                    f"IIS answered 401{'.' + str(substatus) if substatus else ''} and asked for {' / '.join(schemes)}: "
                    "Windows authentication is on, so the gateway-asserted identity is ignored"
                ),
                hop=HopName.IIS,
                confidence=confidence,
                evidence=tuple(lines),
            )
        )
        return found
    if view is None:
        return found
    found += _resolved_user(ev, view, underscores, confidence)
    if status is not None and 300 <= status < 400 and ev.record is None:
        found.append(_redirected(ev, status, confidence))
    if status is not None and status >= 400:
        found += _status(ev, view, status, substatus, identity_ok=not found, confidence=confidence)
    return found


def _redirected(ev: Evidence, status: int, confidence: Confidence) -> Finding:
    """A redirect is never this request's answer: the resource was not reached (a login page: identity refused)."""
    location = (ev.response.header("location") if ev.response else None) or "no Location"
    login = "login" in location.lower() or "signin" in location.lower() or "logon" in location.lower()
    detail = f"IIS answered {status} and redirected to {location[:200]}: the request did not reach the resource" + (
        ", and a redirect to a sign-in page means the application did not accept the identity it received"
        if login
        else ", so its answer does not show that this request was served for the caller"
    )
    return hop_finding(
        "iis.redirected", detail, hop=HopName.IIS, confidence=confidence, evidence=(f"Location: {location[:200]}",)
    )


def _httpsys_400(ev: Evidence, server: str | None, confidence: Confidence) -> Finding:
    """http.sys answered 400 before IIS ran: a Host it has no binding for, or headers over its limits."""
    evidence = (f"Server: {server}",) if server else ()
    if httpsys_reason(ev.response) == "hostname":
        return hop_finding(
            "iis.invalid_hostname",
            (
                "http.sys answered 400 Invalid Hostname before IIS ran: no site binding matches the Host header the "
                "gateway sent (it sends the integration URL's host); the site log has no line for it"
            ),
            hop=HopName.IIS,
            confidence=confidence,
            evidence=evidence,
        )
    return hop_finding(
        "iis.request_header_too_large",
        (
            f"http.sys answered 400 ({server or 'Microsoft-HTTPAPI/2.0'}) before IIS ran: the request's headers "
            "exceed MaxFieldLength/MaxRequestBytes; the site log has no line for it"
        ),
        hop=HopName.IIS,
        confidence=confidence,
        evidence=evidence,
    )


def same_user(resolved: str, caller: str) -> bool:
    """``resolved`` is ``caller`` exactly, or exactly once a Windows ``DOMAIN\\`` prefix is dropped (said so: see
    domain_ignored). Never case or Unicode folding: OIDC ``sub`` is case-sensitive, and a look-alike (the Kelvin
    sign, a long s, ß for ss) is another account."""
    return resolved == caller or resolved.rsplit("\\", 1)[-1] == caller


def case_only(resolved: str, caller: str) -> bool:
    """True when the two differ only in ASCII letter case (``ALICE`` for ``alice``), domain prefix dropped."""
    name = resolved.rsplit("\\", 1)[-1]
    return resolved != caller and name.isascii() and caller.isascii() and name.lower() == caller.lower()


def domain_ignored(resolved: str, caller: str) -> str | None:
    """The note when ``resolved`` (``CORP\\alice``) matches ``caller`` (``alice``) only without its domain."""
    if "\\" not in resolved or resolved == caller or not same_user(resolved, caller):
        return None
    domain = resolved.rsplit("\\", 1)[0]
    return (
        f"matched the caller {caller} ignoring the domain {domain}: Baton compares Windows account names without "
        "their DOMAIN\\ prefix, so check that this account is the IdP's user"
    )


def _resolved_user(
    ev: Evidence, view: IisView, underscores: tuple[tuple[str, str], ...], confidence: Confidence
) -> list[Finding]:
    """IIS is intact only when the user it resolved is the caller the profile says must arrive."""
    caller = ev.expected_caller()
    subject_header = ev.target.subject_header
    carried = lookup(ev.sent_headers, subject_header) if subject_header else None
    if ev.direct_to_iis and view.user and carried is not None and same_user(view.user, carried):
        return [
            hop_finding(
                "iis.spoofable_identity_header",
                (
                    f"the request went straight to IIS, bypassing the gateway, and IIS accepted the caller's own "
                    f"{subject_header}: {carried} as the user"
                ),
                hop=HopName.IIS,
                confidence=confidence,
                evidence=(f"sent {subject_header}: {carried}", f"IIS user: {view.user}"),
            )
        ]
    if view.user:
        return _wrong_user(ev, view.user, caller, carried, confidence) + underscored(underscores, view.user, confidence)
    if underscores:
        return underscored(underscores, None, confidence)
    if caller is None:
        return []  # no identity was sent (or it cannot be known): anonymous is what arrived
    received = lookup(view.headers, subject_header) if subject_header else None
    why = (
        f"IIS received {subject_header}: {received} but resolved no user (auth type {view.auth_type or 'anonymous'})"
        if received
        else f"IIS resolved no user: the caller's identity, {caller}, never reached it"
        + (f" (no {subject_header} header at IIS)" if subject_header else "")
    )
    return [
        hop_finding(
            "iis.identity_lost",
            why,
            hop=HopName.IIS,
            confidence=confidence,
            evidence=("IIS user: (anonymous)", f"caller: {caller}"),
        )
    ]


def _wrong_user(
    ev: Evidence, user: str, caller: Caller | None, carried: str | None, confidence: Confidence
) -> list[Finding]:
    evidence: tuple[str, ...] = (f"IIS user: {user}",)
    if caller is not None:
        if same_user(user, caller.value):
            return []
        points = "" if user.isascii() else f" (code points: {ascii(user)[1:-1]})"
        evidence = (*evidence, f"IIS user{points}") if points else evidence  # a look-alike prints like the caller
        if case_only(user, caller.value):
            detail = (
                f'IIS resolved "{user}", the caller is {caller}: they differ only in letter case. Windows account '
                "names ignore case but the token's claim does not, so whether this is the caller's account is "
                "not known"
            )
            fix = (
                f'Check that "{user}" is the account of the caller {caller.value} (the module that maps the header '
                "to a user may change case), or make it keep the claim's value as sent."
            )
            return [
                hop_finding(UNCONFIRMED, detail, hop=HopName.IIS, confidence=confidence, evidence=evidence, fix=fix)
            ]
        return [
            hop_finding(
                "iis.wrong_user",
                f'IIS resolved "{user}"{points}, but the caller is {caller}',
                hop=HopName.IIS,
                confidence=confidence,
                evidence=(*evidence, f"caller: {caller}"),
            )
        ]
    if not ev.sent_no_identity():
        return []  # an identity was sent, but its value is unknown here: nothing to compare
    source = (
        f"; the client itself sent {ev.target.subject_header}: {carried}"
        if carried
        else "; it came from IIS's own configuration or a proxy, not from the caller"
    )
    return [
        hop_finding(
            "iis.wrong_user",
            (
                f'IIS resolved "{user}", but the caller sent no identity'
                f" (the profile's auth is {ev.target.auth}, no "
                f"token){source}"
            ),
            hop=HopName.IIS,
            confidence=confidence,
            evidence=(*evidence, "caller: no token"),
        )
    ]


def _status(
    ev: Evidence, view: IisView, status: int, substatus: int | None, *, identity_ok: bool, confidence: Confidence
) -> list[Finding]:
    """An error status from IIS for a caller IIS resolved: a refusal of that caller, or a failed request."""
    code = f"{status}.{substatus}" if substatus is not None else str(status)
    what = meaning(status, substatus) or "an error"
    who = view.user or "anonymous"
    if status in (401, 403):
        return [
            hop_finding(
                "iis.access_denied",
                f"IIS resolved {who} and refused it: {code} ({what})",
                hop=HopName.IIS,
                confidence=confidence,
                evidence=(f"IIS answered {code}",),
            )
        ]
    if not identity_ok:
        return []  # the identity finding is the break; the status is in the hop's evidence
    return [
        hop_finding(
            "iis.request_failed",
            (
                f"identity intact: IIS resolved {who} (the caller), but answered {code} ({what}), "
                "so the request itself failed"
            ),
            hop=HopName.IIS,
            confidence=confidence,
            evidence=(f"IIS answered {code}",),
        )
    ]


def spoof_note(ev: Evidence) -> str | None:
    """The IIS hop's line for a spoof check that ran but found nothing: unreachable is not the same as safe."""
    if ev.spoof is None or ev.spoof.accepted:
        return None
    if ev.spoof.status is None:
        why = ev.spoof.detail.removeprefix(f"{UNREACHABLE} (").removesuffix(")")
        return f"spoof check could not reach IIS directly: {why} (so whether IIS is spoofable is unknown)"
    return (
        f"spoof check: IIS answered {ev.spoof.status} to a direct request with a forged {ev.spoof.header} and did "
        f"not take it as the user (resolved {ev.spoof.resolved_user or 'nobody'})"
    )


def spoof_findings(ev: Evidence) -> list[Finding]:
    """The active direct-to-IIS check: a forged identity header accepted from a non-gateway caller."""
    if ev.spoof is None or not ev.spoof.accepted:
        return []
    return [
        hop_finding(
            "iis.spoofable_identity_header",
            ev.spoof.detail,
            hop=HopName.IIS,
            confidence=Confidence.CERTAIN,
            evidence=(f"GET {ev.spoof.url}", f"{ev.spoof.header}: {ev.spoof.forged}"),
        )
    ]
