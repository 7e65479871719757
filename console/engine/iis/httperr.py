"""Every reason phrase http.sys writes to its HTTPERR log (s-reason), with what it means, who refused and the fix.

Sources (the phrase list and their meanings; the wording here is Baton's):
- "Error logging in HTTP APIs" (KB 820729), https://docs.microsoft.com/en-us/troubleshoot/aspnet/error-logging-http-apis
  (formerly https://support.microsoft.com/kb/820729): the full list, Client_Reset … Timer_SslRenegotiation included
- "Types of Errors Logged by the HTTP Server API",
  https://learn.microsoft.com/windows/win32/http/types-of-errors-logged-by-the-http-server-api
- "Http.sys registry settings for Windows" (KB 820129) for the registry knobs, domain §4.2; N19/N24 in
  failure-modes-more.md for Hostname and Timer_SslRenegotiation behind API Gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REASONS", "HttpErrReason", "httperr_reason"]

HTTPSYS = "http.sys"
_REG = r"HKLM\System\CurrentControlSet\Services\HTTP\Parameters"
_RESTART = "; restart the HTTP service (net stop http / net start http) after a registry change"
_CRASH = "Find the worker-process crash or hang in the Windows event log (WAS/Application); take a crash dump"
_QUEUE = "the application pool did not take the request off its queue within ConnectionTimeout (default 2 minutes)"
_QUEUE_FIX = "Find why the worker process is busy, hung or not starting; check the pool's state and queueLength"
_FIX_CLIENT = "Fix the client or proxy that builds the request; behind API Gateway, the mapping that builds it"
_LIMITS = "system.applicationHost/webLimits"


@dataclass(frozen=True, slots=True)
class HttpErrReason:
    """One HTTPERR reason phrase in words."""

    reason: str
    meaning: str
    fix: str | None
    who: str = HTTPSYS
    """Who refused or ended the request: http.sys, or the client (http.sys only logged it)."""
    status: int | None = None
    """The HTTP status http.sys answered with, where Microsoft's page names it."""
    normal: bool = False
    """True when the line is routine housekeeping, not a failure of any request."""
    known: bool = True


def _r(
    reason: str, meaning: str, fix: str | None, status: int | None = None, *, who: str = HTTPSYS, normal: bool = False
) -> HttpErrReason:
    return HttpErrReason(reason, meaning, fix, who, status, normal)


_TABLE = (
    _r("AppOffline", "503: the application was taken offline because of application errors.", _CRASH, 503),
    _r("AppPoolTimer", "503: the application pool's process was too busy to take the request.", _QUEUE_FIX, 503),
    _r(
        "AppShutdown",
        "503: the application shut down automatically in response to administrator policy (recycling, idle timeout).",
        "Check the pool's recycling and idle time-out settings; usually transient",
        503,
    ),
    _r("BadRequest", "400: the request could not be parsed.", _FIX_CLIENT, 400),
    _r(
        "Client_Reset",
        "The client closed the connection before the request was handed to a worker process.",
        "Compare the client's timeout (API Gateway integration timeout) with how long IIS takes",
        who="the client",
    ),
    _r("Connection_Abandoned_By_AppPool", "The worker process crashed or dropped a pending request.", _CRASH),
    _r(
        "Connection_Abandoned_By_ReqQueue",
        "The worker process quit unexpectedly or orphaned a pending request (Windows Server 2008 and later).",
        _CRASH,
    ),
    _r(
        "Connection_Dropped",
        "The client disconnected before the final response was sent; it may already have had the response.",
        "Compare the client's timeout with time-taken; check the load balancer in front of IIS",
        who="the client",
    ),
    _r(
        "Connection_Dropped_List_Full",
        "So many clients dropped connections that http.sys's list of dropped connections is full.",
        "Find why clients or the load balancer drop connections in bulk (health checks, timeouts)",
        who="the client",
    ),
    _r(
        "ConnLimit",
        "503: the site's connection limit was reached.",
        "Raise the site's limits maxConnections, or find why connections pile up",
        503,
    ),
    _r(
        "Connections_Refused",
        "Kernel NonPagedPool memory fell below 20 MB and http.sys stopped accepting new connections.",
        f"Relieve the server's memory pressure; {_REG} EnableAggressiveMemoryUsage lowers the floor to 8 MB",
    ),
    _r("Disabled", "503: an administrator took the application offline.", "Start the application pool / site", 503),
    _r("EntityTooLarge", "The request body exceeded the maximum size allowed.", "Send a smaller body"),
    _r(
        "FieldLength",
        "400: one header (or the URL) is longer than http.sys's per-field limit — 'Request Too Long'.",
        f"Shrink the header (Kerberos token bloat, cookies, a forwarded JWT or large mapped claims), or raise {_REG} "
        f"MaxFieldLength (default 16384, up to 65534) with MaxRequestBytes{_RESTART}",
        400,
    ),
    _r(
        "Forbidden",
        "400: a forbidden element or character sequence was found while parsing.",
        _FIX_CLIENT + f"; some characters are governed by {_REG} AllowRestrictedChars / PercentUAllowed",
        400,
    ),
    _r("Header", "400: a header could not be parsed.", _FIX_CLIENT, 400),
    _r(
        "Hostname",
        "400: the Host header could not be parsed or matches no binding ('The request hostname is invalid').",
        "Bind the IIS site to the host name the caller sends (API Gateway sends the integration host), or use a "
        "binding without a host name; carry the client's host in X-Forwarded-Host",
        400,
    ),
    _r("Internal", "500: an internal error in http.sys.", "Look for HTTP events in the System event log", 500),
    _r("Invalid_CR/LF", "400: an illegal carriage return or line feed in the request.", _FIX_CLIENT, 400),
    _r(
        "LengthRequired",
        "A request with a body carried no length.",
        "Send Content-Length or Transfer-Encoding: chunked",
    ),
    _r(
        "N/A",
        "503: an internal error, such as a failed memory allocation or a URL reservation conflict.",
        "Check the System event log and the URL reservations (netsh http show urlacl)",
        503,
    ),
    _r(
        "N/I",
        "501 (not implemented), or 503 because of an unknown Transfer-Encoding.",
        "Send a Transfer-Encoding http.sys knows (chunked)",
    ),
    _r("Number", "400: a number (such as Content-Length) could not be parsed.", _FIX_CLIENT, 400),
    _r("Precondition", "A required precondition was missing.", _FIX_CLIENT),
    _r(
        "QueueFull",
        "503: the application pool's request queue is full.",
        "Find why the workers are slow or hung; the pool's queueLength (default 1000) only buys time",
        503,
    ),
    _r(
        "RequestLength",
        "400: the request line plus headers are longer than http.sys allows — 'Request Too Long'.",
        f"Shrink the headers, or raise {_REG} MaxRequestBytes (default 16384, up to 16777216){_RESTART}",
        400,
    ),
    _r("Timer_AppPool", f"The connection expired because {_QUEUE}.", _QUEUE_FIX),
    _r(
        "Timer_ConnectionIdle",
        "An idle keep-alive connection was closed after ConnectionTimeout (default 2 minutes): routine cleanup, "
        "not an error of any request.",
        None,
        normal=True,
    ),
    _r(
        "Timer_EntityBody",
        "The request body did not arrive before ConnectionTimeout (reset each time more data arrives).",
        f"Find the slow or stalled client; the limit is the site's connectionTimeout / {_LIMITS}",
        who="the client",
    ),
    _r(
        "Timer_HeaderWait",
        "The request headers took longer than the limit (default 2 minutes) to arrive.",
        f"A slow or hostile client; the limit is {_LIMITS} headerWaitTimeout",
        who="the client",
    ),
    _r(
        "Timer_MinBytesPerSecond",
        "The client received the response slower than the minimum rate (240 bytes/s by KB 820729; 150 by the "
        "Win32 page).",
        f"A slow client or network; the limit is {_LIMITS} minBytesPerSecond",
        who="the client",
    ),
    _r("Timer_ReqQueue", f"The connection expired because {_QUEUE} (Windows Server 2008 and later).", _QUEUE_FIX),
    _r("Timer_Response", "Reserved; Microsoft documents it as not used.", None),
    _r(
        "Timer_SslRenegotiation",
        "TLS renegotiation (IIS asking for a client certificate mid-connection) took longer than 2 minutes.",
        "Enable Negotiate Client Certificate on the http.sys binding (netsh http … clientcertnegotiation=enable) so "
        "the certificate is asked for in the first handshake",
    ),
    _r(
        "URL",
        "400: the URL could not be parsed.",
        _FIX_CLIENT + f"; {_REG} EnableNonUTF8 / FavorUTF8 / AllowRestrictedChars decide what http.sys accepts",
        400,
    ),
    _r(
        "URL_Length",
        "The URL is longer than http.sys allows.",
        f"Shorten the URL; {_REG} UrlSegmentMaxLength (260 per segment), UrlSegmentMaxCount (255) and MaxFieldLength "
        f"bound it{_RESTART}",
    ),
    _r("Verb", "400: the HTTP verb could not be parsed.", _FIX_CLIENT, 400),
    _r("Version_N/S", "505: the HTTP version is not supported.", _FIX_CLIENT, 505),
)

REASONS: dict[str, HttpErrReason] = {entry.reason: entry for entry in _TABLE}
_BY_FOLDED = {name.casefold(): entry for name, entry in REASONS.items()}


def httperr_reason(reason: str) -> HttpErrReason:
    """The documented meaning of an HTTPERR reason phrase (case-insensitive); an unknown one is said to be unknown."""
    text = reason.strip() if isinstance(reason, str) else ""
    found = _BY_FOLDED.get(text.casefold())
    if found is not None:
        return found
    shown = text or "(empty)"
    return HttpErrReason(
        shown,
        f"{shown}: not a reason phrase Microsoft documents for the HTTPERR log; no meaning known.",
        None,
        HTTPSYS,
        None,
        False,
        known=False,
    )
