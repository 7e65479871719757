"""Plain, frozen domain objects shared by the engine, the CLI and the widgets. No I/O here."""

from console.model.expectations import Expectations
from console.model.findings import Finding, Severity
from console.model.token import (
    DecodedToken,
    DuplicateClaim,
    SignatureCheck,
    SignatureStatus,
    TimeClaim,
    TokenKind,
    TokenReport,
)

__all__ = [
    "DecodedToken",
    "DuplicateClaim",
    "Expectations",
    "Finding",
    "Severity",
    "SignatureCheck",
    "SignatureStatus",
    "TimeClaim",
    "TokenKind",
    "TokenReport",
]
