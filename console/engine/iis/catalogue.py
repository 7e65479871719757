"""The one IIS catalogue: status.substatus.win32 in plain words, shared by the IIS pane, the diagnosis and log views.

Sub-status titles follow Microsoft's "HTTP status codes in IIS" (KB 943891,
https://learn.microsoft.com/troubleshoot/developer/webapps/iis/health-diagnostic-performance/http-status-code),
the requestLimits reference (404.x / 413.1 / 431 from request filtering,
https://learn.microsoft.com/iis/configuration/system.webserver/security/requestfiltering/requestlimits/) and
domain §4.1; the Negotiate/NTLM log pattern (401 2 5 → 401 1 2148074254 → 200) is domain §4.3.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.engine.iis.entry import STATUS, Entry
from console.engine.iis.httperr import HttpErrReason, httperr_reason
from console.engine.iis.substatus_5xx import SUB_5XX
from console.engine.iis.substatus_40x import SUB_40X
from console.engine.iis.substatus_404 import SUB_404
from console.engine.iis.win32 import win32_meaning

# httperr_reason lives in httperr.py; it is re-exported here because the shared contract (notes/logs_api.md) names
# catalogue.py as the one place for both look-ups.
__all__ = ["SUBSTATUS", "HttpErrReason", "StatusMeaning", "describe", "httperr_reason", "meaning_line"]

SUBSTATUS: dict[tuple[int, int], Entry] = {**SUB_40X, **SUB_404, **SUB_5XX}

_NO_CREDENTIALS = 0x8009030E  # SEC_E_NO_CREDENTIALS, logged as 2148074254
_INVALID_TOKEN = 0x80090308  # SEC_E_INVALID_TOKEN, 2148074248
_FOLLOWED = "Normal when a 200 for the same client follows"
# win32 statuses that say the client (or the proxy) left before the response was fully sent (domain §4.6).
_CLIENT_GONE = frozenset({64, 121, 995, 1229, 1236, 10053, 10054})

# (status, substatus, win32) patterns whose meaning the win32 value changes (domain §4.3, Hop 5 F29).
_PATTERNS: dict[tuple[int, int, int], tuple[str, str, bool]] = {
    (401, 2, 5): (
        "First leg of a Windows-authentication (Negotiate/NTLM) handshake: the request came without credentials and "
        f"IIS answered with its challenge. {_FOLLOWED}. If none follows — API Gateway cannot finish this handshake — "
        "IIS refused the caller here because it wants Windows authentication.",
        "If the gateway already authenticated the caller, enable anonymous authentication for this path "
        "(and read the identity header); otherwise the client must answer the challenge",
        True,
    ),
    (401, 1, _NO_CREDENTIALS): (
        "Middle leg of an NTLM handshake: IIS sent its challenge and waits for the client's answer. "
        f"{_FOLLOWED}; if none follows, the client abandoned the handshake.",
        "Only if no 200 follows: the client cannot finish NTLM (API Gateway cannot); enable anonymous "
        "authentication for this path and read the identity the gateway asserts",
        True,
    ),
    (401, 1, _INVALID_TOKEN): (
        "The NTLM legs of one handshake arrived on different connections or servers, so the last leg was "
        "rejected: a load balancer or API Gateway without connection affinity in front of Windows authentication.",
        "Use Kerberos or a token the gateway validates; NTLM needs all legs on one connection to one server",
        False,
    ),
}


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    """What one IIS status.substatus.win32 says, in words an on-call engineer can act on."""

    code: str
    """``401.2.5``; a missing part is ``-`` (``401.-.5``)."""
    status: int | None
    substatus: int | None
    win32: int | None
    title: str
    """Microsoft's wording, e.g. ``Logon failed due to server configuration``."""
    plain: str
    win32_words: str
    """``5 (0x00000005) ERROR_ACCESS_DENIED: Access is denied — …``; empty when no win32 status is known."""
    fix: str | None
    normal: bool
    """True when this is expected traffic (a 2xx/3xx, or the first legs of a Windows-auth handshake)."""
    known: bool
    """False when the catalogue has no meaning for this status or sub-status (the words then say so)."""

    @property
    def line(self) -> str:
        """One line for a table row: code, title and the plain words."""
        return f"{self.code} {self.title} — {self.plain}"


def _number(value: object) -> int | None:
    """An int from what a log or a caller gave (int or decimal text); None for '-', blanks and garbage."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if digits.isascii() and digits.isdigit() and len(digits) <= 40:
            return int(text)
    return None


def _part(value: object, number: int | None) -> str:
    if number is not None:
        return str(number)
    return "-" if value is None or value == "-" else "?"


def meaning_line(status: int, substatus: int | None) -> str:
    """The one-line wording for status.substatus, falling back to what the status alone says."""
    if substatus is not None and (status, substatus) in SUBSTATUS:
        return SUBSTATUS[(status, substatus)].line
    entry = STATUS.get(status)
    return entry.line if entry is not None else f"HTTP {status}"


def describe(status: int | str, substatus: int | str | None = None, win32: int | str | None = None) -> StatusMeaning:
    """Decode IIS status.substatus.win32 into words; unknown or garbage input gets a truthful answer, never raises."""
    st, sub, w32 = _number(status), _number(substatus), _number(win32)
    code = ".".join(
        [_part(status, st)]
        + ([_part(substatus, sub)] if substatus is not None or win32 is not None else [])
        + ([_part(win32, w32)] if win32 is not None else [])
    )
    w32_words = win32_meaning(w32).words if w32 is not None else ""
    if st is None or not 100 <= st <= 999:
        plain = f"{code}: not an HTTP status code; nothing to decode."
        return StatusMeaning(code, st, sub, w32, "Not an HTTP status", plain, w32_words, None, False, False)
    level = STATUS.get(st)
    title, plain, fix, known = (level.title, level.plain, level.fix, True) if level else (f"HTTP {st}", "", None, False)
    if sub is not None and (st, sub) in SUBSTATUS:
        entry = SUBSTATUS[(st, sub)]
        title, plain, fix, known = entry.title, entry.plain or entry.line, entry.fix, True
    elif sub not in (None, 0):
        plain = f"{st}.{sub}: no sub-status meaning known." + (f" {plain}" if plain else "")
        known = False
    elif level is None:
        plain = f"{st}: no meaning known for this status."
    normal = st < 400 and w32 not in _CLIENT_GONE
    if st < 400 and w32 in _CLIENT_GONE:
        plain += " The client went away before the response was fully sent (see the win32 status)."
    if sub is not None and w32 is not None and (st, sub, w32) in _PATTERNS:
        plain, fix, normal = _PATTERNS[(st, sub, w32)]
    return StatusMeaning(code, st, sub, w32, title, plain, w32_words, fix, normal, known)
