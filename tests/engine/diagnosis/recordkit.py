"""Sandbox ground-truth records for rule tests, in the shape the sandbox serves, parsed as the probe parses them."""

from __future__ import annotations

from typing import Any

from console.engine.probes.record import GroundTruth, parse_ground_truth


def record(**sections: dict[str, Any]) -> GroundTruth:
    """A healthy forwarded request's record, with ``sections`` (gateway=…, iis=…) merged over it."""
    doc: dict[str, Any] = {
        "seq": 1,
        "request_id": "r-1",
        "correlation_id": "c-1",
        "received_at": "2026-01-01T00:00:00.000Z",
        "client": {"method": "GET", "path": "/prod/whoami", "headers": {"Authorization": "Bearer ********abcdef"}},
        "gateway": {
            "outcome": "forwarded",
            "status": 200,
            "error_type": None,
            "api_key": "not_required",
            "throttled": False,
        },
        "authorizer": {
            "type": "cognito",
            "decision": "allow",
            "reason": "",
            "principal_id": None,
            "claims": {"sub": "alice"},
            "context": None,
            "policy": None,
            "cached": False,
            "cache_key": None,
            "matched_resource": None,
        },
        "integration": {
            "sent": True,
            "headers": {"X-User-Sub": "alice", "X-Correlation-Id": "c-1"},
            "mapping": {},
            "timed_out": False,
            "status": 200,
        },
        "iis": {
            "received": True,
            "headers": {"x-user-sub": "alice", "x-correlation-id": "c-1"},
            "server_variables": {},
            "user": "alice",
            "auth_type": "TrustedHeader",
            "status": 200,
            "substatus": 0,
            "log_line": None,
        },
    }
    for name, values in sections.items():
        doc[name] = {**doc[name], **values}
    return parse_ground_truth(doc)
