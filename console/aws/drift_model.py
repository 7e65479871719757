"""The drift model: two environments' identity chains side by side and each difference between them. Plain data.

``console/aws/drift.py`` builds it from two inspections (pure); ``baton aws diff`` prints it and the console's drift
screen renders it. No boto3 here, nothing read back from a widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.model.aws_config import RestApiConfig


class DriftKind(StrEnum):
    """What a difference is about (the parts of the chain `baton aws diff` compares)."""

    HIT = "hit"
    """The resource (REST) or route (HTTP API) the request hits, or that one side hits nothing."""
    AUTHORIZATION = "authorization"
    """The method's authorization type, API key requirement or integration type."""
    AUTHORIZER = "authorizer"
    """The authorizer's type, identity source, issuer (user pool), audience, validation expression or Lambda."""
    SCOPES = "scopes"
    TOKEN_TYPE = "token_type"  # noqa: S105 (a kind of difference, not a token)
    """ID or access tokens: what a Cognito or JWT authorizer takes, given the method's scopes."""
    CACHING = "caching"
    """The authorizer's result TTL."""
    MAPPING = "mapping"
    """A header the integration sends IIS: missing on one side, another source, ``append:``."""
    ORIGIN_SECRET = "origin_secret"  # noqa: S105 (a kind of difference, not a secret)
    DEPLOYMENT = "deployment"
    """Whether the stage serves the API's latest deployment."""


@dataclass(frozen=True, slots=True)
class SideInput:
    """One side of the comparison: the configuration read from AWS and what its profile expects of it."""

    name: str
    config: RestApiConfig
    headers: tuple[tuple[str, str], ...] = ()
    """[propagation] headers: (header, claim it must carry)."""
    token_use: str | None = None
    issuer: str | None = None
    audiences: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    """[identity] scopes: the scopes the caller's token carries."""
    environment: str = ""


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between the two sides; ``a`` and ``b`` are each side's value as it may be printed."""

    kind: DriftKind
    subject: str
    """What differs: ``X-User-Id``, ``authorizer type``, ``result TTL``…"""
    a: str
    b: str
    consequence: str
    """One plain sentence: what the difference does to who reaches IIS (or why it does not)."""
    identity: bool = True
    """True when it changes who reaches IIS (or as whom IIS sees them); False: informational only."""
    likely_wrong: str | None = None
    """The name of the side that is likely wrong (it misses its profile's expectations, the other meets its own)."""
    why: str = ""
    """Why that side is likely wrong: the expectation it misses."""

    def as_dict(self, a_name: str, b_name: str) -> dict[str, Any]:
        """JSON-ready fields, each side's value under its profile name."""
        return {
            "kind": self.kind.value,
            "subject": self.subject,
            "values": {a_name: self.a, b_name: self.b},
            "consequence": self.consequence,
            "identity": self.identity,
            "likely_wrong": self.likely_wrong,
            "why": self.why or None,
        }


@dataclass(frozen=True, slots=True)
class SideSummary:
    """What each side is, for the heading: the profile, the API, the stage and the request it hits."""

    name: str
    environment: str
    kind: str
    api_id: str
    region: str
    stage: str
    deployment_id: str
    serves_latest: bool
    request: str
    hit: str
    """``GET /orders/{id}``, or ``nothing`` when no resource or route matches."""
    source: str = ""
    """Which configuration was compared: ``as deployed to stage dev (deployment …)`` or the current one."""

    @classmethod
    def of(cls, side: SideInput) -> SideSummary:
        """The summary of one side."""
        config = side.config
        hit = f"{config.hit.http_method} {config.hit.resource_path}" if config.hit is not None else "nothing"
        return cls(
            name=side.name,
            environment=side.environment,
            kind=config.kind,
            api_id=config.api_id,
            region=config.region,
            stage=config.stage.name,
            deployment_id=config.stage.deployment_id,
            serves_latest=config.stage.serves_latest,
            request=f"{config.request_method} {config.request_path}",
            hit=hit,
            source=config.source.summary if config.source is not None else "",
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "profile": self.name,
            "environment": self.environment or None,
            "kind": self.kind,
            "api_id": self.api_id,
            "region": self.region,
            "stage": self.stage,
            "deployment_id": self.deployment_id,
            "serves_latest": self.serves_latest,
            "request": self.request,
            "hit": self.hit,
            "source": self.source or None,
        }


@dataclass(frozen=True, slots=True)
class Drift:
    """The comparison of two sides: every difference found, identity-changing first, and notes on its limits."""

    a: SideSummary
    b: SideSummary
    differences: tuple[Difference, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def identity(self) -> tuple[Difference, ...]:
        """The differences that change who reaches IIS."""
        return tuple(d for d in self.differences if d.identity)

    @property
    def informational(self) -> tuple[Difference, ...]:
        """The differences that do not."""
        return tuple(d for d in self.differences if not d.identity)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``baton aws diff --json``."""
        a, b = self.a.name, self.b.name
        return {
            "schema": 1,
            "a": self.a.as_dict(),
            "b": self.b.as_dict(),
            "identity_differences": [d.as_dict(a, b) for d in self.identity],
            "informational": [d.as_dict(a, b) for d in self.informational],
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class DriftOutcome:
    """Where one comparison run stands, for a front end to render: running (with progress), done, or failed."""

    other: str
    progress: str = ""
    drift: Drift | None = None
    error: str | None = None

    @property
    def running(self) -> bool:
        """True until a drift or an error arrives."""
        return self.drift is None and self.error is None
