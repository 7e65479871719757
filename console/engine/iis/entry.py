"""One row of the IIS status catalogue, and what each HTTP status means when IIS logged no known sub-status."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["STATUS", "Entry"]


class Entry(NamedTuple):
    """Microsoft's title for a code, a one-clause gist, plain words for the on-call engineer, and the fix."""

    title: str
    gist: str
    """Short clause after the title in one-line views (``Logon failed due to server configuration: <gist>``)."""
    plain: str
    fix: str | None = None

    @property
    def line(self) -> str:
        """Title and gist on one line: the wording the diagnosis quotes."""
        return f"{self.title}: {self.gist}" if self.gist else self.title


E = Entry

# KB 943891's status titles (domain §4.1); the 401 gist keeps the sub-statuses a user then looks for in the log.
STATUS: dict[int, Entry] = {
    100: E("Continue", "", "An interim answer; the final status follows.", None),
    101: E("Switching protocols", "", "The connection switched protocol (for example to WebSocket).", None),
    200: E("OK", "", "The request succeeded.", None),
    201: E("Created", "", "The request succeeded and created a resource.", None),
    202: E("Accepted", "", "Accepted for processing; the work is not finished.", None),
    204: E("No content", "", "The request succeeded; there is no body.", None),
    206: E("Partial content", "", "A range of the resource was sent.", None),
    301: E("Moved permanently", "", "A redirect to a new permanent address.", None),
    302: E("Object moved", "", "A temporary redirect.", None),
    304: E("Not modified", "", "The client's cached copy is still current.", None),
    307: E("Temporary redirect", "", "A temporary redirect that keeps the method.", None),
    400: E(
        "Bad Request",
        "",
        "The request was malformed or broke a limit; http.sys rejects many of these before IIS.",
        None,
    ),
    401: E(
        "Unauthorized",
        "substatus unknown: 401.1 logon failed, 401.2 no accepted authentication method, 401.3 ACL",
        "The caller was not authenticated. Without the sub-status the cause is open: read it from the IIS log.",
        None,
    ),
    403: E("Forbidden", "substatus unknown", "The server understood the request and refused it.", None),
    404: E(
        "Not found", "", "Nothing at that address, or request filtering hid it (request filtering also logs 404).", None
    ),
    405: E("Method not allowed", "", "The verb is not allowed for this resource.", None),
    406: E("Not acceptable", "", "No representation matches the request's Accept header.", None),
    408: E("Request timed out", "", "The server stopped waiting for the rest of the request.", None),
    412: E("Precondition failed", "", "A conditional header (If-Match …) did not hold.", None),
    413: E("Request entity too large", "", "The request body is larger than allowed.", None),
    414: E("URI too long", "", "The request URL is longer than allowed.", None),
    415: E("Unsupported media type", "", "The request body's type is not accepted.", None),
    431: E("Request header fields too large", "", "A request header (or all of them) is larger than allowed.", None),
    500: E("Internal server error", "", "IIS, a module or the application failed while handling the request.", None),
    501: E("Not implemented", "", "The server does not support what the request asks for.", None),
    502: E("Bad gateway", "", "A proxy in IIS (ARR, a CGI/FastCGI process) got no valid answer from behind it.", None),
    503: E(
        "Service unavailable", "", "The application could not take the request (stopped, overloaded, queue full).", None
    ),
    504: E("Gateway timeout", "", "A proxy timed out waiting for the server behind it.", None),
    505: E("HTTP version not supported", "", "The request named an HTTP version the server does not speak.", None),
}
