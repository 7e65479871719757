"""A real local AWS API for the tests: a moto server on loopback, fake credentials, and no path to real AWS.

Imported as ``tests.aws.motokit`` everywhere (tests/aws/conftest.py and tests/cli/test_aws_whoami.py), so the
session's one server is shared."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

MOTO_ACCOUNT = "123456789012"
"""The account moto answers every call with."""
FAKE_KEY_ID = "AKIATESTINGBATON0001"
FAKE_SECRET = "bAtOnFakeSecretKey/ne3ver+Pr1nt3dANYWHERE0"  # a fake, for the never-printed tests
FAKE_SESSION_TOKEN = "FwoGZXIvYXdzEBatonFakeSessionTokenNeverPrinted0123456789abcdef"

_server: list[tuple[ThreadedMotoServer, str]] = []


def _moto_url() -> str:
    if not _server:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        _server.append((server, f"http://{host}:{port}"))
    return _server[0][1]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """The moto server's base URL (started once per session, stopped at its end)."""
    url = _moto_url()
    yield url
    while _server:
        _server.pop()[0].stop()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty AWS world: no AWS_* variables, empty config and credentials files, no instance metadata, a HOME
    with no SSO cache. Returns the folder holding the two files."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "aws-home"
    folder.mkdir()
    (folder / "config").write_text("")
    (folder / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no 169.254.169.254 probing, no delay
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def fake_aws(no_aws: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake static credentials in the environment (moto accepts any); nothing can reach real AWS with them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", FAKE_SESSION_TOKEN)
    return no_aws


WriteProfile = Callable[..., Path]


@pytest.fixture
def aws_profile_file(tmp_path: Path) -> WriteProfile:
    """Write a Baton profile with an ``[aws]`` table of the given keys; returns its path."""

    def write(name: str = "awsdemo", **aws: str) -> Path:
        lines = [
            f'name = "{name}"',
            'environment = "dev"',
            "[gateway]",
            'url = "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/orders"',
            "[aws]",
            *(f'{key} = "{value}"' for key, value in aws.items()),
        ]
        path = tmp_path / f"{name}.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    return write


LAMBDA_URI = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:eu-west-1:{MOTO_ACCOUNT}:function:baton-authorizer/invocations"
)


class MotoRestApi:
    """A REST API built on the moto server through boto3: resources, authorizers, methods, integrations, stages."""

    def __init__(self, moto_url: str, region: str = "eu-west-1", name: str = "baton-test") -> None:
        import boto3

        self.region = region
        self.client = boto3.client("apigateway", region_name=region, endpoint_url=moto_url)
        self.cognito = boto3.client("cognito-idp", region_name=region, endpoint_url=moto_url)
        self.api_id: str = self.client.create_rest_api(name=name)["id"]
        root = self.client.get_resources(restApiId=self.api_id)["items"][0]
        self.ids: dict[str, str] = {"/": root["id"]}

    def resource(self, path: str) -> str:
        """The id of ``path`` (``/orders/{id}``), creating each missing segment."""
        current = "/"
        for part in [p for p in path.split("/") if p]:
            child = current.rstrip("/") + "/" + part
            if child not in self.ids:
                made = self.client.create_resource(restApiId=self.api_id, parentId=self.ids[current], pathPart=part)
                self.ids[child] = made["id"]
            current = child
        return self.ids[current]

    def cognito_authorizer(self, ttl: int | None = 300) -> tuple[str, str]:
        """A COGNITO_USER_POOLS authorizer on a new moto user pool: (authorizer id, pool id)."""
        pool = self.cognito.create_user_pool(PoolName="baton-pool")["UserPool"]
        extra = {} if ttl is None else {"authorizerResultTtlInSeconds": ttl}
        made = self.client.create_authorizer(
            restApiId=self.api_id,
            name="cognito",
            type="COGNITO_USER_POOLS",
            providerARNs=[pool["Arn"]],
            identitySource="method.request.header.Authorization",
            **extra,
        )
        return str(made["id"]), str(pool["Id"])

    def lambda_authorizer(self, ttl: int | None = 300, kind: str = "TOKEN") -> str:
        """A TOKEN (or REQUEST) Lambda authorizer's id."""
        extra = {} if ttl is None else {"authorizerResultTtlInSeconds": ttl}
        made = self.client.create_authorizer(
            restApiId=self.api_id,
            name="lambda",
            type=kind,
            authorizerUri=LAMBDA_URI,
            identitySource="method.request.header.Authorization",
            **extra,
        )
        return str(made["id"])

    def method(
        self,
        path: str,
        verb: str,
        *,
        auth: str = "NONE",
        authorizer: str | None = None,
        scopes: tuple[str, ...] = (),
        headers: dict[str, str] | None = None,
        templates: dict[str, str] | None = None,
        kind: str = "HTTP_PROXY",
    ) -> str:
        """A method and its HTTP integration; ``headers`` maps header name → source expression. Returns the
        resource id."""
        resource = self.resource(path)
        extra: dict[str, object] = {"authorizerId": authorizer} if authorizer else {}
        if scopes:
            extra["authorizationScopes"] = list(scopes)
        self.client.put_method(
            restApiId=self.api_id, resourceId=resource, httpMethod=verb, authorizationType=auth, **extra
        )
        params = {f"integration.request.header.{name}": source for name, source in (headers or {}).items()}
        self.client.put_integration(
            restApiId=self.api_id,
            resourceId=resource,
            httpMethod=verb,
            type=kind,
            integrationHttpMethod=verb,
            uri="https://iis.example.test" + path.replace("+}", "}"),
            requestParameters=params,
            requestTemplates=templates or {},
        )
        return resource

    def deploy(self, stage: str | None = "dev") -> str:
        """A new deployment (to ``stage`` when given); its id."""
        extra = {"stageName": stage} if stage else {}
        return str(self.client.create_deployment(restApiId=self.api_id, **extra)["id"])


def rest_profile(
    folder: Path,
    moto_url: str,
    api_id: str,
    *,
    stage: str = "dev",
    url_path: str = "/dev/orders/42",
    headers: dict[str, str] | None = None,
    token_use: str | None = None,
    name: str = "inspect",
    kind: str = "rest",
) -> Path:
    """A Baton profile for a REST API on moto, with [propagation] headers and an optional [identity] token_use."""
    headers = {"X-User-Id": "sub"} if headers is None else headers
    pairs = ", ".join(f'"{key}" = "{value}"' for key, value in headers.items())
    lines = [
        f'name = "{name}"',
        'environment = "dev"',
        "[gateway]",
        f'url = "https://{api_id}.execute-api.eu-west-1.amazonaws.com{url_path}"',
        f'kind = "{kind}"',
    ]
    if token_use:
        lines += ["[identity]", 'flow = "static"', 'token = "env:BATON_TEST_TOKEN"', f'token_use = "{token_use}"']
    lines += ["[propagation]", f"headers = {{ {pairs} }}"] if headers else []
    lines += ["[aws]", 'region = "eu-west-1"', f'api_id = "{api_id}"', f'stage = "{stage}"']
    lines.append(f'endpoint_url = "{moto_url}"')
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


class MotoHttpApi:
    """An HTTP API built on the moto server through apigatewayv2: authorizers, integrations, routes, a stage."""

    def __init__(self, moto_url: str, region: str = "eu-west-1") -> None:
        import boto3

        self.client = boto3.client("apigatewayv2", region_name=region, endpoint_url=moto_url)
        self.api_id: str = self.client.create_api(Name="baton-http", ProtocolType="HTTP")["ApiId"]

    def jwt_authorizer(self, issuer: str, audience: str = "client-app") -> str:
        """A JWT authorizer's id."""
        made = self.client.create_authorizer(
            ApiId=self.api_id,
            AuthorizerType="JWT",
            Name="jwt",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Issuer": issuer, "Audience": [audience]},
        )
        return str(made["AuthorizerId"])

    def lambda_authorizer(self, ttl: int, sources: tuple[str, ...] = ("$request.header.Authorization",)) -> str:
        """A REQUEST (Lambda) authorizer's id, payload 2.0 with simple responses."""
        made = self.client.create_authorizer(
            ApiId=self.api_id,
            AuthorizerType="REQUEST",
            Name="lambda",
            IdentitySource=list(sources),
            AuthorizerUri=LAMBDA_URI,
            AuthorizerResultTtlInSeconds=ttl,
            AuthorizerPayloadFormatVersion="2.0",
            EnableSimpleResponses=True,
        )
        return str(made["AuthorizerId"])

    def route(
        self,
        key: str,
        *,
        auth: str = "NONE",
        authorizer: str | None = None,
        scopes: tuple[str, ...] = (),
        parameters: dict[str, str] | None = None,
    ) -> tuple[str, str]:
        """A route and its HTTP_PROXY integration with ``parameters`` (``overwrite:header.X`` → value):
        (route id, integration id)."""
        integration = self.client.create_integration(
            ApiId=self.api_id,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            IntegrationUri="https://iis.example.test/",
            PayloadFormatVersion="1.0",
            RequestParameters=parameters or {},
        )["IntegrationId"]
        extra: dict[str, object] = {"AuthorizerId": authorizer} if authorizer else {}
        if scopes:
            extra["AuthorizationScopes"] = list(scopes)
        route = self.client.create_route(
            ApiId=self.api_id, RouteKey=key, AuthorizationType=auth, Target=f"integrations/{integration}", **extra
        )
        return str(route["RouteId"]), str(integration)

    def stage(self, name: str = "dev", auto_deploy: bool = True) -> None:
        """A stage (moto keeps AutoDeploy, not a DeploymentId, and has no GetDeployments)."""
        self.client.create_stage(ApiId=self.api_id, StageName=name, AutoDeploy=auto_deploy)
