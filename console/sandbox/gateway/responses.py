"""API Gateway's own answers: gateway responses (status, body, x-amzn-ErrorType) and backend header remapping."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import formatdate

__all__ = ["HTTP_ERRORS", "REST_ERRORS", "GatewayError", "http_date", "remap_backend_headers"]


@dataclass(frozen=True, slots=True)
class GatewayError:
    """One default gateway response: what the client gets when API Gateway itself refuses."""

    response_type: str
    status: int
    body: bytes
    error_type: str | None
    """x-amzn-ErrorType (REST only; HTTP APIs send none)."""


def _body(message: str | None, key: str = "message", spaced: bool = False) -> bytes:
    sep = (", ", ": ") if spaced else (",", ":")
    return json.dumps({key: message}, separators=sep).encode()


# Domain §1.7 table; bodies byte for byte as documented (note the space in the 504 bodies and the
# capital "Message" of the explicit-deny body, F09).
REST_ERRORS: dict[str, GatewayError] = {
    "MISSING_AUTHENTICATION_TOKEN": GatewayError(
        "MISSING_AUTHENTICATION_TOKEN",
        403,
        _body("Missing Authentication Token"),
        "MissingAuthenticationTokenException",
    ),
    "UNAUTHORIZED": GatewayError("UNAUTHORIZED", 401, _body("Unauthorized"), "UnauthorizedException"),
    "ACCESS_DENIED_EXPLICIT": GatewayError(
        "ACCESS_DENIED",
        403,
        _body("User is not authorized to access this resource with an explicit deny", key="Message"),
        "AccessDeniedException",
    ),
    "ACCESS_DENIED": GatewayError(
        "ACCESS_DENIED", 403, _body("User is not authorized to access this resource"), "AccessDeniedException"
    ),
    # Body "commonly {"message": null}" is marked [inf] in the domain file; kept as the best guess.
    "AUTHORIZER_CONFIGURATION_ERROR": GatewayError(
        "AUTHORIZER_CONFIGURATION_ERROR", 500, _body(None), "AuthorizerConfigurationException"
    ),
    "INVALID_API_KEY": GatewayError("INVALID_API_KEY", 403, _body("Forbidden"), "ForbiddenException"),
    "THROTTLED": GatewayError("THROTTLED", 429, _body("Too Many Requests"), "TooManyRequestsException"),
    # The domain table lists no x-amzn-ErrorType for the timeout; none is sent.
    "INTEGRATION_TIMEOUT": GatewayError(
        "INTEGRATION_TIMEOUT", 504, _body("Endpoint request timed out", spaced=True), None
    ),
    "INTEGRATION_FAILURE": GatewayError(
        "INTEGRATION_FAILURE",
        504,
        _body("Network error communicating with endpoint", spaced=True),
        "InternalServerErrorException",
    ),
}

HTTP_ERRORS: dict[str, GatewayError] = {
    "NOT_FOUND": GatewayError("NOT_FOUND", 404, _body("Not Found"), None),
    "UNAUTHORIZED": GatewayError("UNAUTHORIZED", 401, _body("Unauthorized"), None),
    # Domain §2.2 [inf]: missing scope as 403 Forbidden with error="insufficient_scope".
    "FORBIDDEN": GatewayError("FORBIDDEN", 403, _body("Forbidden"), None),
    "INTEGRATION_TIMEOUT": GatewayError("INTEGRATION_TIMEOUT", 503, _body("Service Unavailable"), None),
    "INTEGRATION_FAILURE": GatewayError("INTEGRATION_FAILURE", 500, _body("Internal Server Error"), None),
}

# REST remaps these backend response headers to x-amzn-Remapped-<name> (domain §1.11, F26);
# X-Powered-By and the rest pass through unchanged.
_REMAPPED = {
    "server": "Server",
    "www-authenticate": "WWW-Authenticate",
    "date": "Date",
    "connection": "Connection",
    "content-length": "Content-Length",
}
_DROPPED = {"transfer-encoding", "keep-alive"}


def remap_backend_headers(headers: list[tuple[str, str]], rest: bool) -> list[tuple[str, str]]:
    """Backend response headers as the client receives them through the gateway."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        low = name.lower()
        if low in _DROPPED:
            continue
        if low in _REMAPPED:
            if rest:
                out.append((f"x-amzn-Remapped-{_REMAPPED[low]}", value))
            elif low in {"server", "www-authenticate"}:
                out.append((name, value))
            continue
        out.append((name, value))
    return out


_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    """An RFC 7231 Date header value (formatted once per second)."""
    global _date_cache  # noqa: PLW0603 - a one-slot cache; the value only depends on the second
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]
