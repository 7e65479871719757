"""IIS status/substatus meanings (domain §4.1) and readers for IIS and http.sys error pages (§4.2, §4.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

__all__ = ["MEANINGS", "IisPage", "meaning", "page_lines", "read_error_page"]

# §4.1, Microsoft's wording shortened; (status, substatus) → meaning.
MEANINGS: dict[tuple[int, int], str] = {
    (400, 0): "Bad Request: malformed, or over the http.sys limits",
    (400, 10): "Invalid X-Forwarded-For header",
    (401, 1): "Logon failed: the credentials are invalid",
    (401, 2): "Logon failed due to server configuration: no enabled authentication method accepts what was sent",
    (401, 3): "Unauthorized due to the ACL on the resource (NTFS permissions)",
    (401, 4): "Authorization failed by an ISAPI filter",
    (401, 5): "Authorization failed by an ISAPI/CGI application",
    (401, 501): "Dynamic IP restriction: concurrent request limit reached",
    (401, 502): "Dynamic IP restriction: request rate limit reached",
    (401, 503): "Dynamic IP restriction: IP address in the deny list",
    (401, 504): "Dynamic IP restriction: host name in the deny list",
    (403, 1): "Execute access forbidden",
    (403, 2): "Read access forbidden",
    (403, 3): "Write access forbidden",
    (403, 4): "SSL required",
    (403, 5): "SSL 128 required",
    (403, 6): "IP address rejected (IP restrictions)",
    (403, 7): "Client certificate required",
    (403, 8): "Site access denied (DNS name restriction)",
    (403, 12): "Mapper denied access (client certificate mapping)",
    (403, 13): "Client certificate revoked",
    (403, 14): "Directory listing denied (no default document)",
    (403, 16): "Client certificate is untrusted or invalid",
    (403, 17): "Client certificate has expired or is not yet valid",
    (403, 18): "Cannot execute the requested URL in the current application pool",
    (403, 19): "Cannot execute CGI applications in this application pool",
    (403, 501): "Dynamic IP restriction: concurrent request limit reached",
    (403, 502): "Dynamic IP restriction: request rate limit reached",
    (403, 503): "Dynamic IP restriction: IP address in the deny list",
    (403, 504): "Dynamic IP restriction: host name in the deny list",
    (404, 0): "Not found",
    (404, 2): "ISAPI or CGI restriction",
    (404, 3): "MIME type restriction",
    (404, 4): "No handler configured",
    (404, 5): "Denied by request filtering (URL sequence)",
    (404, 6): "Verb denied",
    (404, 7): "File extension denied",
    (404, 8): "Hidden namespace",
    (404, 9): "Hidden file attribute",
    (404, 10): "Request header too long (request filtering)",
    (404, 11): "Request contains a double escape sequence",
    (404, 12): "Request contains high-bit characters",
    (404, 13): "Content length too large",
    (404, 14): "Request URL too long",
    (404, 15): "Query string too long",
    (404, 18): "Query string sequence denied",
    (404, 19): "Denied by a request filtering rule",
    (404, 20): "Too many URL segments",
    (405, 0): "Method not allowed",
    (413, 0): "Request entity too large",
    (500, 0): "Internal server error",
    (500, 19): "Configuration data is invalid (bad web.config)",
    (500, 50): "URL Rewrite error in RQ_BEGIN_REQUEST",
    (500, 51): "URL Rewrite error in GL_PRE_BEGIN_REQUEST",
    (500, 52): "URL Rewrite error in RQ_SEND_RESPONSE",
    (500, 53): "URL Rewrite error in RQ_RELEASE_REQUEST_STATE",
    (502, 3): "ARR: forwarder connection error",
    (502, 4): "ARR: no server to forward to",
    (503, 0): "Application pool unavailable",
    (503, 2): "Concurrent request limit reached",
}

# Substatus unknown (custom pages, direct status codes): what the status alone says.
_BY_STATUS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized (substatus unknown: 401.1 logon failed, 401.2 no accepted authentication method, 401.3 ACL)",
    403: "Forbidden (substatus unknown)",
    404: "Not found",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def meaning(status: int, substatus: int | None) -> str:
    """Microsoft's meaning of status.substatus, falling back to what the status alone says."""
    if substatus is not None and (status, substatus) in MEANINGS:
        return MEANINGS[(status, substatus)]
    return _BY_STATUS.get(status, f"HTTP {status}")


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
