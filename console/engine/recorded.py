"""Diagnose a request Baton did not send, from the sandbox's record alone (the live feed's reselect)."""

from __future__ import annotations

import time
from datetime import datetime

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.record import GroundTruth
from console.engine.target import Target, join_url
from console.model.trace import Trace, TraceRequest


def diagnose_recorded(target: Target, record: GroundTruth) -> Trace:
    """A Trace for a recorded request: ground truth only, no token (it is redacted in the record)."""
    correlation_id = record.correlation_id or record.request_id
    ev = Evidence(
        target=target,
        correlation_id=correlation_id,
        record=record,
        sent_headers=dict(record.client.headers),
        direct_to_iis=record.bypassed,
    )
    result = diagnose(ev)
    try:
        started = datetime.fromisoformat(record.received_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        started = time.time()
    request = TraceRequest(method=record.client.method, path=record.client.path)
    return Trace(
        trace_id=f"sandbox-{record.seq}",
        correlation_id=correlation_id,
        profile=target.profile,
        request=request,
        url=join_url(target.gateway_url, request.path),
        started_at=started,
        hops=result.hops,
        findings=result.findings,
        verdict=result.verdict,
        authorizer=result.authorizer,
        iis=result.iis,
        scenario=target.scenario,
    )
