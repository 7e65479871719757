"""The sandbox IdP: a Cognito-shaped user pool with OIDC discovery, JWKS and an OAuth2 token endpoint."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from console.sandbox.config import IdpBehaviour
from console.sandbox.directory import AppClient, Directory, User
from console.sandbox.keys import SigningKey, new_signing_key

__all__ = ["Idp"]

TOKEN_LIFETIME_S = 3600


@dataclass(slots=True)
class _Grant:
    """What a refresh token stands for (Cognito's are opaque JWEs; ours are opaque random strings)."""

    client: AppClient
    user: User
    scope: str
    auth_time: int


class Idp:
    """Keys, minting rules and the HTTP app of the user pool at ``base_url``."""

    def __init__(self, base_url: str, directory: Directory, behaviour: IdpBehaviour) -> None:
        self.directory = directory
        self.behaviour = behaviour
        self.base_url = base_url
        # Cognito form is https://cognito-idp.<region>.amazonaws.com/<poolId>; on loopback the host
        # becomes 127.0.0.1:<port> and the path keeps the pool id, so issuer != any other run's.
        self.issuer = f"{base_url}/{directory.pool_id}"
        self.jwks_url = f"{self.issuer}/.well-known/jwks.json"
        self.token_url = f"{base_url}/oauth2/token"
        # Cognito signs ID and access tokens with different keys; the JWKS carries both.
        self.id_key = new_signing_key()
        self.access_key = new_signing_key()
        # A rotated key the IdP already signs with but has not published (rotated-key scenario).
        self.next_key: SigningKey | None = new_signing_key() if behaviour.defect == "unpublished_key" else None
        self._refresh: dict[str, _Grant] = {}

    def jwks(self) -> dict[str, Any]:
        """The published key set (never the unpublished rotated key)."""
        return {"keys": [self.id_key.public_jwk(), self.access_key.public_jwk()]}

    def discovery(self) -> dict[str, Any]:
        """The OIDC discovery document, shaped like Cognito's."""
        return {
            "authorization_endpoint": f"{self.base_url}/oauth2/authorize",
            "id_token_signing_alg_values_supported": ["RS256"],
            "issuer": self.issuer,
            "jwks_uri": self.jwks_url,
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint": self.token_url,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "userinfo_endpoint": f"{self.base_url}/oauth2/userInfo",
        }

    # -- minting -------------------------------------------------------------------------------

    def _times(self, auth_time: int | None) -> tuple[int, int, int]:
        now = int(time.time())
        defect = self.behaviour.defect
        if defect == "expired":
            # Stands for a token the client kept in its cache past exp: minted two hours ago.
            iat = now - 7200
        elif defect == "clock_ahead":
            iat = now + self.behaviour.clock_ahead_s
        else:
            iat = now
        auth = auth_time if auth_time is not None and defect is None else iat
        return iat, iat + TOKEN_LIFETIME_S, auth

    def _sign(self, claims: dict[str, Any], key: SigningKey) -> str:
        if self.next_key is not None:
            key = self.next_key
        return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid, "typ": None})

    def mint(self, client: AppClient, user: User | None, scope: str, auth_time: int | None = None) -> dict[str, Any]:
        """A token response: access token always; ID token and refresh token for a user."""
        iat, exp, auth = self._times(auth_time)
        origin_jti = str(uuid.uuid4())
        access: dict[str, Any] = {"sub": user.sub if user else client.client_id}
        if user and user.groups:
            access["cognito:groups"] = list(user.groups)
        access.update(
            {
                "iss": self.issuer,
                "client_id": client.client_id,
                "origin_jti": origin_jti,
                "token_use": "access",
                "scope": scope,
                "auth_time": auth,
                "exp": exp,
                "iat": iat,
                "jti": str(uuid.uuid4()),
            }
        )
        if user:
            access["username"] = user.username
        else:
            access["version"] = 2
        body: dict[str, Any] = {
            "access_token": self._sign(access, self.access_key),
            "expires_in": TOKEN_LIFETIME_S,
            "token_type": "Bearer",
        }
        if user is not None:
            id_claims: dict[str, Any] = {"sub": user.sub}
            if user.groups:
                id_claims["cognito:groups"] = list(user.groups)
            id_claims.update(
                {
                    "email_verified": True,
                    "iss": self.issuer,
                    "cognito:username": user.username,
                    "origin_jti": origin_jti,
                    "aud": client.client_id,
                    "token_use": "id",
                    "auth_time": auth,
                    "exp": exp,
                    "iat": iat,
                    "jti": str(uuid.uuid4()),
                    "email": user.email,
                }
            )
            body["id_token"] = self._sign(id_claims, self.id_key)
        return body

    # -- token endpoint ------------------------------------------------------------------------

    def _client_auth(self, request: Request, form: dict[str, str]) -> AppClient | None:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                client_id, _, secret = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
        client = self.directory.client_by_id(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            return None
        return client

    async def token_endpoint(self, request: Request) -> JSONResponse:
        """POST /oauth2/token for client_credentials, password and refresh_token."""
        # Parsed by hand: starlette's request.form() needs python-multipart, not worth a dependency.
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        client = self._client_auth(request, form)
        if client is None:
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        grant = form.get("grant_type", "")
        scope = form.get("scope", "")
        if grant == "client_credentials":
            return JSONResponse(self.mint(client, None, scope))
        if grant == "password":
            user = self.directory.users.get(form.get("username", ""))
            if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            body = self.mint(client, user, scope or "openid")
            refresh = secrets.token_urlsafe(48)
            self._refresh[refresh] = _Grant(client, user, scope or "openid", int(time.time()))
            body["refresh_token"] = refresh
            return JSONResponse(body)
        if grant == "refresh_token":
            stored = self._refresh.get(form.get("refresh_token", ""))
            if stored is None or stored.client.client_id != client.client_id:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            # auth_time on refresh stays the original authentication time [COGDG].
            return JSONResponse(self.mint(client, stored.user, stored.scope, stored.auth_time))
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

    def app(self) -> Starlette:
        """The ASGI app serving discovery, JWKS and the token endpoint."""
        pool = self.directory.pool_id

        async def discovery(_: Request) -> JSONResponse:
            return JSONResponse(self.discovery())

        async def jwks(_: Request) -> JSONResponse:
            return JSONResponse(self.jwks())

        return Starlette(
            routes=[
                Route(f"/{pool}/.well-known/openid-configuration", discovery),
                Route(f"/{pool}/.well-known/jwks.json", jwks),
                Route("/oauth2/token", self.token_endpoint, methods=["POST"]),
            ]
        )
