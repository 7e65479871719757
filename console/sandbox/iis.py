"""The IIS 10 emulator: http.sys limits, authentication, the trusted-header module, echo endpoint, W3C log.

Echo endpoint: ``GET /whoami`` returns as JSON what IIS received (headers, HTTP_ server variables,
resolved user, auth type). ``GET /orders`` is a second route (for cross-route scenarios).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from console.sandbox.config import CORRELATION_HEADER, ORIGIN_SECRET_HEADER, IisConfig
from console.sandbox.gateway.forward import HOP_HEADER
from console.sandbox.gateway.responses import http_date
from console.sandbox.iis_pages import HTTPSYS_TOO_LONG, custom_page, detailed_page
from console.sandbox.records import (
    SECRET_HEADERS,
    RequestStore,
    header_value,
    mask_headers,
    mask_secret,
    new_record,
)
from console.sandbox.w3c_log import HttpErrLog, W3cLog, w3c_value

__all__ = ["ECHO_PATH", "Iis", "server_variable_name"]

ECHO_PATH = "/whoami"
_BASE_HEADERS = [(b"server", b"Microsoft-IIS/10.0"), (b"x-powered-by", b"ASP.NET")]


def server_variable_name(header: str) -> str:
    """IIS naming: dashes to underscores, upper case, ``HTTP_`` prefix (so X-User-Sub and X_User_Sub collide)."""
    return "HTTP_" + header.replace("-", "_").upper()


class Iis:
    """One site (W3SVC1) on ``port``; ``origin_secret`` is what the gateway's stage variable carries."""

    def __init__(self, cfg: IisConfig, log_dir: Path, store: RequestStore, port: int, origin_secret: str) -> None:
        self.cfg = cfg
        self.store = store
        self.port = port
        self.origin_secret = origin_secret
        self.log = W3cLog(log_dir / "W3SVC1")
        self.httperr = HttpErrLog(log_dir / "HTTPERR")
        self.log_path = self.log.ensure()
        self._direct = 0

    def close(self) -> None:
        """Close the log files."""
        self.log.close()
        self.httperr.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.monotonic()
        raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        hop = next((v for k, v in raw if k == HOP_HEADER), None)
        headers = [(k, v) for k, v in raw if k != HOP_HEADER]
        record = self.store.pending.pop(hop, None) if hop else None
        if record is None:
            record = self._direct_record(scope, headers)
        iis = record["iis"]
        too_long = self._httpsys_reason(scope, headers)
        if too_long:
            # http.sys answers before IIS: no site log line, an HTTPERR line instead (domain §4.2, F31).
            iis.update(status=400, substatus=None, log_line=None, rejected_by="http.sys")
            await _send(
                send,
                400,
                [
                    (b"content-type", b"text/html; charset=us-ascii"),
                    (b"server", b"Microsoft-HTTPAPI/2.0"),
                    (b"date", http_date().encode()),
                    (b"connection", b"close"),
                ],
                HTTPSYS_TOO_LONG,
                httpsys=True,
            )
            client = scope.get("client") or ("-", 0)
            self.httperr.write(
                [
                    client[0],
                    str(client[1]),
                    "127.0.0.1",
                    str(self.port),
                    "HTTP/1.1",
                    scope["method"],
                    w3c_value(scope["path"]),
                    "400",
                    "-",
                    too_long,
                    "-",
                ],
                datetime.now(UTC),
            )
            return
        variables = self._server_variables(headers)
        iis.update(received=True, headers=mask_headers(headers), server_variables=variables)
        status, substatus, win32, body, extra = await self._respond(scope, receive, headers, iis)
        gone = status == 0
        elapsed = int((time.monotonic() - started) * 1000)
        client = scope.get("client") or ("-", 0)
        # Written just before the response goes out (real IIS logs after the last send): whoever reads
        # the log or the ground truth after getting the response always finds the line.
        line = self.log.write(
            [
                "127.0.0.1",
                scope["method"],
                w3c_value(scope["path"]),
                w3c_value(scope["query_string"].decode("latin-1")),
                str(self.port),
                "-",
                client[0],
                w3c_value(header_value(headers, "user-agent")),
                w3c_value(header_value(headers, "referer")),
                str(status or 200),
                str(substatus),
                str(win32),
                str(elapsed),
                w3c_value(header_value(headers, CORRELATION_HEADER)),
                w3c_value(header_value(headers, "x-user-sub")),
            ],
            datetime.now(UTC),
        )
        iis.update(status=status or 200, substatus=substatus, log_line=line)
        if not gone:
            await _send(send, status, extra, body)

    def _direct_record(self, scope: Scope, headers: list[tuple[str, str]]) -> dict[str, Any]:
        # A caller reached IIS without the gateway (curl, or an attacker): recorded so the feed and
        # the ground truth show it, with the gateway hops marked as bypassed.
        self._direct += 1
        query = scope["query_string"].decode("latin-1")
        record = new_record(
            f"iis-direct-{self._direct}-{secrets.token_hex(4)}",
            header_value(headers, CORRELATION_HEADER),
            scope["method"],
            scope["path"] + (f"?{query}" if query else ""),
            mask_headers(headers),
        )
        record["gateway"]["outcome"] = "bypassed"
        record["authorizer"]["reason"] = "request did not pass through the gateway"
        self.store.add(record)
        return record

    def _httpsys_reason(self, scope: Scope, headers: list[tuple[str, str]]) -> str | None:
        target = scope.get("raw_path", scope["path"].encode())
        query = scope["query_string"]
        total = len(scope["method"]) + 1 + len(target) + (len(query) + 1 if query else 0) + len(" HTTP/1.1\r\n")
        for name, value in headers:
            field = len(name) + 2 + len(value)
            if field > self.cfg.max_field_length:
                return "FieldLength"
            total += field + 2
        return "RequestLength" if total + 2 > self.cfg.max_request_bytes else None

    def _server_variables(self, headers: list[tuple[str, str]]) -> dict[str, str]:
        variables: dict[str, str] = {}
        for name, value in headers:
            key = server_variable_name(name)
            # Colliding names (X-User-Sub / X_User_Sub) come back comma-joined [inf, F34].
            shown = mask_secret(value) if name.lower() in SECRET_HEADERS else value
            variables[key] = f"{variables[key]},{shown}" if key in variables else shown
        return variables

    def _identity(self, headers: list[tuple[str, str]]) -> str | None:
        # The trusted-header module reads the header by its exact (hyphenated) name, never HTTP_*.
        value = header_value(headers, self.cfg.trusted_header)
        if not value:
            return None
        if self.cfg.require_origin_secret:
            presented = header_value(headers, ORIGIN_SECRET_HEADER) or ""
            if not secrets.compare_digest(presented, self.origin_secret):
                return None
        return value

    async def _respond(
        self, scope: Scope, receive: Receive, headers: list[tuple[str, str]], iis: dict[str, Any]
    ) -> tuple[int, int, int, bytes, list[tuple[bytes, bytes]]]:
        """(status, substatus, win32, body, headers); status 0 when the caller went away first."""
        # errorMode DetailedLocalOnly: the gateway is remote in reality, so its requests get custom pages.
        local = header_value(headers, "x-amzn-apigateway-api-id") is None
        url = f"http://127.0.0.1:{self.port}{scope['path']}"
        if self.cfg.windows_auth:
            auth = header_value(headers, "authorization") or ""
            scheme = auth.split(" ", 1)[0].lower()
            # A Bearer (or no) credential is a scheme IIS cannot process: 401.2, win32 5; a Negotiate/NTLM
            # blob cannot be validated without a domain: 401.1 SEC_E_LOGON_DENIED.
            sub, win32 = (1, 2148074252) if scheme in {"negotiate", "ntlm"} else (2, 5)
            body = (
                detailed_page(
                    401,
                    sub,
                    url,
                    "WindowsAuthenticationModule",
                    "ExtensionlessUrlHandler-Integrated-4.0",
                    win32,
                    "Not yet determined",
                    "Not yet determined",
                )
                if local
                else custom_page(401)
            )
            return (
                401,
                sub,
                win32,
                body,
                [(b"content-type", b"text/html"), (b"www-authenticate", b"Negotiate"), (b"www-authenticate", b"NTLM")],
            )
        user = self._identity(headers)
        iis.update(user=user, auth_type="TrustedHeader" if user else None)
        iis["server_variables"].update(
            AUTH_TYPE="TrustedHeader" if user else "",
            AUTH_USER=user or "",
            REMOTE_ADDR=(scope.get("client") or ("", 0))[0],
        )
        if self.cfg.delay_ms and not await _wait_unless_gone(receive, self.cfg.delay_ms / 1000):
            # The caller (API Gateway after its timeout) hung up: logged later with win32 64 (F23).
            return 0, 0, 64, b"", []
        path = scope["path"]
        if path in {ECHO_PATH, "/orders"}:
            payload: dict[str, Any] = {"user": user, "auth_type": "TrustedHeader" if user else None}
            if path == ECHO_PATH:
                payload = {
                    "server": "Microsoft-IIS/10.0",
                    "site": "Default Web Site",
                    "method": scope["method"],
                    "path": path,
                    "query": scope["query_string"].decode("latin-1"),
                    "headers": iis["headers"],
                    "server_variables": iis["server_variables"],
                    **payload,
                }
            else:
                payload["orders"] = [{"id": "ord-1001", "status": "shipped"}] if user else []
            return 200, 0, 0, json.dumps(payload).encode(), [(b"content-type", b"application/json; charset=utf-8")]
        body = (
            detailed_page(404, 0, url, "IIS Web Core", "StaticFile", 0x80070002, "Anonymous", "Anonymous")
            if local
            else custom_page(404)
        )
        return 404, 0, 2, body, [(b"content-type", b"text/html")]


async def _wait_unless_gone(receive: Receive, seconds: float) -> bool:
    """Sleep ``seconds``; False as soon as the client disconnects."""

    async def gone() -> None:
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                return

    watcher = asyncio.ensure_future(gone())
    try:
        await asyncio.wait_for(asyncio.shield(watcher), seconds)
    except TimeoutError:
        watcher.cancel()
        return True
    return False


async def _send(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, *, httpsys: bool = False
) -> None:
    merged = [] if httpsys else [*_BASE_HEADERS, (b"date", http_date().encode())]
    merged += [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": merged})
    await send({"type": "http.response.body", "body": body})
