"""Helpers of the drift tests: a Baton profile for a moto API with [identity] expectations (issuer, token_use,
scopes) beside [propagation] headers, and a Cognito-authorized REST API whose pool's issuer is known."""

from __future__ import annotations

from pathlib import Path

from tests.aws.motokit import MotoRestApi

REGION = "eu-west-1"


def pool_issuer(pool_id: str) -> str:
    """The ``iss`` of a moto user pool's tokens (domain §6)."""
    return f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"


def cognito_api(moto_url: str, headers: dict[str, str], scopes: tuple[str, ...] = ()) -> tuple[MotoRestApi, str]:
    """A REST API whose GET /orders/{id} is Cognito-authorized and maps ``headers``: (api, its pool's issuer)."""
    api = MotoRestApi(moto_url, region=REGION)
    authorizer, pool = api.cognito_authorizer()
    api.method("/orders/{id}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer, scopes=scopes, headers=headers)
    return api, pool_issuer(pool)


def drift_profile(
    folder: Path,
    moto_url: str,
    api_id: str,
    name: str,
    *,
    stage: str = "dev",
    kind: str = "rest",
    headers: dict[str, str] | None = None,
    token_use: str | None = None,
    issuer: str | None = None,
) -> str:
    """Write ``NAME.toml`` for the API on moto; its path."""
    url_path = f"/{stage}/orders/42" if kind == "rest" else "/orders/42"
    lines = [
        f'name = "{name}"',
        'environment = "dev"',
        "[gateway]",
        f'url = "https://{api_id}.execute-api.{REGION}.amazonaws.com{url_path}"',
        f'kind = "{kind}"',
    ]
    if token_use or issuer:
        lines += ["[identity]", 'flow = "static"', 'token = "env:BATON_TEST_TOKEN"']
        lines += [f'token_use = "{token_use}"'] if token_use else []
        lines += [f'issuer = "{issuer}"'] if issuer else []
    if headers:
        pairs = ", ".join(f'"{key}" = "{value}"' for key, value in headers.items())
        lines += ["[propagation]", f"headers = {{ {pairs} }}"]
    lines += [
        "[aws]",
        f'region = "{REGION}"',
        f'api_id = "{api_id}"',
        f'stage = "{stage}"',
        f'endpoint_url = "{moto_url}"',
    ]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)
