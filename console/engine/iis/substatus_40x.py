"""IIS sub-statuses of 400, 401 and 403 (KB 943891, domain §4.1), in Microsoft's titles and plain words."""

from __future__ import annotations

from console.engine.iis.entry import Entry as E

__all__ = ["SUB_40X"]

_DIPR = "Dynamic IP Restrictions"
_DIPR_FIX = "Check the site's Dynamic IP Restrictions / IP and Domain Restrictions rules and the address IIS sees"
_BEHIND_GW = " Behind API Gateway every caller arrives from AWS addresses, so one rule hits everyone."
_CERT_FIX = (
    "Give the caller a client certificate IIS trusts (API Gateway: the stage's clientCertificateId; "
    "IIS: the issuing CA in the server's trusted root store), or stop requiring one"
)

SUB_40X: dict[tuple[int, int], E] = {
    (400, 0): E(
        "Bad Request", "malformed, or over the http.sys limits", "The request was malformed or too large.", None
    ),
    (400, 1): E("Invalid Destination Header", "", "A WebDAV Destination header was invalid.", None),
    (400, 2): E("Invalid Depth Header", "", "A WebDAV Depth header was invalid.", None),
    (400, 3): E("Invalid If Header", "", "A WebDAV If header was invalid.", None),
    (400, 4): E("Invalid Overwrite Header", "", "A WebDAV Overwrite header was invalid.", None),
    (400, 5): E("Invalid Translate Header", "", "The Translate header was invalid.", None),
    (400, 6): E("Invalid Request Body", "", "The request body could not be read as what it claimed to be.", None),
    (400, 7): E("Invalid Content Length", "", "The Content-Length header does not match a valid length.", None),
    (400, 8): E("Invalid Timeout", "", "A WebDAV Timeout header was invalid.", None),
    (400, 9): E("Invalid Lock Token", "", "A WebDAV lock token was invalid.", None),
    (400, 10): E(
        "Invalid X-Forwarded-For (XFF) header",
        "",
        "IIS (8.0+) could not parse the X-Forwarded-For header a proxy added.",
        "Check what the proxy in front of IIS writes into X-Forwarded-For",
    ),
    (400, 11): E("Invalid WebSocket request", "", "The WebSocket upgrade request was not valid.", None),
    (400, 601): E("Bad client request (ARR)", "", "ARR rejected the client's request as malformed.", None),
    (400, 602): E("Invalid time format (ARR)", "", "ARR could not parse a date/time header.", None),
    (400, 603): E("Parse range error (ARR)", "", "ARR could not parse the Range header.", None),
    (400, 604): E("Client gone (ARR)", "", "The client disconnected while ARR handled the request.", None),
    (400, 605): E(
        "Maximum number of forwards (ARR)", "", "Max-Forwards ran out: the request looped through proxies.", None
    ),
    (400, 606): E("Asynchronous competition error (ARR)", "", "ARR hit an asynchronous completion error.", None),
    (401, 0): E(
        "Unauthorized",
        "no IIS sub-status: likely set by the application, not by IIS authentication",
        "IIS recorded no sub-status, so IIS's own authentication did not refuse; most likely the application "
        "(ASP.NET, a module) answered 401 itself.",
        "Look at the application's own authentication (its scheme, the identity header it reads)",
    ),
    (401, 1): E(
        "Logon failed",
        "the credentials are invalid",
        "IIS received credentials and the logon with them failed (bad user name or password, or the "
        "Kerberos/NTLM exchange was refused). The win32 status says which.",
        "Check the account and password, or the Windows-auth exchange named by the win32 status",
    ),
    (401, 2): E(
        "Logon failed due to server configuration",
        "no enabled authentication method accepts what was sent",
        "No authentication method enabled for this URL accepts what the request carried: no credentials yet, or a "
        "scheme IIS does not offer (for example Bearer while only Windows authentication is on).",
        "Enable the authentication the caller uses, or anonymous authentication if the gateway has already "
        "authenticated the caller",
    ),
    (401, 3): E(
        "Unauthorized due to ACL on resource",
        "NTFS permissions",
        "The identity IIS runs the request as (the user, IUSR or the application-pool identity) lacks NTFS "
        "permission on the file or folder.",
        "Grant that identity read access on the content folder",
    ),
    (401, 4): E("Authorization failed by filter", "", "An ISAPI filter refused the request for authorization.", None),
    (401, 5): E(
        "Authorization failed by ISAPI/CGI application", "", "An ISAPI or CGI application refused the request.", None
    ),
    (401, 501): E(
        "Access denied: concurrent request rate limit reached",
        _DIPR,
        "Too many concurrent requests from one client IP." + _BEHIND_GW,
        _DIPR_FIX,
    ),
    (401, 502): E(
        "Access denied: maximum request rate limit reached",
        _DIPR,
        "Too many requests from one client IP within the time window." + _BEHIND_GW,
        _DIPR_FIX,
    ),
    (401, 503): E(
        "Access denied: IP address denied", "IP restriction", "The client IP is in the deny list.", _DIPR_FIX
    ),
    (401, 504): E(
        "Access denied: host name denied", "IP restriction", "The client host is in the deny list.", _DIPR_FIX
    ),
    (403, 1): E("Execute access forbidden", "", "Execute permission is not granted for this path.", None),
    (403, 2): E(
        "Read access forbidden", "", "Read permission is not granted, or the default document is missing.", None
    ),
    (403, 3): E("Write access forbidden", "", "Write permission is not granted (IIS and NTFS).", None),
    (403, 4): E(
        "SSL required",
        "",
        "The site requires HTTPS and the request came over plain HTTP.",
        "Point the integration at the https:// address, or stop requiring SSL for this path",
    ),
    (403, 5): E("SSL 128 required", "", "The site requires 128-bit SSL and the request did not use it.", None),
    (403, 6): E(
        "IP address rejected",
        "IP restrictions",
        "IIS is configured to deny the client's IP address." + _BEHIND_GW,
        _DIPR_FIX,
    ),
    (403, 7): E(
        "Client certificate required",
        "",
        "IIS requires a client certificate and the caller presented none (or IIS asked for it too late, during "
        "renegotiation).",
        _CERT_FIX,
    ),
    (403, 8): E(
        "Site access denied", "DNS name restriction", "Requests from the client's DNS name are denied.", _DIPR_FIX
    ),
    (403, 9): E("Concurrent connections exceeded", "", "Too many clients are connected to the server.", None),
    (403, 10): E("Forbidden: Execute access denied", "", "The server denies Execute access.", None),
    (403, 11): E("Forbidden: Password changed", "", "A password has been changed.", None),
    (403, 12): E(
        "Mapper denied access",
        "client certificate mapping",
        "The user mapped from the client certificate is denied access to the file.",
        None,
    ),
    (403, 13): E("Client certificate revoked", "", "The client certificate was revoked by its CA.", _CERT_FIX),
    (403, 14): E(
        "Directory listing denied",
        "no default document",
        "The URL names a folder that has no default document and directory browsing is off: usually a wrong path "
        "(routing), not an identity problem.",
        "Check the path the integration sends, or add a default document",
    ),
    (403, 15): E("Client access licenses exceeded", "", "The server's client access licences are used up.", None),
    (403, 16): E(
        "Client certificate is untrusted or invalid",
        "",
        "The caller sent a client certificate IIS does not trust or cannot validate.",
        _CERT_FIX,
    ),
    (403, 17): E(
        "Client certificate has expired or is not yet valid",
        "",
        "The client certificate is outside its dates.",
        _CERT_FIX,
    ),
    (403, 18): E(
        "Cannot execute requested URL in the current application pool",
        "",
        "A custom error page lives in a different application pool from the requested URL.",
        None,
    ),
    (403, 19): E(
        "Cannot execute CGI applications for the client browser in this application pool",
        "",
        "The application-pool identity lacks the 'Replace a process level token' right.",
        None,
    ),
    (403, 20): E("Forbidden: Passport logon failed", "", "Passport logon is not allowed.", None),
    (403, 21): E("Forbidden: Source access denied", "", "WebDAV access to source code is not allowed.", None),
    (403, 22): E(
        "Forbidden: Infinite depth is denied", "", "WebDAV requests with infinite depth are not allowed.", None
    ),
    (403, 501): E(
        "Forbidden: concurrent request rate limit reached", _DIPR, "Too many concurrent requests.", _DIPR_FIX
    ),
    (403, 502): E(
        "Forbidden: maximum request rate limit reached", _DIPR, "Too many requests in the window.", _DIPR_FIX
    ),
    (403, 503): E("Forbidden: IP address denied", "IP restriction", "The client IP is in the deny list.", _DIPR_FIX),
    (403, 504): E("Forbidden: host name denied", "IP restriction", "The client host is in the deny list.", _DIPR_FIX),
}
