"""IIS 10 error bodies: detailed pages (local callers), custom pages (remote callers) and http.sys's 400."""

from __future__ import annotations

from html import escape

__all__ = ["HTTPSYS_TOO_LONG", "custom_page", "detailed_page"]

# (status, substatus) -> (reason, description, most likely cause) in Microsoft's wording (domain §4.1, §4.4).
_TEXT: dict[tuple[int, int], tuple[str, str, str]] = {
    (401, 2): (
        "Unauthorized",
        "You are not authorized to view this page due to invalid authentication headers.",
        "No authentication protocol (including anonymous) is selected in IIS.",
    ),
    (401, 1): (
        "Unauthorized",
        "You do not have permission to view this directory or page due to invalid credentials.",
        "The user name or password that is invalid.",
    ),
    (404, 0): (
        "Not Found",
        "The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.",
        "The directory or file specified does not exist on the Web server.",
    ),
    (500, 0): (
        "Internal Server Error",
        "The page cannot be displayed because an internal server error has occurred.",
        "IIS received the request; however, an internal error occurred.",
    ),
}

# Custom (remote) error pages: title/heading per status, no substatus (domain §4.4).
_CUSTOM: dict[int, tuple[str, str]] = {
    401: (
        "401 - Unauthorized: Access is denied due to invalid credentials.",
        "You do not have permission to view this directory or page using the credentials that you supplied.",
    ),
    404: (
        "404 - File or directory not found.",
        "The resource you are looking for might have been removed, had its name changed, or is temporarily "
        "unavailable.",
    ),
    500: (
        "500 - Internal server error.",
        "There is a problem with the resource you are looking for, and it cannot be displayed.",
    ),
}

# http.sys's fixed body, CRLF line ends; 346 bytes as observed (domain §4.2).
HTTPSYS_TOO_LONG = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
    "<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n"
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
    "<BODY><h2>Bad Request - Request Too Long</h2>\r\n"
    "<hr><p>HTTP Error 400. The size of the request headers is too long.</p>\r\n"
    "</BODY></HTML>\r\n"
).encode("ascii")


def detailed_page(
    status: int, substatus: int, url: str, module: str, handler: str, win32: int, logon_method: str, logon_user: str
) -> bytes:
    """The IIS 10.0 Detailed Error page (sent to local callers under errorMode DetailedLocalOnly)."""
    reason, description, cause = _TEXT.get((status, substatus), _TEXT.get((status, 0), ("Error", "", "")))
    code = f"{status}.{substatus}"
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n'
        f"<title>IIS 10.0 Detailed Error - {code} - {reason}</title>\r\n</head>\r\n<body>\r\n"
        '<div id="content">\r\n<div class="content-container">\r\n'
        f"  <h3>HTTP Error {code} - {reason}</h3>\r\n  <h4>{escape(description)}</h4>\r\n</div>\r\n"
        '<div class="content-container">\r\n <fieldset><h4>Most likely causes:</h4>\r\n'
        f"  <ul> \t<li>{escape(cause)}</li> </ul>\r\n </fieldset>\r\n</div>\r\n"
        '<div class="content-container">\r\n <fieldset><h4>Detailed Error Information:</h4>\r\n'
        '  <div id="details-left">\r\n   <table border="0" cellpadding="0" cellspacing="0">\r\n'
        f'    <tr class="alt"><th>Module</th><td>&nbsp;&nbsp;&nbsp;{module}</td></tr>\r\n'
        "    <tr><th>Notification</th><td>&nbsp;&nbsp;&nbsp;AuthenticateRequest</td></tr>\r\n"
        f'    <tr class="alt"><th>Handler</th><td>&nbsp;&nbsp;&nbsp;{handler}</td></tr>\r\n'
        f"    <tr><th>Error Code</th><td>&nbsp;&nbsp;&nbsp;0x{win32:08x}</td></tr>\r\n"
        "   </table>\r\n  </div>\r\n"
        '  <div id="details-right">\r\n   <table border="0" cellpadding="0" cellspacing="0">\r\n'
        f'    <tr class="alt"><th>Requested URL</th><td>&nbsp;&nbsp;&nbsp;{escape(url)}</td></tr>\r\n'
        "    <tr><th>Physical Path</th><td>&nbsp;&nbsp;&nbsp;C:\\inetpub\\wwwroot</td></tr>\r\n"
        f'    <tr class="alt"><th>Logon Method</th><td>&nbsp;&nbsp;&nbsp;{logon_method}</td></tr>\r\n'
        f"    <tr><th>Logon User</th><td>&nbsp;&nbsp;&nbsp;{escape(logon_user)}</td></tr>\r\n"
        "   </table>\r\n  </div>\r\n </fieldset>\r\n</div>\r\n</div>\r\n</body>\r\n</html>\r\n"
    ).encode()


def custom_page(status: int) -> bytes:
    """The custom error page remote callers (API Gateway) get: "Server Error", no substatus."""
    title, text = _CUSTOM.get(status, (f"{status} - Error.", ""))
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>\r\n'
        f"<title>{title}</title>\r\n</head>\r\n<body>\r\n"
        '<div id="header"><h1>Server Error</h1></div>\r\n<div id="content">\r\n'
        ' <div class="content-container"><fieldset>\r\n'
        f"  <h2>{title}</h2>\r\n  <h3>{text}</h3>\r\n </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n"
    ).encode()
