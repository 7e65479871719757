"""Plain, frozen domain objects shared by the engine, the CLI and the widgets. No I/O here.

Names are exported lazily (PEP 562): ``from console.model import Trace`` imports console.model.trace then (an
enumeration comes from console.model.enums alone), and importing one submodule (say, console.model.profile for a
profile) does not build every dataclass of the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.model.enums import (
        HOP_GLYPH,
        HOP_ORDER,
        Confidence,
        FeedOrigin,
        HopName,
        HopStatus,
        Severity,
        SignatureStatus,
        VerdictKind,
    )
    from console.model.expectations import Expectations
    from console.model.findings import Finding
    from console.model.token import (
        DecodedToken,
        DuplicateClaim,
        SignatureCheck,
        TimeClaim,
        TokenKind,
        TokenReport,
    )
    from console.model.trace import (
        AuthorizerDecision,
        FeedItem,
        Hop,
        HopObservation,
        HopObserved,
        Identity,
        IisStatus,
        PolicyStatement,
        ResponseSnapshot,
        TokenInspected,
        Trace,
        TraceEvent,
        TraceFinished,
        TraceRequest,
        TraceStarted,
        Verdict,
    )

_HOME: dict[str, str] = {
    "AuthorizerDecision": "console.model.trace",
    "Confidence": "console.model.enums",
    "DecodedToken": "console.model.token",
    "DuplicateClaim": "console.model.token",
    "Expectations": "console.model.expectations",
    "FeedItem": "console.model.trace",
    "FeedOrigin": "console.model.enums",
    "Finding": "console.model.findings",
    "HOP_GLYPH": "console.model.enums",
    "HOP_ORDER": "console.model.enums",
    "Hop": "console.model.trace",
    "HopName": "console.model.enums",
    "HopObservation": "console.model.trace",
    "HopObserved": "console.model.trace",
    "HopStatus": "console.model.enums",
    "Identity": "console.model.trace",
    "IisStatus": "console.model.trace",
    "PolicyStatement": "console.model.trace",
    "ResponseSnapshot": "console.model.trace",
    "Severity": "console.model.enums",
    "SignatureCheck": "console.model.token",
    "SignatureStatus": "console.model.enums",
    "TimeClaim": "console.model.token",
    "TokenInspected": "console.model.trace",
    "TokenKind": "console.model.token",
    "TokenReport": "console.model.token",
    "Trace": "console.model.trace",
    "TraceEvent": "console.model.trace",
    "TraceFinished": "console.model.trace",
    "TraceRequest": "console.model.trace",
    "TraceStarted": "console.model.trace",
    "Verdict": "console.model.trace",
    "VerdictKind": "console.model.enums",
}
"""Where each exported name lives."""


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'console.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once found, a plain module attribute
    return value


__all__ = [
    "HOP_GLYPH",
    "HOP_ORDER",
    "AuthorizerDecision",
    "Confidence",
    "DecodedToken",
    "DuplicateClaim",
    "Expectations",
    "FeedItem",
    "FeedOrigin",
    "Finding",
    "Hop",
    "HopName",
    "HopObservation",
    "HopObserved",
    "HopStatus",
    "Identity",
    "IisStatus",
    "PolicyStatement",
    "ResponseSnapshot",
    "Severity",
    "SignatureCheck",
    "SignatureStatus",
    "TimeClaim",
    "TokenInspected",
    "TokenKind",
    "TokenReport",
    "Trace",
    "TraceEvent",
    "TraceFinished",
    "TraceRequest",
    "TraceStarted",
    "Verdict",
    "VerdictKind",
]
