"""The one exception tree of Baton; every error says what was wrong, where, and what to do.

    BatonError                 base; ``str()`` is one line, safe to print (never a secret)
    ├── UsageError             a command-line option or argument is unusable        (exit 2)
    ├── TokenDecodeError       the input is not a readable token                     (exit 2)
    ├── KeyLoadError           a key, key file or JWKS cannot be used                (exit 2)
    ├── SecretRefError         a secret reference (env:, file:, …) cannot be resolved (exit 2)
    ├── ProfileError           a profile file is invalid (carries every problem)     (exit 2)
    ├── SandboxError           the embedded sandbox cannot start (port in use, …)    (exit 2)
    ├── AwsError               an AWS call failed: credentials, region, endpoint, …  (exit 2)
    ├── TraceError             the trace could not run (unreachable, TLS, timeout)   (exit 3)
    └── TraceCancelled         the user cancelled the trace; nothing was concluded   (exit 130)

Messages are written by Baton, never copied from a library exception: pyjwt and friends can
echo key material in theirs (shared/domain/security.md §1.3).
"""

from __future__ import annotations

from console.model.enums import HopName
from console.sanitize import inert

__all__ = [
    "AwsError",
    "BatonError",
    "KeyLoadError",
    "ProfileError",
    "SandboxError",
    "SecretRefError",
    "TokenDecodeError",
    "TraceCancelled",
    "TraceError",
    "UsageError",
]


class BatonError(Exception):
    """Base of every error Baton raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as one inert line: 'where: what — hint'.

        Messages quote what they could not use (a URL, a file name, a server's error code), all of it
        possibly hostile: control, C1, bidi and surrogate characters are shown as escapes here, so every
        error path prints inert text whoever wrote the message."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} — {self.hint}"
        return inert(" ".join(text.split()))


class UsageError(BatonError):
    """A command-line option or argument that cannot be used."""


class TokenDecodeError(BatonError):
    """The input cannot be read as a token at all (empty, garbage, broken segment)."""


class KeyLoadError(BatonError):
    """A verification key, key file or JWKS cannot be used."""


class SecretRefError(BatonError):
    """A secret reference cannot be resolved; the message names the reference, never a value."""


class ProfileError(BatonError):
    """A profile is invalid; ``problems`` holds every problem found, each already located."""

    def __init__(self, message: str, *, problems: list[str] | None = None, where: str | None = None) -> None:
        self.problems = [inert(p) for p in problems or []]  # each is printed on its own line
        super().__init__(message, where=where)


class SandboxError(BatonError):
    """The embedded sandbox could not start or serve."""


class AwsError(BatonError):
    """An AWS call failed; ``reason`` is its kind (``credentials``, ``expired``, ``unauthorized``, ``region``,
    ``throttled``, ``unreachable``, ``clock``, ``not_found``, ``config``, ``aws``), so an AWS-backed probe can show
    itself unavailable for that reason."""

    def __init__(self, message: str, *, reason: str, where: str | None = None, hint: str | None = None) -> None:
        self.reason = reason
        super().__init__(message, where=where, hint=hint)


class TraceError(BatonError):
    """The trace could not run; ``hop`` names where it stopped."""

    exit_code = 3

    def __init__(self, message: str, *, hop: HopName, hint: str | None = None) -> None:
        self.hop = HopName(hop)
        super().__init__(message, where=self.hop.value, hint=hint)


class TraceCancelled(BatonError):
    """The user cancelled the trace; nothing is reported as found."""

    exit_code = 130

    def __init__(self, message: str = "trace cancelled") -> None:
        super().__init__(message)
