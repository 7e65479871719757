"""IIS sub-statuses of 500, 502 and 503 (KB 943891, the ARR 502 article, domain §4.1), in plain words."""

from __future__ import annotations

from console.engine.iis.entry import Entry as E

__all__ = ["SUB_5XX"]

_REWRITE = "URL Rewrite"
_REWRITE_FIX = (
    "Check the rewrite rules; a rule that sets a server variable (HTTP_X_USER_ID …) needs it in allowedServerVariables"
)
_ARR_FIX = "Check that the server behind ARR is up and answers within the farm's proxy timeout (default 30 s)"

SUB_5XX: dict[tuple[int, int], E] = {
    (500, 0): E(
        "Module or ISAPI error occurred",
        "",
        "A module, handler or the application failed; the win32 status and the detailed error name it.",
        None,
    ),
    (500, 11): E("Application is shutting down on the web server", "", "The application pool was shutting down.", None),
    (500, 12): E("Application is busy restarting on the web server", "", "The application pool was restarting.", None),
    (500, 13): E("Web server is too busy", "", "More concurrent requests than the application can take.", None),
    (500, 15): E("Direct requests for Global.asax aren't allowed", "", "Global.asa/Global.asax was requested.", None),
    (500, 19): E(
        "Configuration data is invalid",
        "bad web.config",
        "IIS could not read the configuration for this URL: web.config or applicationHost.config is malformed, "
        "names an uninstalled module/section, or sets a section locked at a parent level.",
        "Fix the configuration file named in the detailed error (its 'Config File' and 'Config Error' lines)",
    ),
    (500, 21): E("Module not recognized", "", "web.config names a module that is not installed.", None),
    (500, 22): E(
        "An ASP.NET httpModules configuration does not apply in Managed Pipeline mode", "", "Classic-only config.", None
    ),
    (500, 23): E(
        "An ASP.NET httpHandlers configuration does not apply in Managed Pipeline mode",
        "",
        "Classic-only config.",
        None,
    ),
    (500, 24): E(
        "An ASP.NET impersonation configuration does not apply in Managed Pipeline mode",
        "",
        "Classic-only config.",
        None,
    ),
    (500, 50): E(
        "A rewrite error occurred during RQ_BEGIN_REQUEST notification handling",
        _REWRITE,
        "A URL Rewrite inbound rule (site-level rules) failed, for example setting a server variable that is not "
        "allowed.",
        _REWRITE_FIX,
    ),
    (500, 51): E(
        "A rewrite error occurred during GL_PRE_BEGIN_REQUEST notification handling",
        _REWRITE,
        "A global URL Rewrite rule failed.",
        _REWRITE_FIX,
    ),
    (500, 52): E(
        "A rewrite error occurred during RQ_SEND_RESPONSE notification handling",
        _REWRITE,
        "A URL Rewrite outbound rule failed.",
        _REWRITE_FIX,
    ),
    (500, 53): E(
        "A rewrite error occurred during RQ_RELEASE_REQUEST_STATE notification handling",
        _REWRITE,
        "A URL Rewrite outbound rule (run before the output cache is updated) failed.",
        _REWRITE_FIX,
    ),
    (500, 100): E("Internal ASP error", "", "A classic ASP page failed.", None),
    (501, 0): E(
        "Header values specify a configuration that is not implemented",
        "",
        "The request asks for an unsupported feature.",
        None,
    ),
    (502, 1): E("CGI application timeout", "", "A CGI application did not answer in time.", None),
    (502, 2): E(
        "Bad gateway: Premature Exit",
        "ARR 3.0.1916: map request failure",
        "A CGI application exited early; on ARR 3.0.1916 and later, 502.2 means ARR failed to map the request.",
        None,
    ),
    (502, 3): E(
        "Bad Gateway: Forwarder Connection Error (ARR)",
        "ARR forwarder connection error",
        "ARR, acting as a proxy, could not complete the request to the server behind it: connection failed, no "
        "answer, or a timeout. The win32 status says which (12002 = timeout).",
        _ARR_FIX,
    ),
    (502, 4): E(
        "Bad Gateway: No Server (ARR)",
        "ARR: no server to forward to",
        "Every server in the ARR farm is offline or unhealthy.",
        "Bring the farm's servers back online (IIS Manager → the farm → Servers)",
    ),
    (502, 5): E("WebSocket failure (ARR)", "", "ARR failed to proxy a WebSocket.", None),
    (502, 6): E("Forwarded request failure (ARR)", "", "ARR's forwarded request failed.", None),
    (502, 7): E("Execute request failure (ARR)", "", "ARR failed to execute the request.", None),
    (503, 0): E(
        "Application pool unavailable",
        "",
        "The request went to an application pool that is stopped or disabled.",
        "Start the application pool; the Windows event log says why it stopped",
    ),
    (503, 2): E(
        "Concurrent request limit exceeded",
        "",
        "More concurrent requests than appConcurrentRequestLimit allows.",
        "Raise serverRuntime appConcurrentRequestLimit, or find why requests pile up",
    ),
    (503, 3): E("ASP.NET queue full", "", "ASP.NET's request queue is full.", None),
    (503, 4): E("FastCGI queue full", "", "The FastCGI request queue is full.", None),
}
