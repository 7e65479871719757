"""Diagnose a request Baton did not send, from the sandbox's record alone (the live feed's reselect)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence
from console.engine.target import Target
from console.model.trace import Trace, TraceRequest


def diagnose_recorded(target: Target, record: dict[str, Any]) -> Trace:
    """A Trace for a recorded request: ground truth only, no token (it is redacted in the record)."""
    client = record.get("client") or {}
    correlation_id = str(record.get("correlation_id") or record.get("request_id") or "")
    ev = Evidence(target=target, correlation_id=correlation_id, record=record,
                  sent_headers={str(k): str(v) for k, v in (client.get("headers") or {}).items()},
                  direct_to_iis=(record.get("gateway") or {}).get("outcome") == "bypassed")
    result = diagnose(ev)
    try:
        started = datetime.fromisoformat(str(record.get("received_at", "")).replace("Z", "+00:00")).timestamp()
    except ValueError:
        started = time.time()
    request = TraceRequest(method=str(client.get("method", "GET")), path=str(client.get("path", "/")))
    return Trace(
        trace_id=f"sandbox-{record.get('seq')}", correlation_id=correlation_id, profile=target.profile,
        request=request, url=f"{target.gateway_url}{request.path}", started_at=started, hops=result.hops,
        findings=result.findings, verdict=result.verdict, authorizer=result.authorizer, iis=result.iis,
        scenario=target.scenario,
    )
