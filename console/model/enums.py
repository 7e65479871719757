"""The model's enumerations, apart from its dataclasses.

The console's first screen needs these names (hop order, status words, severities) but none of the dataclasses, whose
creation is most of the model's import time; importing this module alone keeps them off the start-up path. The
modules that use them re-export them, so ``console.model.trace.HopName`` and the rest still work.
"""

from __future__ import annotations

from enum import StrEnum


class HopName(StrEnum):
    """The hops a request crosses, in order."""

    CLIENT = "client"
    """The caller: the token it holds and the request it sends."""
    GATEWAY = "gateway"
    """API Gateway before authorization: routing, API keys, throttling."""
    AUTHORIZER = "authorizer"
    """Cognito / JWT / Lambda / IAM authorization and its decision."""
    INTEGRATION = "integration"
    """The integration request: the headers API Gateway sends to IIS."""
    IIS = "iis"
    """http.sys and IIS: what it received, who it thinks the user is, what it answered."""


HOP_ORDER: tuple[HopName, ...] = tuple(HopName)


class HopStatus(StrEnum):
    """What Baton can say about one hop. Shown with a glyph and a word, never colour alone."""

    OK = "ok"
    """The identity passed this hop intact."""
    WARNING = "warning"
    """The identity passed, but something here needs attention (e.g. the correlation id was dropped)."""
    BROKEN = "broken"
    """The identity was refused, lost or altered here."""
    UNKNOWN = "unknown"
    """No probe could observe this hop; never assumed fine."""
    NOT_REACHED = "not_reached"
    """An earlier hop stopped the request."""


HOP_GLYPH = {
    HopStatus.OK: "✓",
    HopStatus.WARNING: "!",
    HopStatus.BROKEN: "✗",
    HopStatus.UNKNOWN: "?",
    HopStatus.NOT_REACHED: "–",
}


class Severity(StrEnum):
    """How much a finding matters to the request."""

    ERROR = "error"
    """The token or request would be refused (or the identity lost) because of this."""
    WARNING = "warning"
    """Risky or suspicious, but not by itself a refusal."""
    INFO = "info"
    """Worth knowing; nothing is wrong."""


class SignatureStatus(StrEnum):
    """The outcome of checking the signature."""

    VALID = "valid"
    INVALID = "invalid"
    UNVERIFIED = "unverified"
    """No key was given, so nothing was checked."""
    UNSUPPORTED = "unsupported"
    """The token cannot be checked by Baton (``none``, unknown ``alg``, JWE, opaque)."""


class Confidence(StrEnum):
    """How sure a probe or a finding is."""

    CERTAIN = "certain"
    """Observed directly (sandbox ground truth, an IIS echo, the response itself)."""
    LIKELY = "likely"
    """Inferred from strong evidence (exact API Gateway bodies, remapped IIS headers)."""
    POSSIBLE = "possible"
    """One plausible explanation among others; the verdict says what would settle it."""


class VerdictKind(StrEnum):
    """The one classification of a trace's outcome, shared by the CLI, the feed and the verdict bar."""

    PENDING = "pending"
    """The trace is still running."""
    OK = "ok"
    """The identity reached IIS intact, and IIS resolved the caller the profile says must arrive."""
    BROKEN = "broken"
    """A hop refused, lost or altered the identity."""
    UNCONFIRMED = "unconfirmed"
    """Nothing broke, but no probe could confirm the identity IIS saw."""
    ERROR = "error"
    """The trace could not run (a hop was unreachable, a timeout)."""
    CANCELLED = "cancelled"
    """The user cancelled the trace; nothing was concluded."""


class FeedOrigin(StrEnum):
    """Where a feed item came from."""

    OWN = "baton"
    """A trace this console ran."""
    EXTERNAL = "external"
    """A request someone else sent through the sandbox gateway (curl, a browser)."""
