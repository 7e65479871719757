"""What IIS's own view (echo, W3C log line) may say about this request, and the hop observations it gives."""

from __future__ import annotations

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.echo_checks import CACHE_FIX, ROUTE_FIX, STALE_FIX, cached, other_route
from console.engine.diagnosis.echo_consistency import contradictions
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_rules import domain_ignored, same_user
from console.engine.diagnosis.propagation import lookup
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.engine.probes.iis import IisView
from console.model.findings import Finding
from console.model.trace import Confidence, HopName, HopObservation, HopStatus, Identity


def vet_echo(view: IisView, ev: Evidence) -> tuple[IisView | None, list[Finding]]:
    """The echo if it can speak for this request (else None), and what makes it doubtful or ambiguous."""
    header = ev.target.correlation_header
    got = lookup(view.headers, header)
    ours = bool(got and got.strip() and _ours(got, ev))
    if got is not None and got.strip() and not ours:
        detail = (
            f"the echo carried {header}: {got}, but this request sent {ev.correlation_id}: it is another request's "
            "answer (a cached, replayed or shared response?), so it cannot show who IIS resolved for this one"
        )
        evidence = (f"echo {header}: {got}", f"sent {header}: {ev.correlation_id}")
        return None, [_unconfirmed(detail, evidence, STALE_FIX)]
    stored = cached(ev, ours)
    if stored is not None:
        detail = (
            f"the echo came from a cache ({stored}): it is an earlier request's answer, so it cannot show who IIS "
            "resolved for this one"
        )
        return None, [_unconfirmed(detail, (f"response {stored}",), CACHE_FIX)]
    route = other_route(view, ev)
    if route is not None:
        detail = f"the echo says it answered {route}: it is not this request's answer, so it shows nothing about it"
        return None, [_unconfirmed(detail, (f"echo {route}",), ROUTE_FIX)]
    user_problem = next((m for m in view.malformed if m.startswith("the user ")), None)
    if user_problem is not None:
        detail = f"the echo's output is malformed: {user_problem}; it does not show who IIS resolved"
        fix = "Make the echo report the user IIS resolved as one string (null when anonymous), as its shape says."
        return None, [_unconfirmed(detail, (f"echo: {user_problem}",), fix)]
    found: list[Finding] = []
    identity_headers = {h.casefold() for h, _c in ev.target.propagation}
    for name, values in view.duplicates:
        if len(set(values)) < 2:
            continue
        listed = ", ".join(f'"{v}"' for v in values)
        if name.casefold() == "user":
            found.append(
                hop_finding(
                    "iis.identity_ambiguous",
                    f"the echo names the user {len(values)} times ({listed}): who IIS resolved is ambiguous",
                    hop=HopName.IIS,
                    evidence=tuple(f"echo user: {v}" for v in values),
                )
            )
        elif name.casefold() in identity_headers:
            found.append(
                hop_finding(
                    "integration.identity_header_duplicated",
                    (
                        f"IIS received {len(values)} copies of {name} ({listed}); header names are case-insensitive, "
                        "so which copy IIS or the application reads decides who the caller is"
                    ),
                    hop=HopName.INTEGRATION,
                    evidence=tuple(f"IIS header {name}: {v}" for v in values),
                )
            )
    return view, found + contradictions(view, ev)


def _ours(value: str, ev: Evidence) -> bool:
    """The echo's correlation id is this request's: compared exactly (a value is data, never a marker)."""
    sent = lookup(ev.sent_headers, ev.target.correlation_header)
    own = {ev.correlation_id, *((sent,) if sent and "redacted" not in sent else ())}
    # API Gateway joins repeated headers with commas: this request's id among them still names this request.
    return any(part.strip() in own for part in value.split(","))


def _unconfirmed(detail: str, evidence: tuple[str, ...], fix: str = "") -> Finding:
    return hop_finding(UNCONFIRMED, detail, hop=HopName.IIS, confidence=Confidence.CERTAIN, evidence=evidence, fix=fix)


def caller_unknown(ev: Evidence, view: IisView) -> list[Finding]:
    """An identity was sent but its value cannot be read (an opaque token): IIS's user cannot be compared with it."""
    if ev.expected_caller() is not None or ev.sent_no_identity():
        return []
    claim = ev.identity_claim()
    why = "the token's claims cannot be read" if ev.token is not None else "the caller sent no readable token"
    fix = (
        f"Baton compares the user IIS resolved with the caller's {claim} claim, read from its token: trace with a "
        f"JWT that carries {claim} (the profile's [identity] token, or --header 'Authorization: Bearer <JWT>'), "
        "or check by hand that the user IIS resolved is the caller."
    )
    if ev.target.signer is not None:  # auth = iam: the caller is the signing principal, and there is no token
        fix = (
            "With SigV4 the caller is the signing principal: `baton aws whoami --profile P` names it (its ARN); "
            "compare it with the user IIS resolved (and map context.identity.userArn to the header). Do not add an "
            "Authorization header: it would replace the signature."
        )
    if view.user:
        detail = f'IIS resolved "{view.user}", but {why}, so Baton cannot tell whether that is the caller ({claim})'
        return [_unconfirmed(detail, (f"IIS user: {view.user}",), fix)]
    if not ev.target.propagation:
        return []
    detail = f"IIS resolved no user, and {why}, so Baton cannot tell whether the caller's identity ({claim}) was lost"
    return [_unconfirmed(detail, ("IIS user: (anonymous)",), fix)]


def disagreement(echo: IisView, log: IisView, log_source: str) -> list[Finding]:
    """The echo and the IIS log line for the same correlation id name different users or identity headers."""
    said: list[str] = []
    if not (echo.user and (same_user(echo.user, log.user or "") or same_user(log.user or "", echo.user))):
        said.append(
            f'the IIS echo says IIS resolved "{echo.user or "nobody"}", the {log_source} line says "{log.user}"'
        )
    for name, value in log.headers.items():
        echoed = lookup(echo.headers, name)
        if echoed is not None and echoed != value:
            said.append(f"the IIS echo shows {name}: {echoed}, the {log_source} line {name}: {value}")
    if not said:
        return []
    detail = "; ".join(said) + ": two records of IIS for this request disagree, so who IIS resolved is not known"
    fix = (
        "Find which record is not this request's: the echo may be another site's or application's (or a stored "
        "answer), the log another site's; Baton confirms the identity only when IIS's records agree."
    )
    evidence = (f"echo user: {echo.user or '(none)'}", f"{log_source}: cs-username {log.user}")
    return [hop_finding("iis.identity_ambiguous", detail, hop=HopName.IIS, evidence=evidence, fix=fix)]


def view_observations(
    view: IisView, ev: Evidence, source: str, *, confidence: Confidence, status: int | None, headers_seen: bool
) -> list[HopObservation]:
    """The IIS hop as the view shows it (who IIS resolved) and, when it lists IIS's headers, the integration hop."""
    headers = tuple(view.headers.items())
    lines = [f"{source}: user {view.user or '(none)'}"]
    caller = ev.expected_caller()
    note = domain_ignored(view.user, caller.value) if view.user and caller is not None else None
    if note:
        lines.append(note)
    iis = HopObservation(
        HopName.IIS,
        "iis-echo",
        HopStatus.WARNING if status is not None and status >= 400 else HopStatus.OK,
        Identity(view.user, headers, f"IIS, {view.auth_type or 'anonymous'} auth"),
        tuple(lines),
        confidence=confidence,
    )
    if not headers_seen:
        return [iis]
    # The identity header at this hop: the one carrying sub, else the first the profile maps (email, upn …).
    subject_header = ev.target.subject_header or (ev.target.propagation[0][0] if ev.target.propagation else None)
    carried = lookup(view.headers, subject_header) if subject_header else None
    state, said = _integration(ev, carried, subject_header, source)
    integration = HopObservation(
        HopName.INTEGRATION,
        "iis-echo",
        state,
        Identity(carried, headers, f"{subject_header} header" if carried else "headers IIS received"),
        said,
        confidence=Confidence.LIKELY,
    )
    return [integration, iis]


def _integration(
    ev: Evidence, carried: str | None, header: str | None, source: str
) -> tuple[HopStatus, tuple[str, ...]]:
    """ok only when the identity header IIS got is the caller's (or none was sent and none arrived)."""
    seen = f"{source}: headers as IIS received them"
    if header is None or carried is None:
        return HopStatus.OK, (seen,)
    if ev.sent_no_identity():
        return HopStatus.WARNING, (
            f"{source}: {header}: {carried} — an identity the caller never sent (no token): it came from the "
            "integration, a proxy or a default, not from the caller",
        )
    if ev.expected_values().get(header) is None:
        return HopStatus.WARNING, (
            f"{source}: {header}: {carried} — the caller's value cannot be read from the token to compare it",
        )
    return HopStatus.OK, (seen,)


def domain_note(ev: Evidence, view: IisView | None) -> str:
    """The note for the verdict when IIS's user matched the caller only once its DOMAIN\\ prefix was dropped."""
    caller = ev.expected_caller()
    if view is None or not view.user or caller is None:
        return ""
    return domain_ignored(view.user, caller.value) or ""
