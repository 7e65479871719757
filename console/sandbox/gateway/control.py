"""The sandbox control plane under ``/__baton/`` on the gateway's port.

Sandbox-only deviation from API Gateway: a real API has no such paths. It exists so the trace engine,
which must not import the sandbox, can read the scenario and the ground truth of every hop over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, Router

from console.sandbox.gateway.logs import access_line
from console.sandbox.records import RequestStore, mask_headers

__all__ = ["MAX_WAIT_S", "control_router"]

MAX_WAIT_S = 30.0


def _rendered(value: Any, key: str = "") -> Any:
    # The gateway keeps raw header lists on its hot path; they are masked here, when read.
    if isinstance(value, dict):
        return {k: _rendered(v, k) for k, v in value.items()}
    if key == "headers" and isinstance(value, list):
        return mask_headers(value)
    return value


def _ground_truth(record: dict[str, Any]) -> dict[str, Any]:
    return {k: _rendered(v, k) for k, v in record.items() if k != "logs"}


def control_router(store: RequestStore, scenario_doc: Callable[[], dict[str, Any]]) -> Router:
    """Routes: scenario, requests feed (long-poll), one request's ground truth, one request's logs."""

    async def scenario(_: Request) -> JSONResponse:
        return JSONResponse(scenario_doc())

    async def feed(request: Request) -> JSONResponse:
        try:
            after = int(request.query_params.get("after", "0"))
            wait = min(max(float(request.query_params.get("wait", "0")), 0.0), MAX_WAIT_S)
        except ValueError:
            return JSONResponse({"error": "after must be an integer and wait a number of seconds"}, 400)
        found = await store.wait_after(after, wait) if wait > 0 else store.after(after)
        return JSONResponse({"requests": found, "last_seq": store.last_seq})

    async def one(request: Request) -> JSONResponse:
        record = store.get(request.path_params["key"])
        if record is None:
            return JSONResponse({"error": f"no request with id or correlation id {request.path_params['key']!r}"}, 404)
        return JSONResponse(_ground_truth(record))

    async def logs(request: Request) -> JSONResponse:
        record = store.get(request.path_params["key"])
        if record is None:
            return JSONResponse({"error": f"no request with id {request.path_params['key']!r}"}, 404)
        execution = record["logs"]["execution"]
        return JSONResponse(
            {
                "execution": execution if isinstance(execution, list) else execution.lines,
                "access": [a if isinstance(a, str) else access_line(a) for a in record["logs"]["access"]],
            }
        )

    async def not_found(_: Request) -> JSONResponse:
        return JSONResponse({"error": "unknown control-plane path; see docs/sandbox.md"}, 404)

    return Router(
        routes=[
            Route("/__baton/scenario", scenario),
            Route("/__baton/requests", feed),
            Route("/__baton/requests/{key:path}", one),
            Route("/__baton/logs/{key:path}", logs),
            Route("/__baton/{rest:path}", not_found),
        ]
    )
