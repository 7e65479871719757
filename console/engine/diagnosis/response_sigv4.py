"""What API Gateway's SigV4 refusals mean for this caller, and the fix (shared/domain/gateway-iis-identity.md §3, F05).

API Gateway answers a signature older than five minutes by its clock with ``Signature expired: <X-Amz-Date> is now
earlier than <server - 5 min> (<server> - 5 min.)``, and any other mismatch of the canonical request with ``The
request signature we calculated does not match…`` (InvalidSignatureException). The first carries both clocks, so
the skew is named in minutes; the second cannot tell which part differed, so the fix lists each that can.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["sigv4_words"]

_EXPIRED = re.compile(
    r"signature expired: (\d{8}T\d{6}Z) is now earlier than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) - 5 min\.?\)",
    re.IGNORECASE,
)

CLOCK_FIX = (
    "Sync this machine's clock (enable NTP time sync) and trace again: SigV4 allows 5 minutes between the "
    "X-Amz-Date the request was signed with and API Gateway's clock. A signed request replayed later (a saved "
    "curl command) expires the same way: sign it anew."
)
MISMATCH_FIX = (
    "Sign for the API's own region ([aws] region, as in the host name <api-id>.execute-api.<region>.amazonaws.com) and "
    "service execute-api, with the secret key that belongs to the access key. A proxy or load balancer between "
    "Baton and API Gateway that rewrites the Host header or the path changes the canonical request, and the "
    "signature no longer matches: sign the host and path API Gateway receives."
)
CREDENTIALS_FIX = (
    "Refresh the [aws] profile's credentials (aws sso login, or new AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / "
    "AWS_SESSION_TOKEN): a temporary session token expires, and a deleted or deactivated access key is refused."
)


def _when(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def skew_minutes(message: str | None) -> float | None:
    """Minutes between the request's X-Amz-Date and API Gateway's clock, read from a ``Signature expired`` message
    (positive: this machine's clock is behind, or the request waited that long before it was sent)."""
    match = _EXPIRED.search(message or "")
    if match is None:
        return None
    try:
        signed, server = _when(match.group(1)), _when(match.group(2))
    except ValueError:
        return None
    return (server - signed).total_seconds() / 60


def sigv4_words(kind: str, raw_message: str | None) -> tuple[str, str] | None:
    """(words added to the detail, the fix) for a SigV4 refusal kind; None for any other kind."""
    if kind == "sig_expired":
        minutes = skew_minutes(raw_message)
        if minutes is None:
            return "", CLOCK_FIX
        said = (
            f" The request was signed {minutes:.0f} minutes before API Gateway's clock: this machine's clock is "
            "behind by about that much (or the signed request was held that long before it went out)."
        )
        return said, CLOCK_FIX
    if kind == "sig_invalid":
        return "", MISMATCH_FIX
    if kind in ("token_invalid", "token_expired"):
        return "", CREDENTIALS_FIX
    return None
