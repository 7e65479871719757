"""The small interfaces through which a trace reaches AWS; console/session.py fills them with console/aws adapters.

The engine never imports boto3 or console.aws (import-linter): it declares what it needs here, and a Target carries
an implementation only when the profile asks for AWS (``[gateway] auth = "iam"``, ``[identity] flow = "cognito"``,
``[aws] api_id``). The signer and token source fail with ``console.errors.AwsError`` (one line naming the fix); the
trace turns that into the failure of the hop that needed it, never into a request sent without what the hook should
have added. GatewayEvidence never raises: it answers ``Unavailable(reason)``, shown as unknown, never as passed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from console.model.authorizer_decision import AuthorizerResult, Unavailable
from console.model.aws_config import ConfigFinding, RestApiConfig
from console.model.gateway_log import GatewayLogEvidence, PollProgress
from console.model.gateway_log import Unavailable as LogsUnavailable

__all__ = [
    "ExpectedPropagation",
    "GatewayEvidence",
    "LogsUnavailable",
    "RequestSigner",
    "TokenGrant",
    "TokenSource",
    "Unavailable",
]


@runtime_checkable
class RequestSigner(Protocol):
    """Signs one HTTP request (SigV4 for ``execute-api``): the adapter holds the credentials, the engine never does."""

    def sign(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
        """``headers`` plus the signing headers (Authorization, X-Amz-Date, X-Amz-Security-Token), to send as
        they are: ``url`` must be the URL that goes on the wire and ``headers`` final (a header changed after
        signing breaks the signature). Raises AwsError (no credentials, expired session…)."""
        ...


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """Tokens a TokenSource obtained, named as an OAuth token response names them (never a refresh token)."""

    access_token: str | None
    id_token: str | None
    expires_in: float | None
    """Seconds the tokens live, as the issuer said; None when it did not say."""

    def get(self, name: str) -> str | None:
        """``access_token`` or ``id_token`` (a ClientPlan's ``send``); None for anything else."""
        if name == "access_token":
            return self.access_token
        if name == "id_token":
            return self.id_token
        return None


@runtime_checkable
class TokenSource(Protocol):
    """Obtains the caller's tokens from an identity provider's own API (Cognito ``InitiateAuth``)."""

    @property
    def label(self) -> str:
        """Where the tokens come from, for the client hop's evidence (no secret in it)."""
        ...

    def fetch(self, *, client_id: str, username: str, password: str, client_secret: str | None) -> TokenGrant:
        """Sign in as ``username``; the engine resolved the secrets (and holds them for masking) before the call.

        Raises AwsError naming the fix: wrong password, a challenge Baton cannot answer (new password, MFA),
        an unknown app client, no network…"""
        ...


@dataclass(frozen=True, slots=True)
class ExpectedPropagation:
    """What the API's configuration sends IIS for one request: the route/method hit, its authorizer, the header ←
    source mappings (``config``), and inspect's findings with the commands that would fix them."""

    config: RestApiConfig
    findings: tuple[ConfigFinding, ...] = ()


@runtime_checkable
class GatewayEvidence(Protocol):
    """What AWS knows of one request: the API's configuration, the authorizer's decision, the gateway's logs.

    Every call answers the evidence or an ``Unavailable`` naming why there is none (credentials, region, api id,
    throttling, nothing logged yet…); it never raises for an AWS failure, so no AWS trouble can pass for a pass."""

    @property
    def log_wait(self) -> float:
        """Seconds a trace polls CloudWatch for this request's log lines (``[aws] log_wait``)."""
        ...

    def expected(self, method: str, path: str) -> ExpectedPropagation | Unavailable:
        """The configuration ``method path`` meets (``path`` as sent, the stage segment included)."""
        ...

    def decision(
        self, token: str | None, method: str, path: str, headers: Sequence[tuple[str, str]]
    ) -> AuthorizerResult | Unavailable:
        """The authorizer's decision for this token and request, asked of AWS (or evaluated from its config)."""
        ...

    def logs(
        self,
        request_id: str,
        correlation_id: str | None,
        *,
        started_at: float,
        wait: float,
        cancel: threading.Event | None,
        progress: Callable[[PollProgress], None] | None,
    ) -> GatewayLogEvidence | LogsUnavailable:
        """This request's execution log and access record, polled up to ``wait`` seconds (``cancel`` stops it)."""
        ...
