"""The sandbox's ground truth for one request, parsed once from its JSON into frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.engine.redact import is_secret_header, redact_text, redact_value
from console.model.trace import first_value

Pairs = tuple[tuple[str, str], ...]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _pairs(value: object) -> Pairs:
    """A JSON object as (name, value) pairs; null values are left out, others shown as text."""
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in value.items() if v is not None)


def _headers(value: object) -> Pairs:
    """Header pairs as Baton may show them: the sandbox masks credentials the way API Gateway's logs do, keeping the
    last characters (a token's signature); those tails are dropped, and any credential it left whole is masked."""
    return tuple(
        (k, redact_text(v) if "****" in v or not is_secret_header(k) else redact_value(v)) for k, v in _pairs(value)
    )


def _masked(value: object) -> str | None:
    return None if value is None else redact_text(str(value))


def _section(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise ValueError(f"the sandbox record has no {key!r} object")
    return value


@dataclass(frozen=True, slots=True)
class ClientTruth:
    """The request as the client sent it (secret values already masked by the sandbox)."""

    method: str
    path: str
    headers: Pairs


@dataclass(frozen=True, slots=True)
class GatewayTruth:
    """API Gateway's own handling: forwarded, refused or bypassed, and its API-key and throttle state."""

    outcome: str
    """``forwarded``, ``refused`` or ``bypassed`` (the request went straight to IIS)."""
    status: int
    error_type: str | None
    api_key: str
    """``not_required``, ``missing``, ``invalid`` or ``valid``."""
    throttled: bool


@dataclass(frozen=True, slots=True)
class StatementTruth:
    """One statement of the policy an authorizer returned."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuthorizerTruth:
    """What the authorizer decided, with its claims, context, policy and cache state."""

    type: str
    decision: str
    """``allow``, ``deny``, ``unauthorized``, ``error`` or ``skipped`` (not run)."""
    reason: str
    principal_id: str | None
    claims: Pairs
    context: Pairs
    policy: tuple[StatementTruth, ...]
    cached: bool
    cache_key: str | None
    matched_resource: str | None

    def value(self, name: str) -> str | None:
        """A claim or context value by name (claims win); None when absent or empty."""
        found = first_value(self.claims, name) or first_value(self.context, name)
        return found or None


@dataclass(frozen=True, slots=True)
class IntegrationTruth:
    """The integration request: whether it was sent, its headers and mapping, and whether it timed out."""

    sent: bool
    headers: Pairs
    mapping: Pairs
    """(header, mapping expression) as configured."""
    timed_out: bool


@dataclass(frozen=True, slots=True)
class IisTruth:
    """What IIS (or http.sys in front of it) received, who it resolved, and what it answered."""

    received: bool
    headers: Pairs
    server_variables: Pairs
    user: str | None
    auth_type: str | None
    status: int | None
    substatus: int | None
    log_line: str | None

    @property
    def answered(self) -> bool:
        """True when IIS or http.sys saw the request at all."""
        return self.received or self.status is not None


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """The sandbox's record of one request, hop by hop."""

    seq: int
    request_id: str
    correlation_id: str | None
    received_at: str
    client: ClientTruth
    gateway: GatewayTruth
    authorizer: AuthorizerTruth
    integration: IntegrationTruth
    iis: IisTruth

    @property
    def bypassed(self) -> bool:
        """True when the request went straight to IIS, around the gateway."""
        return self.gateway.outcome == "bypassed"


def _statements(policy: object) -> tuple[StatementTruth, ...]:
    raw = policy.get("Statement", []) if isinstance(policy, dict) else []
    out: list[StatementTruth] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        resources, actions = item.get("Resource", []), item.get("Action", [])
        out.append(
            StatementTruth(
                effect=str(item.get("Effect", "")),
                actions=tuple(map(str, [actions] if isinstance(actions, str) else actions or [])),
                resources=tuple(map(str, [resources] if isinstance(resources, str) else resources or [])),
            )
        )
    return tuple(out)


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, (int, str)) and str(value).strip().lstrip("-").isdigit() else None


def parse_ground_truth(doc: dict[str, Any]) -> GroundTruth:
    """The GroundTruth of a /__baton/requests/{id} document; ValueError when it lacks a hop's section."""
    client, gw, az = _section(doc, "client"), _section(doc, "gateway"), _section(doc, "authorizer")
    integ, iis = _section(doc, "integration"), _section(doc, "iis")
    return GroundTruth(
        seq=_int(doc.get("seq")) or 0,
        request_id=str(doc.get("request_id") or ""),
        correlation_id=_text(doc.get("correlation_id")),
        received_at=str(doc.get("received_at") or ""),
        client=ClientTruth(
            str(client.get("method") or "GET"), str(client.get("path") or "/"), _headers(client.get("headers"))
        ),
        gateway=GatewayTruth(
            str(gw.get("outcome") or "refused"),
            _int(gw.get("status")) or 0,
            _text(gw.get("error_type")),
            str(gw.get("api_key") or "not_required"),
            bool(gw.get("throttled")),
        ),
        authorizer=AuthorizerTruth(
            type=str(az.get("type") or "none"),
            decision=str(az.get("decision") or "skipped"),
            reason=str(az.get("reason") or ""),
            principal_id=_text(az.get("principal_id")),
            claims=_pairs(az.get("claims")),
            context=_pairs(az.get("context")),
            policy=_statements(az.get("policy")),
            cached=bool(az.get("cached")),
            cache_key=_masked(az.get("cache_key")),
            matched_resource=_text(az.get("matched_resource")),
        ),
        integration=IntegrationTruth(
            bool(integ.get("sent")),
            _headers(integ.get("headers")),
            _pairs(integ.get("mapping")),
            bool(integ.get("timed_out")),
        ),
        iis=IisTruth(
            received=bool(iis.get("received")),
            headers=_headers(iis.get("headers")),
            server_variables=_headers(iis.get("server_variables")),
            user=_text(iis.get("user")) or None,
            auth_type=_text(iis.get("auth_type")) or None,
            status=_int(iis.get("status")),
            substatus=_int(iis.get("substatus")),
            log_line=_masked(iis.get("log_line")),
        ),
    )
