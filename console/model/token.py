"""A token as decoded (untrusted) and as judged (signature, claims, findings).

DecodedToken, SignatureCheck and TokenReport are built once per verification; a frozen dataclass
costs ~0.06 µs per field to build (object.__setattr__), ~1 µs per token in all, which is 6% of an
RS256 verify. They are plain slots dataclasses instead: treat them as immutable all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Re-exported: they live in console.model.enums, which the console's first screen imports without this module.
from console.model.enums import Severity as Severity
from console.model.enums import SignatureStatus as SignatureStatus
from console.model.findings import Finding


class TokenKind(StrEnum):
    """What the pasted text turned out to be."""

    JWS = "jws"
    """A signed JWT in compact form: header.payload.signature."""
    JWE = "jwe"
    """An encrypted JWT (five segments): its claims cannot be read or verified without the key."""
    OPAQUE = "opaque"
    """A bearer token that is not a JWT (a reference token): only its issuer can say what it means."""


@dataclass(frozen=True, slots=True)
class DuplicateClaim:
    """A member name that occurs more than once in a JOSE header or in the claims."""

    part: str
    """``header`` or ``claims``."""
    name: str
    values: tuple[Any, ...]
    """Every value in order of appearance; Python and pyjwt keep the last."""


@dataclass(slots=True)  # not frozen: built on the verify hot path, see module doc
class DecodedToken:
    """A token read without trusting it. Nothing here has been verified."""

    raw: str
    """The text exactly as given, kept so nothing the user pasted is lost."""
    compact: str
    """The token after removing what people paste around it (``Bearer ``, whitespace, …)."""
    kind: TokenKind
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    signing_input: bytes = b""
    signature: bytes = b""
    notes: tuple[str, ...] = ()
    """What normalisation changed, e.g. "removed the 'Bearer ' prefix"."""
    header_bytes: int = 0
    payload_bytes: int = 0
    signature_bytes: int = 0
    encoding: str = "utf-8"
    """The JSON encoding of header and claims; anything but utf-8 is a finding (RFC 8725 §3.7)."""
    duplicates: tuple[DuplicateClaim, ...] = ()

    @property
    def alg(self) -> Any:
        """The header's ``alg`` as given (untrusted; may be missing or not a string)."""
        return self.header.get("alg")

    @property
    def kid(self) -> Any:
        """The header's ``kid`` as given (untrusted; an opaque lookup key at most)."""
        return self.header.get("kid")

    @property
    def size(self) -> int:
        """Length of the compact token in bytes (it is ASCII once normalised)."""
        return len(self.compact)


@dataclass(slots=True)  # not frozen: built on the verify hot path, see module doc
class SignatureCheck:
    """The signature verdict and what it was checked with."""

    status: SignatureStatus
    alg: str | None = None
    kid: str | None = None
    key_source: str | None = None
    """Where the key came from, e.g. ``jwks:https://…`` or ``pem:key.pem`` (never key material)."""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TimeClaim:
    """A time claim shown for people: UTC and relative to now."""

    name: str
    value: Any
    utc: str | None
    """ISO-8601 in UTC, or None when the value is not a usable number."""
    relative: str
    """"in 4 min", "expired 2 h ago", "issued 3 min ago", or why it cannot be read."""


@dataclass(slots=True)  # not frozen: built on the verify hot path, see module doc
class TokenReport:
    """Everything Baton concluded about one token."""

    token: DecodedToken
    signature: SignatureCheck
    findings: tuple[Finding, ...]
    checked_at: float = 0.0
    """Unix time of the check (the clock used for exp/nbf/iat)."""
    clock_skew: float | None = None
    """Server clock minus local clock in seconds, when a server ``Date`` was known."""

    @property
    def ok(self) -> bool:
        """True when no finding says the token would be refused."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def finding(self, code: str) -> Finding | None:
        """The first finding with this code, if any."""
        return next((f for f in self.findings if f.code == code), None)

    def codes(self) -> list[str]:
        """Finding codes in order."""
        return [f.code for f in self.findings]
