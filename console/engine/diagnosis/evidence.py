"""Everything the probes gathered for one trace, handed to the rules in one piece."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.engine.probes.iis import IisView, SpoofResult
from console.engine.target import Target
from console.model.token import TokenReport
from console.model.trace import HopObservation, ResponseSnapshot


@dataclass
class Evidence:
    """What is known about one trace; any part may be missing (a real gateway gives only the response)."""

    target: Target
    correlation_id: str
    sent_headers: dict[str, str] = field(default_factory=dict)
    """What the client sent (names as sent; credential values redacted)."""
    direct_to_iis: bool = False
    token: TokenReport | None = None
    token_source: str | None = None
    response: ResponseSnapshot | None = None
    record: dict[str, Any] | None = None
    """Sandbox ground truth for this request, when the target is the sandbox."""
    iis_view: IisView | None = None
    iis_view_source: str = ""
    log_line: str | None = None
    log_note: str = ""
    spoof: SpoofResult | None = None
    observations: list[HopObservation] = field(default_factory=list)

    def expected_subject(self) -> str | None:
        """The subject the token carries (what IIS should end up with), when the token could be read."""
        if self.token is None:
            return None
        sub = self.token.token.claims.get("sub")
        return str(sub) if sub is not None else None

    def expected_values(self) -> dict[str, str | None]:
        """For each propagation header, the value it must carry: the named claim of the client's token."""
        claims = self.token.token.claims if self.token is not None else {}
        out: dict[str, str | None] = {}
        for header, claim in self.target.propagation:
            value = claims.get(claim)
            out[header] = None if value is None else str(value)
        return out
