"""IIS sub-statuses of 404 (request filtering among them) and 405–413 (KB 943891, requestLimits docs, domain §4.1)."""

from __future__ import annotations

from console.engine.iis.entry import Entry as E

__all__ = ["SUB_404"]

_RF = "request filtering"
_RF_PLAIN = "Request filtering refused it; the client was told 404 Not Found, the log keeps the real cause."
_RF_FIX = "system.webServer/security/requestFiltering"
_LIMITS = f"{_RF_FIX}/requestLimits"
_DIPR_CONC = "Too many concurrent requests from one client IP."
_DIPR_RATE = "Too many requests from one client IP within the time window."
_DIPR_FIX = "Check the site's Dynamic IP Restrictions / IP and Domain Restrictions rules and the address IIS sees"

SUB_404: dict[tuple[int, int], E] = {
    (404, 0): E("Not found", "", "The file or route does not exist at that path.", "Check the path the caller sends"),
    (404, 1): E("Site Not Found", "", "No website is bound to the host name and port the request used.", None),
    (404, 2): E(
        "ISAPI or CGI restriction",
        "",
        "The ISAPI or CGI extension needed for this resource is not allowed on the server.",
        "Allow it under ISAPI and CGI Restrictions",
    ),
    (404, 3): E("MIME type restriction", "", "No MIME type is configured for the file's extension.", None),
    (404, 4): E("No handler configured", "", "No handler is mapped for the requested extension or path.", None),
    (404, 5): E(
        "Denied by request filtering configuration",
        "URL sequence",
        "The URL contains a character sequence request filtering denies. " + _RF_PLAIN,
        f"{_RF_FIX}/denyUrlSequences",
    ),
    (404, 6): E("Verb denied", _RF, "The HTTP verb is not allowed. " + _RF_PLAIN, f"{_RF_FIX}/verbs"),
    (404, 7): E(
        "File extension denied", _RF, "The file extension is not allowed. " + _RF_PLAIN, f"{_RF_FIX}/fileExtensions"
    ),
    (404, 8): E("Hidden namespace", _RF, "The URL is in a hidden segment (bin, App_Data …). " + _RF_PLAIN, None),
    (404, 9): E("Files attribute hidden", "", "The requested file has the hidden attribute.", None),
    (404, 10): E(
        "Request header too long",
        _RF,
        "A request header is longer than request filtering allows. " + _RF_PLAIN,
        f"{_LIMITS}/headerLimits, or shrink the header",
    ),
    (404, 11): E("Request contains double escape sequence", _RF, "The URL is double-escaped. " + _RF_PLAIN, None),
    (404, 12): E("Request contains high-bit characters", _RF, "The URL has non-ASCII characters. " + _RF_PLAIN, None),
    (404, 13): E(
        "Content length too large",
        _RF,
        "Content-Length is larger than maxAllowedContentLength (default 30000000 bytes). " + _RF_PLAIN,
        f"{_LIMITS} maxAllowedContentLength",
    ),
    (404, 14): E(
        "Request URL too long", _RF, "The URL is longer than maxUrl (default 4096). " + _RF_PLAIN, f"{_LIMITS} maxUrl"
    ),
    (404, 15): E(
        "Query string too long",
        _RF,
        "The query string is longer than maxQueryString (default 2048). " + _RF_PLAIN,
        f"{_LIMITS} maxQueryString",
    ),
    (404, 16): E("WebDAV request sent to the static file handler", "", "No WebDAV feature took the request.", None),
    (404, 17): E(
        "Dynamic content mapped to the static file handler", "", "A dynamic page went to the file handler.", None
    ),
    (404, 18): E("Query string sequence denied", _RF, "The query string has a denied sequence. " + _RF_PLAIN, None),
    (404, 19): E(
        "Denied by filtering rule", _RF, "A request filtering rule matched. " + _RF_PLAIN, f"{_RF_FIX}/filteringRules"
    ),
    (404, 20): E("Too Many URL Segments", _RF, "The URL has more segments than allowed. " + _RF_PLAIN, None),
    (404, 431): E(
        "Request Header Too Long",
        "headerLimits",
        "A header is longer than its limit under requestLimits/headerLimits. " + _RF_PLAIN,
        f"{_LIMITS}/headerLimits, or shrink the header",
    ),
    (404, 501): E("Not found: concurrent request rate limit reached", "Dynamic IP Restrictions", _DIPR_CONC, _DIPR_FIX),
    (404, 502): E("Not found: maximum request rate limit reached", "Dynamic IP Restrictions", _DIPR_RATE, _DIPR_FIX),
    (404, 503): E("Not found: IP address denied", "IP restriction", "The client IP is in the deny list.", _DIPR_FIX),
    (404, 504): E("Not found: host name denied", "IP restriction", "The client host is in the deny list.", _DIPR_FIX),
    (405, 0): E("Method not allowed", "", "The handler for this path does not accept the HTTP method.", None),
    (406, 0): E("Not acceptable", "", "The Accept header names no MIME type the server can return.", None),
    (408, 0): E("Request timed out", "", "The whole request did not arrive in time.", None),
    (412, 0): E("Precondition failed", "", "An If-Match (or similar) condition did not hold.", None),
    (413, 0): E("Request entity too large", "", "The request body is larger than allowed.", None),
    (413, 1): E(
        "Content Length Too Large",
        _RF,
        "Content-Length exceeds maxAllowedContentLength. " + _RF_PLAIN,
        f"{_LIMITS} maxAllowedContentLength",
    ),
}
