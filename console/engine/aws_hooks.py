"""The small interfaces through which a trace reaches AWS; console/session.py fills them with console/aws adapters.

The engine never imports boto3 or console.aws (import-linter): it declares what it needs here, and a Target carries
an implementation only when the profile asks for AWS (``[gateway] auth = "iam"``, ``[identity] flow = "cognito"``).
Every hook fails with ``console.errors.AwsError`` (one line naming the fix); the trace turns that into the failure
of the hop that needed it, never into a request sent without what the hook should have added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["RequestSigner", "TokenGrant", "TokenSource"]


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
