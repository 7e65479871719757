"""Start and stop the three loopback servers (IdP, gateway, IIS) in one background thread."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import secrets
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from console.errors import SandboxError
from console.sandbox.bypass import send_direct
from console.sandbox.config import ACCOUNT_ID, REGION, STAGE, SandboxUrls, Scenario
from console.sandbox.directory import new_directory
from console.sandbox.document import scenario_document
from console.sandbox.gateway.access_log import ACCESS_LOG_DIR, AccessLog
from console.sandbox.gateway.app import Gateway
from console.sandbox.gateway.authorize import Authorizer
from console.sandbox.gateway.control import control_router
from console.sandbox.gateway.jwt_authorizers import JwksCache
from console.sandbox.gateway.lambda_authorizer import make_function
from console.sandbox.gateway.usage import UsagePlan
from console.sandbox.idp import Idp
from console.sandbox.iis import Iis
from console.sandbox.records import RequestStore
from console.sandbox.scenarios import get_scenario

__all__ = ["HOST", "Sandbox", "SandboxUrls", "start_sandbox"]

HOST = "127.0.0.1"
"""Loopback only, always (security.md row 40)."""
_ROLES = ("idp", "gateway", "iis")
READY_TIMEOUT_S = 10.0


def _bind(ports: list[int]) -> list[socket.socket]:
    bound: list[socket.socket] = []
    for role, port in zip(_ROLES, ports, strict=True):
        # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and without it
        # Nagle + delayed ACK add ~40 ms to every keep-alive response.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        # SO_REUSEADDR only lets us reuse a port in TIME_WAIT; a live listener still refuses the bind.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            sock.listen(2048)
        except OSError as exc:
            sock.close()
            for other in bound:
                other.close()
            what = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
            raise SandboxError(
                f"port {port} ({role}) {what} on {HOST}",
                hint="pick another --port-base or stop what is listening there",
            ) from None
        bound.append(sock)
    return bound


class Sandbox:
    """A running sandbox; use as a context manager or call stop()."""

    def __init__(self, scenario: Scenario, sockets: list[socket.socket], log_dir: Path, owns_log_dir: bool) -> None:
        self.scenario = scenario
        self._sockets = sockets
        ports = [s.getsockname()[1] for s in sockets]
        self.urls = SandboxUrls(*(f"http://{HOST}:{p}" for p in ports))
        self.log_dir = log_dir
        self._owns_log_dir = owns_log_dir
        self.store = RequestStore()
        self._loop: asyncio.AbstractEventLoop | None = None
        directory = new_directory(REGION, scenario.idp.big_groups)
        self.directory = directory
        self.idp = Idp(self.urls.idp, directory, scenario.idp)
        self.api_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        self.stage_variables = {"originSecret": secrets.token_urlsafe(24)}
        cfg = scenario.gateway
        self.usage = UsagePlan(cfg.api_key_required, cfg.throttle, cfg.throttle_predrained)
        self.iis = Iis(scenario.iis, log_dir, self.store, ports[2], self.stage_variables["originSecret"])
        self.iis_log_path: Path = self.iis.log_path
        self.httperr_log_path: Path = self.iis.httperr.ensure()
        """http.sys's log of what it refused before IIS saw it (created now, so it can be tailed at once)."""
        self.access_log = AccessLog(log_dir / ACCESS_LOG_DIR)
        self.bypass_ids: list[str] = []
        """Correlation ids of the scenario's direct callers' requests (sent when the sandbox has started)."""
        self.authorizer_issuer = self.idp.issuer + cfg.issuer_suffix
        self.audience = directory.clients[cfg.audience_client].client_id
        function = make_function(
            cfg.lambda_behaviour,
            self.idp.issuer,
            f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{self.api_id}/{STAGE}/*/*",
            lambda name: directory.users[name].directory_groups if name in directory.users else (),
        )
        self.gateway: Gateway
        jwks = JwksCache(self.idp.jwks_url, self._fetch_json)
        authorizer = Authorizer(cfg, self.authorizer_issuer, (self.audience,), jwks, function, self.stage_variables)
        self.gateway = Gateway(
            cfg,
            self.api_id,
            authorizer,
            self.usage,
            self.urls.iis,
            self.store,
            self.stage_variables,
            control_router(self.store, self.document),
            self.access_log,
        )
        self._servers: list[uvicorn.Server] = []
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._stopped = False

    async def _fetch_json(self, url: str) -> dict[str, Any]:
        return await self.gateway.fetch_json(url)

    @property
    def access_log_path(self) -> Path:
        """The gateway's access log (JSON lines in ACCESS_LOG_FORMAT): the current UTC day's file."""
        return self.access_log.path

    def document(self) -> dict[str, Any]:
        """The /__baton/scenario JSON."""
        return scenario_document(self)

    # -- lifecycle -------------------------------------------------------------------------------

    def _start(self) -> None:
        apps: list[Any] = [self.idp.app(), self.gateway, self.iis]
        for app in apps:
            config = uvicorn.Config(
                app,
                log_config=None,
                log_level="warning",
                access_log=False,
                server_header=False,
                date_header=False,
                proxy_headers=False,
                lifespan="off",
                timeout_graceful_shutdown=1,
                timeout_keep_alive=5,
                http="h11",
                # h11 pinned (not httptools when installed): the same parser everywhere,
                # and oversized headers reach the IIS emulator so it answers as http.sys.
                h11_max_incomplete_event_size=1024 * 1024,
            )
            self._servers.append(uvicorn.Server(config))
        self._thread = threading.Thread(target=self._run, name=f"baton-sandbox-{self.scenario.name}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all(s.started for s in self._servers):
            if self._failure is not None or not self._thread.is_alive():
                self.stop()
                raise SandboxError("the sandbox servers did not start", hint=repr(self._failure))
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxError(f"the sandbox was not ready within {READY_TIMEOUT_S:.0f} s")
            time.sleep(0.005)
        try:
            self.bypass_ids = send_direct(self.urls.iis, self.scenario.direct_callers)
        except SandboxError:
            self.stop()
            raise

    def _run(self) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            try:
                await asyncio.gather(
                    *(s.serve(sockets=[sock]) for s, sock in zip(self._servers, self._sockets, strict=True))
                )
            finally:
                await self.gateway.close()

        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported to the starting thread; never printed with secrets
            self._failure = exc

    def stop(self) -> None:
        """Stop the servers, free the ports, close the logs (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        loop = self._loop
        if loop is not None and not loop.is_closed():
            # Long polls would otherwise hold the graceful shutdown until they time out.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.store.release_waiters)
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for sock in self._sockets:
            sock.close()
        self.iis.close()
        self.access_log.close()
        if self._owns_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_sandbox(
    scenario: str | Scenario = "healthy",
    port_base: int | None = None,
    *,
    integration_timeout_ms: int | None = None,
    log_dir: Path | None = None,
) -> Sandbox:
    """Start IdP (port_base), gateway (+1) and IIS (+2) on 127.0.0.1; free ports when port_base is None.

    ``integration_timeout_ms`` shortens the integration timeout (tests); a slow IIS then takes twice it.
    ``log_dir`` keeps the logs there (IIS: ``W3SVC1/``, ``HTTPERR/``; the gateway's access log:
    ``apigateway/access_YYYYMMDD.log``); otherwise a temporary directory is removed on stop().
    """
    chosen = get_scenario(scenario) if isinstance(scenario, str) else scenario
    if integration_timeout_ms is not None:
        iis = chosen.iis if not chosen.iis.delay_ms else replace(chosen.iis, delay_ms=2 * integration_timeout_ms)
        chosen = replace(chosen, gateway=replace(chosen.gateway, timeout_ms=integration_timeout_ms), iis=iis)
    if port_base is not None and not 1 <= port_base <= 65533:
        raise SandboxError(f"port base {port_base} is out of range", hint="use 1-65533 (three ports from it)")
    sockets = _bind([0, 0, 0] if port_base is None else [port_base, port_base + 1, port_base + 2])
    owns = log_dir is None
    directory = Path(tempfile.mkdtemp(prefix="baton-sandbox-")) if log_dir is None else log_dir
    try:
        sandbox = Sandbox(chosen, sockets, directory, owns)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    sandbox._start()
    return sandbox
