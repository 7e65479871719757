"""Did the identity headers reach the backend as the profile says: present, non-empty, not appended, not altered?"""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.diagnosis.advice import header_empty_fix, header_missing_fix
from console.engine.diagnosis.catalogue import hop_finding
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
