"""Loopback peers that misbehave on purpose: drip bytes, flood, echo secrets, answer with hostile text.

Every peer stops by itself: a drip sends a bounded number of bytes, a flood a bounded number of chunks,
and every send fails as soon as the client hangs up, so no test leaves a thread running for long.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[socket.socket, bytes], None]


@contextmanager
def serve(handle: Handler) -> Iterator[str]:
    """Accept connections on 127.0.0.1, read each request, hand it to ``handle``; yields ``http://127.0.0.1:PORT``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=_serve, args=(handle, conn), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        server.close()


def _serve(handle: Handler, conn: socket.socket) -> None:
    try:
        conn.settimeout(10)
        handle(conn, _read_request(conn))
    except OSError:
        pass  # the client hung up: that is what the deadline tests want
    finally:
        conn.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 1 << 20:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def answer(status: int, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> Handler:
    """A complete, well-formed answer (headers given as text may hold any character, sent as UTF-8)."""

    def handle(conn: socket.socket, _request: bytes) -> None:
        head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        conn.sendall(head.encode("utf-8") + body)

    return handle


def drip_body(every: float = 0.2, total: int = 2000) -> Handler:
    """Valid headers, then the body one byte every ``every`` seconds (``total`` bytes would take minutes)."""

    def handle(conn: socket.socket, _request: bytes) -> None:
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n".encode())
        for _ in range(total):
            conn.sendall(b" ")
            time.sleep(every)

    return handle


def drip_headers(every: float = 0.2, count: int = 2000) -> Handler:
    """A status line, then one header byte every ``every`` seconds: the headers never end in time."""

    def handle(conn: socket.socket, _request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(count):
            conn.sendall(b"a")
            time.sleep(every)

    return handle


def flood(chunk: int = 64 * 1024, chunks: int = 1600) -> Handler:
    """200 with a body far larger than any token response (100 MiB), sent as fast as the client reads."""

    def handle(conn: socket.socket, _request: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {chunk * chunks}\r\n\r\n".encode()
            + b'{"access_token": "'
        )
        block = b"A" * chunk
        for _ in range(chunks):
            conn.sendall(block)

    return handle


def echo_request(status: int = 400) -> Handler:
    """Answers with the form it received, then the request head, as the OAuth ``error`` (an echoing endpoint)."""

    def handle(conn: socket.socket, request: bytes) -> None:
        import json

        head, _, form = request.partition(b"\r\n\r\n")
        body = json.dumps({"error": f"bad request {form.decode('latin-1')} {head.decode('latin-1')}"}).encode()
        answer(status, body, (("Content-Type", "application/json"),))(conn, request)

    return handle
