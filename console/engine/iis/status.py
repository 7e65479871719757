"""IIS status/substatus meanings (a view of catalogue.py) and readers for IIS and http.sys error pages (§4.2, §4.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from console.engine.iis.catalogue import SUBSTATUS, meaning_line

__all__ = ["MEANINGS", "IisPage", "meaning", "page_lines", "read_error_page"]

# One truth: the catalogue's table, seen as the one-line wording the diagnosis quotes.
MEANINGS: dict[tuple[int, int], str] = {key: entry.line for key, entry in SUBSTATUS.items()}


def meaning(status: int, substatus: int | None) -> str:
    """Microsoft's meaning of status.substatus, falling back to what the status alone says."""
    return meaning_line(status, substatus)


@dataclass(frozen=True, slots=True)
class IisPage:
    """An error page IIS, ASP.NET or http.sys wrote, as read from its text."""

    kind: str
    """``detailed``, ``custom``, ``httpsys`` or ``aspnet``."""
    status: int | None
    substatus: int | None
    line: str
    """The deciding line as plain text, e.g. ``HTTP Error 401.2 - Unauthorized``."""
    description: str = ""
    win32_status: int | None = None
    logon_method: str | None = None
    logon_user: str | None = None


_TAG = re.compile(r"<[^>]*>")
_INERT = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_DETAILED = re.compile(r"^HTTP Error (\d{3})\.(\d+) - (.+)$")
_HTTPSYS = re.compile(r"^HTTP Error (\d{3})\. (.+)$")
_CUSTOM = re.compile(r"^(\d{3}) - (\S.*)$")
_HEX = re.compile(r"^0x([0-9a-fA-F]{1,8})$")
_UNDETERMINED = {"", "not yet determined", "anonymous"}


def page_lines(body: str) -> list[str]:
    """The text of an HTML body, one element per line: markup is dropped, never interpreted (it is data)."""
    text = unescape(_TAG.sub("\n", _INERT.sub("\n", body))).replace("\xa0", " ")
    return [" ".join(part.split()) for part in text.splitlines() if part.strip()]


def _after(lines: list[str], label: str) -> str | None:
    """The line after a table label (``Logon User`` → its value) in a detailed error page."""
    for index, line in enumerate(lines[:-1]):
        if line.casefold() == label.casefold():
            return lines[index + 1]
    return None


def _win32(code: str | None) -> int | None:
    # The page shows an HRESULT; 0x8007xxxx wraps a Win32 error (0x80070005 → 5), the rest (SSPI) stand as is (§4.3).
    match = _HEX.match(code or "")
    if match is None:
        return None
    value = int(match.group(1), 16)
    return value & 0xFFFF if value >> 16 == 0x8007 else value


def _user(value: str | None) -> str | None:
    return None if value is None or value.casefold() in _UNDETERMINED else value


def read_error_page(body: str) -> IisPage | None:
    """The IIS detailed/custom page, ASP.NET error or http.sys page in ``body``; None when it is none of them."""
    if "<" not in body and "HTTP Error" not in body:
        return None
    lines = page_lines(body)
    for index, line in enumerate(lines):
        if match := _DETAILED.match(line):  # §4.4: detailed page, substatus visible
            following = lines[index + 1] if index + 1 < len(lines) else ""
            method = _after(lines, "Logon Method")
            return IisPage(
                "detailed",
                int(match.group(1)),
                int(match.group(2)),
                line,
                following,
                _win32(_after(lines, "Error Code")),
                _user(method),
                _user(_after(lines, "Logon User")),
            )
    for index, line in enumerate(lines):
        if match := _HTTPSYS.match(line):  # §4.2: http.sys page, no substatus
            heading = lines[index - 1] if index else line
            return IisPage("httpsys", int(match.group(1)), None, heading, match.group(2))
    for index, line in enumerate(lines):
        if line.startswith("Server Error in '") and line.endswith("Application."):  # ASP.NET (§4.4)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            return IisPage("aspnet", None, None, line, following)
    if any(line == "Server Error" for line in lines):  # §4.4: custom page, "Server Error" header
        # The heading repeats the <title>; the last one is followed by the description.
        for index in range(len(lines) - 1, -1, -1):
            if match := _CUSTOM.match(lines[index]):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                return IisPage("custom", int(match.group(1)), None, lines[index], following)
    return None
