"""The client's token must carry every claim the profile propagates: a claim it lacks breaks at the client."""

from __future__ import annotations

from dataclasses import replace

from console.engine.diagnosis.advice import claim_missing_fix
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.model.findings import Finding, Severity
from console.model.token import TokenKind
from console.model.trace import Confidence, HopName


def claims_missing(ev: Evidence, *, refused_before: bool) -> tuple[list[Finding], frozenset[str]]:
    """token.claim_missing at the client for each propagated claim a readable token lacks, and those headers.

    No mapping can send a claim the token does not have, so the integration is not to blame for its absence.
    ``refused_before``: the gateway or authorizer refused the request, which is the break; the claim is a warning."""
    if ev.token is None or ev.token.token.kind is not TokenKind.JWS:
        return [], frozenset()  # an opaque or encrypted token's claims cannot be read: nothing to say
    claims = ev.token.token.claims
    found: list[Finding] = []
    headers: set[str] = set()
    for header, claim in ev.target.propagation:
        if claims.get(claim) not in (None, ""):
            continue
        headers.add(header)
        has = ", ".join(sorted(str(c) for c in claims)) or "none"
        empty = claims.get(claim) == ""
        detail = (
            f"the token's {claim} claim is an empty string, but the profile sends it to IIS as {header}: the "
            f"mapping can only send it empty"
            if empty
            else f"the token has no {claim} claim, but the profile sends it to IIS as {header}: no integration "
            "mapping can send a claim the token lacks"
        )
        fix = (
            f"Give the user a value for {claim} at the identity provider (the attribute is set but empty), or map "
            "a claim that is filled for every caller."
            if empty
            else claim_missing_fix(ev.target, header, claim)
        )
        found.append(
            hop_finding(
                "token.claim_missing",
                detail,
                hop=HopName.CLIENT,
                confidence=Confidence.CERTAIN,
                evidence=(f"token claims: {has}", *((f'{claim}: ""',) if empty else ())),
                fix=fix,
            )
        )
        if refused_before:
            found[-1] = replace(found[-1], severity=Severity.WARNING)
    return found, frozenset(headers)
