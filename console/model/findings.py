"""A finding: one named, explained observation with a fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.model.enums import Confidence, HopName

# Re-exported: it lives in console.model.enums, which the console's first screen imports without this module.
from console.model.enums import Severity as Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation with a stable code, e.g. ``token.expired``."""

    code: str
    severity: Severity
    title: str
    detail: str
    fix: str
    hop: HopName | None = None
    """The hop the finding belongs to (``client``, ``authorizer``, …), when known."""
    confidence: Confidence | None = None
    """``certain`` (observed), ``likely`` (inferred from strong evidence) or ``possible``."""
    evidence: tuple[str, ...] = field(default=())

    @property
    def refuses(self) -> bool:
        """True when this finding alone means the request would be refused."""
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a token finding."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "title": self.title,
            "detail": self.detail,
            "fix": self.fix,
        }
