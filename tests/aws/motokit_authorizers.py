"""Helpers of the authorizer-decision tests: an OIDC issuer on loopback, moto's Docker-free Lambda, a Cognito pool
with a user, a client that sends only TestInvokeAuthorizer (which moto does not implement) to botocore's Stubber,
and a profile writer."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.aws.motokit import MOTO_ACCOUNT
from tests.engine.jwtkit import Keys, make_keys, sign

REGION = "eu-west-1"
FUNCTION = "baton-authorizer"
"""The function motokit.LAMBDA_URI names."""


class Issuer:
    """An OIDC issuer on loopback: discovery document and JWKS, and tokens signed with its RSA key."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.jwks = {"keys": [keys.jwk(keys.rsa, "k1", "RS256")]}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    body = json.dumps({"issuer": outer.url, "jwks_uri": f"{outer.url}/jwks.json"}).encode()
                elif self.path == "/jwks.json":
                    body = json.dumps(outer.jwks).encode()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, key: Any = None, kid: str = "k1", alg: str = "RS256", **claims: Any) -> str:
        """A token of this issuer for ``client-app``, valid five minutes; ``claims`` override (None drops one)."""
        now = int(time.time())
        body = {"iss": self.url, "sub": "user-42", "aud": "client-app", "iat": now - 10, "exp": now + 300}
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return sign({"alg": alg, "kid": kid, "typ": "JWT"}, body, key or self.keys.rsa, alg)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    """An OIDC issuer on loopback (fresh RSA keys per module)."""
    served = Issuer(make_keys())
    yield served
    served.close()


@pytest.fixture
def fresh_jwks() -> Iterator[None]:
    """The engine's JWKS cache emptied before and after (a failed fetch is remembered for seconds)."""
    from console.engine import jwks_cache

    jwks_cache.clear()
    yield
    jwks_cache.clear()


@pytest.fixture
def simple_lambda(moto_url: str, fake_aws: Path) -> Iterator[LambdaQueue]:
    """moto's Docker-free Lambda (``use_docker: false`` set through /moto-api/config, put back after) with the
    authorizer function created; answers are queued with ``.answer(...)``, and with none queued the function
    answers the event it was given."""
    import boto3

    before = httpx.get(f"{moto_url}/moto-api/config").json().get("lambda", {"use_docker": True})
    httpx.post(f"{moto_url}/moto-api/config", json={"lambda": {"use_docker": False}})
    iam = boto3.client("iam", region_name=REGION, endpoint_url=moto_url)
    name = f"baton-authorizer-role-{time.monotonic_ns()}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client = boto3.client("lambda", region_name=REGION, endpoint_url=moto_url)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context):\n    return event\n")
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_function(FunctionName=FUNCTION)
    client.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    yield LambdaQueue(moto_url)
    httpx.post(f"{moto_url}/moto-api/config", json={"lambda": before})


class LambdaQueue:
    """The answers moto's Docker-free Lambda gives, in order."""

    def __init__(self, moto_url: str) -> None:
        self.moto_url = moto_url

    def answer(self, *documents: Any) -> None:
        results = [doc if isinstance(doc, str) else json.dumps(doc) for doc in documents]
        response = httpx.post(
            f"{self.moto_url}/moto-api/static/lambda-simple/response",
            json={"results": results, "region": REGION, "account_id": MOTO_ACCOUNT},
        )
        assert response.status_code == 201


class Recording:
    """A boto3 client that records each call's parameters, then forwards it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.meta = client.meta
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if not callable(method) or name.startswith("get_paginator"):
            return method

        def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return method(**kwargs)

        return call


class StubbedTestInvoke:
    """An apigateway client on moto whose TestInvokeAuthorizer alone goes to botocore's Stubber (moto 5 has no
    TestInvokeAuthorizer: NotImplementedError)."""

    def __init__(self, moto_url: str) -> None:
        import boto3
        from botocore.stub import Stubber

        self.real = boto3.client("apigateway", region_name=REGION, endpoint_url=moto_url)
        self.stubbed = boto3.client("apigateway", region_name=REGION, endpoint_url=moto_url)
        self.stub = Stubber(self.stubbed)
        self.stub.activate()
        self.meta = self.real.meta

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stubbed if name == "test_invoke_authorizer" else self.real, name)


def factory_for(moto_url: str, **clients: Any) -> Any:
    """A client factory: the given clients by service name, else a plain client on moto."""
    import boto3

    def make(service: str) -> Any:
        if service in clients:
            return clients[service]
        return boto3.client(service, region_name=REGION, endpoint_url=moto_url)

    return make


def profile_file(
    folder: Path,
    moto_url: str,
    api_id: str,
    *,
    kind: str = "rest",
    stage: str = "dev",
    allow_invoke: bool = False,
    identity: list[str] | None = None,
    name: str = "authz",
) -> Path:
    """A Baton profile for an API on moto; ``identity`` lines go under [identity]."""
    lines = [
        f'name = "{name}"',
        'environment = "dev"',
        "[gateway]",
        f'url = "https://{api_id}.execute-api.{REGION}.amazonaws.com/{stage}/orders/42"',
        f'kind = "{kind}"',
    ]
    if identity:
        lines += ["[identity]", *identity]
    lines += ["[aws]", f'region = "{REGION}"', f'api_id = "{api_id}"', f'stage = "{stage}"']
    lines += [f'endpoint_url = "{moto_url}"', f"allow_invoke = {'true' if allow_invoke else 'false'}"]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def cognito_user(moto_url: str, pool_id: str) -> dict[str, str]:
    """A confirmed user of ``pool_id`` signed in: its IdToken and AccessToken (signed by moto's key)."""
    import boto3

    client = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_url)
    app = client.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool_id, Username="alice", TemporaryPassword="Temp-Passw0rd!")
    client.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Real-Passw0rd!", Permanent=True)
    result = client.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=app,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Real-Passw0rd!"},
    )["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"], "client_id": app}
