"""The API Gateway emulator: stage routing, authorizer, API key and throttle, mapping, forward to IIS, response."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from console.sandbox.config import ACCOUNT_ID, CORRELATION_HEADER, REGION, STAGE, GatewayConfig
from console.sandbox.gateway.access_log import AccessLog
from console.sandbox.gateway.authorize import Authorizer, RequestFacts
from console.sandbox.gateway.forward import Forwarder
from console.sandbox.gateway.logs import CORRELATION_KEY, ExecutionLog
from console.sandbox.gateway.mapping import MappingContext, apply_mapping, planned_value
from console.sandbox.gateway.responses import HTTP_ERRORS, REST_ERRORS, http_date
from console.sandbox.gateway.usage import UsagePlan
from console.sandbox.records import RequestStore, header_value, new_record

__all__ = ["Gateway"]

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "te",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "proxy-authorization",
    "proxy-connection",
    "trailer",
}


@dataclass(slots=True)
class Call:
    """One request's state while it crosses the gateway."""

    record: dict[str, Any]
    log: ExecutionLog
    access: dict[str, Any]
    headers: list[tuple[str, str]]
    extended_id: str
    started: float = field(default_factory=time.monotonic)


def _extended_id() -> str:
    return base64.b64encode(secrets.token_bytes(11)).decode("ascii")[:15] + "="


class Gateway:
    """One deployed API (REST or HTTP) with stage ``prod``, fronting the IIS site at ``iis_url``."""

    def __init__(
        self,
        cfg: GatewayConfig,
        api_id: str,
        authorizer: Authorizer,
        usage: UsagePlan,
        iis_url: str,
        store: RequestStore,
        stage_variables: dict[str, str],
        control: Callable[[Scope, Receive, Send], Any],
        access_log: AccessLog | None = None,
    ) -> None:
        self.cfg = cfg
        self.rest = cfg.kind == "rest"
        self.api_id = api_id
        self.authorizer = authorizer
        self.usage = usage
        self.store = store
        self.stage_variables = stage_variables
        self.forwarder = Forwarder(iis_url, api_id, cfg, store)
        self._control = control
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/__baton/"):
            await self._control(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def close(self) -> None:
        """Close the forwarding client (call from the serving loop)."""
        await self.forwarder.close()

    async def fetch_json(self, url: str) -> dict[str, Any]:
        """GET a JSON document (the issuer's JWKS); an unreachable JWKS reads as an empty key set."""
        try:
            result: dict[str, Any] = await self.forwarder.get_json(url)
        except (TimeoutError, aiohttp.ClientError, ValueError):
            return {"keys": []}
        return result

    # -- the pipeline ---------------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        """Answer one client request the way the configured API would, recording what each hop saw."""
        scope = request.scope
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        get = {k.lower(): v for k, v in reversed(headers)}
        request_id = self._request_id(get.get("x-amzn-requestid"))
        query = scope["query_string"].decode("latin-1")
        path = scope["path"] + (f"?{query}" if query else "")
        # Raw header lists here; the control plane masks them when someone reads the record.
        record = new_record(request_id, get.get(CORRELATION_HEADER.lower()), scope["method"], path, headers)
        extended = _extended_id()
        client_ip = (scope.get("client") or ("127.0.0.1", 0))[0]
        call = Call(
            record,
            ExecutionLog(request_id, enabled=self.rest),
            {
                "requestId": request_id,
                "extendedRequestId": extended,
                "sourceIp": client_ip,
                "requestTimeEpoch": time.time(),
                "httpMethod": scope["method"],
                "path": scope["path"],
                "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
                # Refused requests never reach IIS; their line names the id the integration would carry.
                CORRELATION_KEY: planned_value(
                    CORRELATION_HEADER, self.cfg.mapping, self.cfg.integration, MappingContext(request_id, headers)
                ),
            },
            headers,
            extended,
        )
        if self.rest:
            call.log.add(f"Extended Request Id: {extended}")
        try:
            response = await self._pipeline(call, request, get, query)
        except Exception:
            # Never leak a traceback to the client: API Gateway answers 500 with its own body.
            response = (
                self._refuse(call, "AUTHORIZER_CONFIGURATION_ERROR")
                if self.rest
                else Response(b'{"message":"Internal Server Error"}', 500, media_type="application/json")
            )
        record["gateway"]["status"] = response.status_code
        call.access.update(status=response.status_code, responseLength=len(response.body))
        record["logs"]["execution"] = call.log
        record["logs"]["access"].append(call.access)  # formatted by access_line() when read
        if self.access_log is not None:
            # Every request the stage answers, refusals included (even WAF-blocked ones are access-logged,
            # failure-modes-more N04); written before the response goes out, so the caller finds its line.
            self.access_log.write(call.access)
        self.store.add(record)
        return response

    def _request_id(self, supplied: str | None) -> str:
        if supplied and self.rest:
            try:
                return str(uuid.UUID(supplied))  # clients may override with a UUID (domain §1.10)
            except ValueError:
                pass
        return str(uuid.uuid4()) if self.rest else _extended_id()

    async def _pipeline(self, call: Call, request: Request, get: dict[str, str], query: str) -> Response:
        scope = request.scope
        prefix = f"/{STAGE}/"
        proxy = scope["path"][len(prefix) :] if scope["path"].startswith(prefix) else ""
        if not proxy:
            return self._refuse(call, "MISSING_AUTHENTICATION_TOKEN" if self.rest else "NOT_FOUND")
        method = scope["method"]
        call.access["resourcePath"] = "/{proxy+}"
        method_arn = f"{self._arn_prefix()}/{STAGE}/{method}/{proxy}"
        facts = RequestFacts(
            method,
            "/" + proxy,
            proxy,
            method_arn,
            call.headers,
            dict(parse_qsl(query)),
            lambda: self._request_context(call, method, proxy),
        )
        verdict = await self.authorizer.run(facts, call.log)
        call.record["authorizer"] = verdict.ground
        call.access.update(principalId=verdict.principal_id, sub=(verdict.claims or {}).get("sub"))
        if verdict.refuse:
            extra = [("www-authenticate", verdict.www_authenticate)] if verdict.www_authenticate else []
            return self._refuse(call, verdict.refuse, extra)
        if self.rest and not self.usage.verify(call.log, call.record, self.api_id, get.get("x-api-key"), method):
            return self._refuse(call, "THROTTLED" if call.record["gateway"]["throttled"] else "INVALID_API_KEY")
        mctx = MappingContext(
            call.record["request_id"],
            call.headers,
            verdict.principal_id,
            verdict.claims,
            verdict.context,
            self.stage_variables,
        )
        passthrough = (
            [(k, v) for k, v in call.headers if k.lower() not in _HOP_BY_HOP and not v.startswith("AWS4-HMAC-SHA256")]
            if self.cfg.integration == "HTTP_PROXY"
            else []
        )
        sent = apply_mapping(passthrough, self.cfg.mapping, mctx, rest=self.rest, append=self.cfg.append_headers)
        # What IIS will log in its X-Correlation-Id field: the join key (see CORRELATION_KEY for why).
        call.access[CORRELATION_KEY] = header_value(sent, CORRELATION_HEADER)
        call.record["integration"]["mapping"] = self._mapping_view()
        if self.rest:
            call.log.add(f"Starting execution for request: {call.record['request_id']}")
            call.log.add(f"HTTP Method: {method}, Resource Path: /{proxy}")
            call.log.add(f"Method request path: {{proxy={proxy}}}")
            call.log.add(f"Method request query string: {{{', '.join(f'{k}={v}' for k, v in parse_qsl(query))}}}")
        target = f"/{proxy}" + (f"?{query}" if query else "")
        response = await self.forwarder.send(
            call, method, target, sent, await request.body(), self.cfg.timeout_ms / 1000
        )
        if response is None:
            return self._refuse(
                call, "INTEGRATION_TIMEOUT" if call.record["integration"]["timed_out"] else "INTEGRATION_FAILURE"
            )
        call.record["gateway"]["outcome"] = "forwarded"
        return self._finish(call, response)

    def _finish(self, call: Call, response: Response) -> Response:
        ids = (
            [("x-amzn-RequestId", call.record["request_id"]), ("x-amz-apigw-id", call.extended_id)]
            if self.rest
            else [("apigw-requestid", call.record["request_id"])]
        )
        response.raw_headers = [*response.raw_headers, *[(k.encode(), v.encode()) for k, v in ids]]
        return response

    def _refuse(self, call: Call, key: str, extra: list[tuple[str, str]] | None = None) -> Response:
        error = (REST_ERRORS if self.rest else HTTP_ERRORS)[key]
        gateway = call.record["gateway"]
        gateway.update(outcome="refused", error_type=error.error_type)
        # $context.error.message is the message itself ("Unauthorized"), not the JSON body around it.
        body = json.loads(error.body)
        call.access.update(errorMessage=body.get("message", body.get("Message")), errorResponseType=error.response_type)
        if len(call.log) <= 1:
            # Missing token / unknown route: API Gateway writes no execution log for it (domain §1.2).
            call.log.clear()
        else:
            call.log.add(f"Gateway response type: {error.response_type} with status code: {error.status}")
            call.log.add(f"Method completed with status: {error.status}")
        headers = [
            ("Date", http_date()),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(error.body))),
            *(extra or []),
        ]
        if error.error_type:
            headers.append(("x-amzn-ErrorType", error.error_type))
        response = Response(error.body, error.status)
        response.raw_headers = [(k.encode(), v.encode()) for k, v in headers]
        return self._finish(call, response)

    def _arn_prefix(self) -> str:
        return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{self.api_id}"

    def _request_context(self, call: Call, method: str, proxy: str) -> dict[str, Any]:
        return {
            "path": f"/{STAGE}/{proxy}",
            "accountId": ACCOUNT_ID,
            "resourceId": "05c7jb",
            "stage": STAGE,
            "requestId": call.record["request_id"],
            "extendedRequestId": call.extended_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": call.access["protocol"],
            "identity": {"apiKey": None, "sourceIp": call.access["sourceIp"]},
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "apiId": self.api_id,
            "domainPrefix": self.api_id,
        }

    def _mapping_view(self) -> dict[str, str]:
        return {h: ("append:" if h in self.cfg.append_headers else "") + src for h, src in self.cfg.mapping}
