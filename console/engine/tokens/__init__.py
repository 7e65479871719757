"""The token engine: decode anything people paste, verify it, check its claims, name every problem.

report = inspect_token(text, keys=fetch_jwks(url), expect=Expectations(issuer=..., audiences=(...,)))
report.ok, report.signature.status, [f.code for f in report.findings]
"""

from __future__ import annotations

import time

from console.engine.tokens.catalogue import TOKEN_FINDINGS, finding
from console.engine.tokens.claims import check_claims
from console.engine.tokens.decode import MAX_TOKEN_BYTES, decode_token
from console.engine.tokens.jwks import fetch_jwks, jwks_from_file, jwks_from_json
from console.engine.tokens.keys import (
    KeySet,
    VerificationKey,
    hmac_key,
    key_from_pem,
    key_from_pem_file,
    merge,
)
from console.engine.tokens.signature import check_signature
from console.engine.tokens.structure import structure_findings
from console.model.expectations import Expectations
from console.model.token import DecodedToken, TokenKind, TokenReport
from console.timefmt import describe_times, span

__all__ = [
    "MAX_TOKEN_BYTES",
    "TOKEN_FINDINGS",
    "KeySet",
    "VerificationKey",
    "decode_token",
    "describe_times",
    "fetch_jwks",
    "hmac_key",
    "inspect_token",
    "jwks_from_file",
    "jwks_from_json",
    "key_from_pem",
    "key_from_pem_file",
    "merge",
]

CLOCK_SKEW_NOTICE = 5.0
"""Seconds of difference between server and local clocks worth telling the user about."""


def inspect_token(
    token: str | DecodedToken,
    *,
    keys: KeySet | None = None,
    expect: Expectations | None = None,
    now: float | None = None,
    server_date: float | None = None,
) -> TokenReport:
    """Decode (if needed), verify and check one token. Raises TokenDecodeError only for unreadable input.

    ``server_date`` is the verifier's clock when known (an HTTP ``Date``): the claims are then judged by
    the server's clock, as the server judges them, and the skew is reported.
    """
    decoded = token if isinstance(token, DecodedToken) else decode_token(token)
    local_now = time.time() if now is None else now
    judge_now = local_now if server_date is None else server_date
    skew = None if server_date is None else server_date - local_now
    findings = structure_findings(decoded)
    signature, signature_findings = check_signature(decoded, keys)
    if signature_findings:
        findings += signature_findings
    if decoded.kind is TokenKind.JWS:
        findings += check_claims(decoded.claims, expect, judge_now)
    if keys is not None and keys.findings:
        findings += keys.findings
    if skew is not None and abs(skew) >= CLOCK_SKEW_NOTICE:
        direction = "ahead of" if skew > 0 else "behind"
        findings.append(
            finding(
                "token.clock_skew",
                (
                    f"the server's clock is {span(skew)} {direction} this machine's; "
                    "claims were judged by the server's clock"
                ),
            )
        )
    return TokenReport(
        token=decoded,
        signature=signature,
        findings=tuple(findings),
        checked_at=judge_now,
        clock_skew=skew,
    )
