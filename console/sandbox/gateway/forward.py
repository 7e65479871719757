"""The integration call: send the mapped request to IIS with aiohttp, time it out, and shape the reply.

aiohttp rather than httpx: at 50 concurrent requests httpx.AsyncClient managed ~540 req/s here while
aiohttp's client managed ~17,500 req/s (measured for issue 3).
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from multidict import CIMultiDict
from starlette.responses import Response

from console.sandbox.config import GatewayConfig
from console.sandbox.gateway.logs import brace_map
from console.sandbox.gateway.responses import http_date, remap_backend_headers
from console.sandbox.records import RequestStore

if TYPE_CHECKING:
    from console.sandbox.gateway.app import Call

__all__ = ["HOP_HEADER", "Forwarder"]

HOP_HEADER = "x-baton-hop"
"""Sandbox-only instrumentation: lets the IIS emulator report what it saw against the gateway's record.
IIS strips it before anything (limits, logs, echo, ground truth) sees the request."""

_SKIP_AUTO = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


def _trace_id() -> str:
    """An X-Ray trace header as the integration request carries it (correction C2): ``Root=1-<epoch hex>-<96 bits>``."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"


class Forwarder:
    """One pooled aiohttp client to the IIS site, created lazily on the serving loop."""

    def __init__(self, iis_url: str, api_id: str, cfg: GatewayConfig, store: RequestStore) -> None:
        self.iis_url = iis_url
        self.api_id = api_id
        self.cfg = cfg
        self.rest = cfg.kind == "rest"
        self.store = store
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            # limit=0 (no pool cap) so a 50-connection client is never queued behind the pool.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=4.0),
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    def _timeout(self, seconds: float) -> aiohttp.ClientTimeout:
        if self._timeouts.get(seconds) is None:
            self._timeouts[seconds] = aiohttp.ClientTimeout(total=seconds)
        return self._timeouts[seconds]

    async def close(self) -> None:
        """Close the pool; idle keep-alive sockets to IIS are released."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(self, url: str) -> Any:
        """GET and parse a small JSON document."""
        async with self._client().get(url, timeout=aiohttp.ClientTimeout(total=1.5)) as resp:
            return await resp.json(content_type=None)

    async def send(
        self, call: Call, method: str, target: str, headers: list[tuple[str, str]], body: bytes, timeout_s: float
    ) -> Response | None:
        """The client's response, or None after a timeout/network failure (recorded on ``call``)."""
        url = self.iis_url + target
        sent = [*headers, ("x-amzn-apigateway-api-id", self.api_id), ("X-Amzn-Trace-Id", _trace_id())]
        if self.cfg.integration != "HTTP_PROXY":
            # Correction C1 (failure-modes-more.md): only an HTTP (non-proxy) integration sends its own User-Agent;
            # HTTP_PROXY passes the client's through, so the UA proves nothing about the route a request took.
            sent = [(k, v) for k, v in sent if k.lower() != "user-agent"]
            sent.append(("User-Agent", f"AmazonAPIGateway_{self.api_id}"))
        client_ip = call.access["sourceIp"]
        sent.append(
            ("X-Forwarded-For", client_ip)
            if self.rest
            else ("Forwarded", f"for={client_ip};host={self.iis_url.split('//')[1]};proto=http")
        )
        integration = call.record["integration"]
        integration.update(sent=True, headers=list(sent))  # masked when read
        client_headers = call.headers
        call.log.add(lambda: f"Method request headers: {brace_map(client_headers)}")
        call.log.add(lambda: "Method request body before transformations: " + body.decode("utf-8", "replace"))
        call.log.add(f"Endpoint request URI: {url}")
        host = url.split("//", 1)[1].split("/", 1)[0]
        call.log.add(lambda: f"Endpoint request headers: {brace_map([*sent, ('Host', host)])}")
        call.log.add(lambda: "Endpoint request body after transformations: " + body.decode("utf-8", "replace"))
        call.log.add(f"Sending request to {url}")
        hop = secrets.token_hex(8)
        if len(self.store.pending) > 10_000:
            self.store.pending.clear()
        self.store.pending[hop] = call.record
        started = time.monotonic()
        try:
            async with self._client().request(
                method,
                url,
                headers=CIMultiDict([*sent, (HOP_HEADER, hop)]),
                data=body or None,
                allow_redirects=False,
                skip_auto_headers=_SKIP_AUTO,
                timeout=self._timeout(timeout_s),
            ) as resp:
                payload = await resp.read()
                status = resp.status
                raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers]
        except TimeoutError:
            integration["timed_out"] = True
            call.log.add("Execution failed due to a timeout error")
            return None
        except aiohttp.ClientError:
            self.store.pending.pop(hop, None)
            call.log.add("Execution failed due to a network error communicating with endpoint")  # [inf]
            return None
        latency = int((time.monotonic() - started) * 1000)
        integration["status"] = status
        call.access.update(integrationStatus=status, integrationLatency=latency)
        call.log.add(f"Received response. Status: {status}, Integration latency: {latency} ms")
        call.log.add(lambda: f"Endpoint response headers: {brace_map(raw)}")
        call.log.add(lambda: "Endpoint response body before transformations: " + payload.decode("utf-8", "replace"))
        if self.cfg.integration == "HTTP_PROXY":
            out = remap_backend_headers(raw, rest=self.rest)
        else:
            # Non-proxy: only mapped response headers reach the client; none are mapped here.
            out = [("Content-Type", "application/json")]
        out = [(k, v) for k, v in out if k.lower() not in {"date", "content-length"}]
        out += [("Date", http_date()), ("Content-Length", str(len(payload)))]
        shown = list(out)
        call.log.add(lambda: "Method response body after transformations: " + payload.decode("utf-8", "replace"))
        call.log.add(lambda: f"Method response headers: {brace_map(shown)}")
        call.log.add("Successfully completed execution")
        call.log.add(f"Method completed with status: {status}")
        response = Response(payload, status)
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out]
        return response
