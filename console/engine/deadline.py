"""A wall-clock deadline for every socket operation of a request: connect, TLS, headers and body together.

httpx's timeouts are per operation: a peer sending one byte every 2 s never trips a 5 s read timeout and
holds the caller for as long as it likes. Inside ``with deadline(s):`` each connect, read and write made
through a DeadlineTransport gets at most the time left, and fails with a timeout once none is left.
The deadline is a context variable, so it follows the thread that sends and never leaks to another
request; a pooled connection reused later obeys the deadline of whoever uses it then.
"""

from __future__ import annotations

import contextlib
import math
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineTransport", "deadline", "remaining"]

_DEADLINE: ContextVar[float | None] = ContextVar("baton_deadline", default=None)
LONGEST_WAIT = 86400.0
"""No socket operation waits longer than a day: the OS refuses timeouts past its time_t (OverflowError), and the
command line already caps --timeout far below this; this is the floor under every other caller."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every request inside must end within ``seconds`` (a nested deadline never extends an outer one).

    Yields the deadline as a ``time.monotonic()`` value, for loops that want to check it themselves."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"a deadline must be a positive number of seconds, not {seconds!r}")
    end = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(end if outer is None else min(outer, end))
    try:
        yield end if outer is None else min(outer, end)
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline, or None outside any."""
    end = _DEADLINE.get()
    return None if end is None else end - time.monotonic()


def _bounded(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """The operation's own timeout, cut to the time left; raises ``expired`` when none is left."""
    left = remaining()
    if left is not None and left <= 0:
        raise expired("the deadline for this request has passed")
    if timeout is None or not math.isfinite(timeout):  # min() with nan would keep the nan
        return None if left is None else min(left, LONGEST_WAIT)
    return min(timeout, LONGEST_WAIT if left is None else left, LONGEST_WAIT)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# Most specific first: the first match wins (httpx maps httpcore's exceptions the same way).
_MAPPED: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _as_httpx() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = next((to for source, to in _MAPPED if isinstance(exc, source)), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc  # the cause chain keeps the OS/TLS error for the caller's diagnosis


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport over httpcore's connection pool whose sockets obey :func:`deadline`."""

    def __init__(self, ssl_context: ssl.SSLContext) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            network_backend=_Backend(),
            http1=True,
            http2=False,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,  # httpx's defaults
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = httpcore.URL(
            scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port, target=request.url.raw_path
        )
        core = httpcore.Request(
            method=request.method,
            url=url,
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx():
            response = self._pool.handle_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()
