"""Send one request with httpx and keep a redacted, size-capped snapshot; failures name the hop and cause."""

from __future__ import annotations

import errno
import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import httpx

from console.engine.deadline import DeadlineTransport, deadline
from console.engine.redact import redact_headers, redact_text
from console.errors import TraceError, UsageError
from console.model.enums import HopName
from console.model.trace import ResponseSnapshot

BODY_KEEP = 64 * 1024
"""Bytes of a response body kept for diagnosis and display."""
BODY_READ_MAX = 16 * 1024 * 1024
"""Bytes read at most; past this the body is counted as "more than" and the connection closed."""
DEFAULT_TIMEOUT = 10.0
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP token (RFC 9110 §5.6.2): what a method and a header name are made of."""
_HEAD: ContextVar[tuple[int, list[tuple[str, str]]] | None] = ContextVar("baton_response_head", default=None)


def make_client(timeout: float = DEFAULT_TIMEOUT, *, verify: bool | ssl.SSLContext = True) -> httpx.Client:
    """A client that never follows redirects (credential headers would leak to another origin)."""
    # ``verify`` goes to the client as well: it still builds the transports of proxies found in the environment.
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        verify=verify,
        trust_env=True,
        transport=_TransportPerScheme(verify),
        event_hooks={"response": [_keep_head]},
    )


def _keep_head(response: httpx.Response) -> None:
    """Keep the status and headers of the latest answer in this context: httpx refuses a redirect whose Location
    is not a URL before handing the response over, and the diagnosis still wants to name that redirect."""
    _HEAD.set((response.status_code, list(response.headers.multi_items())))


def check_request(
    method: str, headers: Iterable[tuple[str, str]], *, labels: tuple[str, str] = ("method", "header")
) -> None:
    """UsageError unless ``method`` is an HTTP token and every header has a token name and a value of visible ASCII,
    spaces and tabs (RFC 9110 §5.5, §9.1): a line break would split the request, an ESC would reach a terminal.

    Header values are never quoted in the message: the header may carry a credential."""
    method_label, header_label = labels
    if not _TOKEN.fullmatch(method):
        raise UsageError(
            f"{method_label} {method[:40]!r} is not an HTTP method",
            hint="letters, digits and !#$%&'*+-.^_`|~ only, e.g. GET or POST",
        )
    for name, value in headers:
        if not _TOKEN.fullmatch(name):
            raise UsageError(
                f"{header_label} {name[:60]!r}: not a header name",
                hint="letters, digits and !#$%&'*+-.^_`|~ only, e.g. X-User-Id",
            )
        if "\r" in value or "\n" in value:
            raise UsageError(f"{header_label} {name}: the value contains a line break (CR or LF)")
        bad = next((c for c in value if (ord(c) < 32 and c != "\t") or ord(c) == 127), None)
        if bad is not None:
            raise UsageError(f"{header_label} {name}: the value contains the control character U+{ord(bad):04X}")
        if not value.isascii():
            raise UsageError(f"{header_label} {name}: the value is not ASCII (HTTP header values are sent as ASCII)")


def sent_url(url: str) -> str:
    """The URL as it goes on the wire: dot segments resolved and unsafe characters percent-encoded, as httpx
    sends it (``/a/../b`` → ``/b``, a space → ``%20``), so what Baton prints is what the gateway received."""
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL as exc:
        raise UsageError(f"the URL is not usable: {exc}") from None


class _TransportPerScheme(httpx.BaseTransport):
    """One connection pool per URL scheme, each built on the first request that needs it.

    Building the https:// one reads the CA bundle (about 40 ms of CPU). A sandbox session on loopback http never
    needs it, and the console builds its client just after its first paint, while the UI wants the CPU.
    """

    def __init__(self, verify: bool | ssl.SSLContext) -> None:
        self._verify = verify
        self._transports: dict[str, DeadlineTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scheme = request.url.scheme
        transport = self._transports.get(scheme)
        if transport is None:
            with self._lock:
                transport = self._transports.get(scheme)
                if transport is None:
                    context = httpx.create_ssl_context(verify=self._verify) if scheme == "https" else _no_tls()
                    transport = self._transports[scheme] = DeadlineTransport(context)
        return transport.handle_request(request)

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()


def _no_tls() -> ssl.SSLContext:
    """For plain http, which never uses TLS: a context that trusts no certificate, so no handshake could succeed."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verify_mode CERT_REQUIRED, check_hostname on, no CA loaded


def send(
    client: httpx.Client,
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    *,
    body: bytes = b"",
    hop: HopName = HopName.GATEWAY,
    secrets: Iterable[str] = (),
    seconds: float | None = None,
) -> ResponseSnapshot:
    """Send and snapshot the response; raise TraceError (exit 3) naming ``hop`` when it cannot complete.

    The whole exchange (connect, headers, body) must end within ``seconds`` — by default the client's
    timeout, which is ``--timeout``: a wall deadline per hop, not per read, so a peer dripping a byte at a
    time cannot hold the trace. The body is read up to BODY_READ_MAX, then the connection is dropped."""
    start = time.perf_counter()
    _HEAD.set(None)
    where = _host(url)
    budget = hop_budget(client) if seconds is None else seconds
    held = list(secrets)
    kept = bytearray()
    total = 0
    answered = False
    try:
        with (
            deadline(budget) as end,
            client.stream(method, url, headers=list(headers), content=body or None) as response,
        ):
            answered = True
            for chunk in response.iter_bytes():
                total += len(chunk)
                if len(kept) < BODY_KEEP:
                    kept.extend(chunk[: BODY_KEEP - len(kept)])
                if total > BODY_READ_MAX:
                    break
                if time.monotonic() >= end:  # a proxy from the environment bypasses the deadline backend
                    raise httpx.ReadTimeout("deadline")
            raw_headers = list(response.headers.multi_items())
            status, version = response.status_code, response.http_version
    except httpx.UnsupportedProtocol:
        raise UsageError(f"URL {url!r} is not http:// or https://", where=hop) from None
    except httpx.TimeoutException as exc:
        raise TraceError(
            _timeout_reason(exc, where, budget, answered, total),
            hop=hop,
            hint="is the endpoint up and reachable from here?",
        ) from None
    except httpx.ConnectError as exc:
        raise TraceError(_connect_reason(exc, where), hop=hop) from None
    except httpx.LocalProtocolError:  # our side: check_request lets nothing through that h11 refuses, but say so
        raise UsageError(
            f"the request to {where} is not valid HTTP (a method, header name or header value HTTP does not allow)",
            where=hop,
        ) from None
    except httpx.RemoteProtocolError as exc:
        if str(exc).startswith("Invalid URL in location header") and (head := _HEAD.get()) is not None:
            # A redirect whose Location is not a URL (a control character in it): still an answer, to be named.
            (status, raw_headers), version = head, "HTTP/1.1"
        else:
            raise TraceError(_protocol_reason(str(exc), where), hop=hop) from None
    except httpx.HTTPError as exc:
        raise TraceError(f"request to {where} failed ({type(exc).__name__})", hop=hop) from None
    elapsed = (time.perf_counter() - start) * 1000
    text = _decode(bytes(kept), raw_headers)
    if total > len(kept):
        more = "more than " if total > BODY_READ_MAX else ""
        text += f"\n[… body truncated: {more}{total:,} bytes received, first {len(kept):,} kept]"
    return ResponseSnapshot(
        status=status,
        headers=redact_headers(raw_headers, held),
        body=redact_text(text, held),
        body_bytes=total,
        elapsed_ms=elapsed,
        http_version=version,
    )


def _protocol_reason(message: str, where: str) -> str:
    """What was wrong with the peer's answer; never the peer's bytes (h11 quotes them, secrets and escapes too)."""
    lowered = message.lower()
    if any(w in lowered for w in ("illegal status line", "invalid http version", "without sending a response")):
        # (a peer that sends a non-HTTP banner and hangs up reads as "disconnected without a response" too)
        return f"{where} did not answer with HTTP (is this the right port and scheme?)"
    if "location header" in lowered:
        return f"{where} answered with a redirect whose Location header is not a valid URL"
    if "header" in lowered:
        return f"{where} answered HTTP with a malformed header line (not NAME: VALUE, or a character HTTP forbids)"
    if "content-length" in lowered or "chunk" in lowered or "transfer-encoding" in lowered:
        return f"{where} answered HTTP with a malformed body framing (Content-Length or chunked encoding)"
    if "incomplete" in lowered or "closed" in lowered:
        return f"{where} closed the connection before its answer was complete"
    return f"{where} answered with malformed HTTP"


def _timeout_reason(exc: httpx.TimeoutException, where: str, budget: float, answered: bool, received: int) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting to {where} after {budget:g} s"
    if answered:
        return (
            f"timed out waiting for an answer from {where} after {budget:g} s: the body was still arriving "
            f"({received:,} bytes so far); --timeout bounds the whole exchange"
        )
    return f"timed out waiting for an answer from {where} after {budget:g} s"


def _connect_reason(exc: httpx.ConnectError, where: str) -> str:
    cause: Any = exc.__cause__ or exc.__context__
    seen = 0
    while cause is not None and seen < 6:  # httpcore wraps the OS error a few levels deep
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS: the certificate of {where} is not trusted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {where} failed ({cause.reason or 'ssl error'})"
        if isinstance(cause, socket.gaierror):
            return f"DNS: cannot resolve {where.rsplit(':', 1)[0]}"
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return f"connection refused by {where} (nothing listening?)"
        cause = cause.__cause__ or cause.__context__
        seen += 1
    message = str(exc).lower()
    if "name or service not known" in message or "nodename nor servname" in message or "getaddrinfo" in message:
        return f"DNS: cannot resolve {where.rsplit(':', 1)[0]}"
    if "certificate" in message or "ssl" in message:
        return f"TLS handshake with {where} failed"
    if "refused" in message:
        return f"connection refused by {where} (nothing listening?)"
    return f"cannot connect to {where}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def hop_budget(client: httpx.Client) -> float:
    """The wall deadline of one hop: the client's timeout (``--timeout``); DEFAULT_TIMEOUT when it is unusable
    (none, zero, nan or infinite), so no exchange is ever unbounded."""
    value = client.timeout.read or client.timeout.connect
    seconds = float(value) if value is not None else 0.0
    return seconds if math.isfinite(seconds) and seconds > 0 else DEFAULT_TIMEOUT


def _decode(body: bytes, headers: list[tuple[str, str]]) -> str:
    charset = "utf-8"
    for name, value in headers:
        if name.lower() == "content-type" and "charset=" in value.lower():
            charset = value.lower().split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
