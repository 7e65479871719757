"""Did the identity headers reach the backend as the profile says: present, non-empty, not appended, not altered?"""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.diagnosis.advice import header_empty_fix, header_missing_fix, underscore_fix
from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.verdict import UNCONFIRMED
from console.engine.target import Target
from console.model.findings import Finding
from console.model.trace import Confidence, HopName


@dataclass(frozen=True, slots=True)
class PropagationCheck:
    """The outcome of comparing received headers with the profile's propagation rules."""

    findings: tuple[Finding, ...]
    underscore_names: tuple[tuple[str, str], ...]
    """(expected header, underscore name it arrived under) — IIS's problem, not the integration's."""
    evidence: tuple[str, ...]


def lookup(headers: dict[str, str], name: str) -> str | None:
    """A header value by name, case-insensitively (HTTP header names are)."""
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def check_propagation(
    received: dict[str, str],
    expected: dict[str, str | None],
    *,
    sent_by_client: dict[str, str],
    correlation_header: str,
    correlation_id: str,
    where: str,
    confidence: Confidence,
    target: Target | None = None,
) -> PropagationCheck:
    """Compare ``received`` (what the integration sent / IIS got) with the identity the token carries."""
    findings: list[Finding] = []
    underscores: list[tuple[str, str]] = []
    evidence: list[str] = []
    hop = HopName.INTEGRATION
    claims = dict(target.propagation) if target is not None else {}
    for header, want in expected.items():
        claim = claims.get(header, "sub")
        got = lookup(received, header)
        if got is None:
            alias = next((k for k in received if k.lower() == header.lower().replace("-", "_")), None)
            if alias is not None:
                underscores.append((header, alias))
                evidence.append(f"{where}: {alias}: {received[alias]} (underscore name; {header} absent)")
                continue
            findings.append(
                hop_finding(
                    "integration.claim_header_missing",
                    f"{where} has no {header} header; it should carry the token's claim "
                    f"({want if want is not None else 'the claim is absent from the token too'})",
                    hop=hop,
                    confidence=confidence,
                    evidence=(f"{where}: no {header}",),
                    fix=header_missing_fix(target, header, claim) if target is not None else "",
                )
            )
            continue
        evidence.append(f"{where}: {header}: {got}")
        if not got.strip():
            findings.append(
                hop_finding(
                    "integration.claim_header_empty",
                    f"{where} has {header} with an empty value",
                    hop=hop,
                    confidence=confidence,
                    evidence=(f"{where}: {header}:",),
                    fix=header_empty_fix(target, header, claim) if target is not None else "",
                )
            )
            continue
        client_value = lookup(sent_by_client, header)
        parts = [p.strip() for p in got.split(",")]
        if client_value is not None and len(parts) > 1 and client_value.strip() in parts:
            findings.append(
                hop_finding(
                    "integration.identity_header_appended",
                    (
                        f'{where} has {header}: {got} — the client\'s own value "{client_value}" was joined with the '
                        f'mapped one; a backend reading the first value sees "{parts[0]}"'
                    ),
                    hop=hop,
                    confidence=confidence,
                    evidence=(f"client sent {header}: {client_value}", f"{where}: {header}: {got}"),
                )
            )
        elif want is not None and got != want:
            findings.append(
                hop_finding(
                    "integration.identity_altered",
                    f'{where} has {header}: "{got}"; the token\'s claim is "{want}"',
                    hop=hop,
                    confidence=confidence,
                    evidence=(f"{where}: {header}: {got}",),
                )
            )
            if client_value is not None and client_value.strip() == got.strip():
                findings.append(client_sent(header, client_value, where, confidence))
        elif client_value is not None and client_value.strip() == got.strip():
            # The value IIS got is the one the client sent: its arrival proves nothing about the mapping.
            findings += [client_sent(header, client_value, where, confidence), _void(header, client_value, where)]
    if lookup(received, correlation_header) is None:
        findings.append(
            hop_finding(
                "integration.correlation_id_missing",
                (
                    f"{where} has no {correlation_header} (the client sent {correlation_id}); "
                    "gateway and IIS logs cannot be joined for this request"
                ),
                hop=hop,
                confidence=confidence,
            )
        )
    return PropagationCheck(tuple(findings), tuple(underscores), tuple(evidence))


def client_sent(header: str, value: str, where: str, confidence: Confidence) -> Finding:
    """The test request itself carried a propagated header, and that value is what arrived."""
    return hop_finding(
        "client.identity_header_sent",
        (
            f"the test request itself sent {header}: {value}, and {where} has that same value: it may be the "
            "client's copy passed through, not the gateway's mapping"
        ),
        hop=HopName.INTEGRATION,
        confidence=confidence,
        evidence=(f"client sent {header}: {value}", f"{where}: {header}: {value}"),
        fix=SENT_FIX.format(header=header),
    )


SENT_FIX = (
    "Do not send {header}: the gateway must set it from the token. Trace again without it (or with a decoy value "
    "the gateway must overwrite) to see whether the integration maps it."
)


def _void(header: str, value: str, where: str) -> Finding:
    detail = (
        f"the client itself sent {header}: {value}, so its arrival ({where}) does not show that the integration "
        "maps it: a gateway with no mapping passes the client's header through unchanged"
    )
    return hop_finding(
        UNCONFIRMED,
        detail,
        hop=HopName.INTEGRATION,
        evidence=(f"client sent {header}: {value}",),
        fix=SENT_FIX.format(header=header),
    )


def underscored(underscores: tuple[tuple[str, str], ...], user: str | None, confidence: Confidence) -> list[Finding]:
    """The identity header arrived only under an underscore name: the name the profile says must arrive is missing,
    whether or not something at IIS still read the underscore copy (proxies drop it; it collides at HTTP_)."""
    for header, alias in underscores:
        variable = "HTTP_" + header.upper().replace("-", "_")
        outcome = (
            f"IIS resolved {user} from it anyway, but {header} itself never arrived: a proxy on the way drops such "
            f"names, and a client's {header} would collide with it"
            if user
            else f"the module that reads {header} found nothing, so IIS resolved no user"
        )
        return [
            hop_finding(
                "iis.header_name_underscore",
                f"IIS received the identity as {alias} (server variable {variable}), not as {header}: {outcome}",
                hop=HopName.IIS,
                confidence=confidence,
                evidence=(f"IIS headers: {alias}", f"IIS user: {user or '(none)'}"),
                fix=underscore_fix(header, alias),
            )
        ]
    return []
