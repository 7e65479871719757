"""Turn a validated profile table into the frozen console.model.profile objects."""

from __future__ import annotations

from typing import Any

from console.model.profile import (
    DEFAULT_CORRELATION_HEADER,
    AwsSettings,
    Environment,
    GatewayAuth,
    GatewayKind,
    GatewaySettings,
    IdentityFlow,
    IdentitySettings,
    IisSettings,
    Profile,
    PropagationSettings,
    SandboxSettings,
    SecretRef,
)


def _text(table: dict[str, Any], key: str) -> str | None:
    value = table.get(key)
    return value.strip() if isinstance(value, str) else None


def _texts(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, ())
    items = [value] if isinstance(value, str) else value
    return tuple(item.strip() for item in items)


def _secret(table: dict[str, Any], key: str, base_dir: str | None) -> SecretRef | None:
    value = table.get(key)
    return SecretRef.parse(value, base_dir) if isinstance(value, str) else None


def build_profile(
    data: dict[str, Any],
    *,
    source: str | None,
    base_dir: str | None,
    stem: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Profile:
    """The Profile for ``data``, which ``validate`` found no error in; ``stem`` (the file's name without
    ``.toml``) is the name when the file gives none."""
    sandbox_table = data.get("sandbox")
    sandbox = SandboxSettings(scenario=sandbox_table["scenario"].strip()) if sandbox_table else None
    # No environment and no [sandbox]: a real gateway of unknown kind gets every production safety rule.
    assumed = sandbox is None and "environment" not in data
    environment = Environment(data.get("environment", "sandbox" if sandbox else "production"))
    return Profile(
        name=_text(data, "name") or stem or "profile",
        description=_text(data, "description") or "",
        environment=environment,
        environment_assumed=assumed,
        warnings=warnings,
        color=_text(data, "color"),
        gateway=_gateway(data["gateway"], base_dir) if "gateway" in data else None,
        identity=_identity(data["identity"], base_dir) if "identity" in data else None,
        propagation=_propagation(data.get("propagation", {})),
        iis=IisSettings(**{k: _text(data["iis"], k) for k in ("url", "echo_path", "log_path")})
        if "iis" in data
        else None,
        aws=AwsSettings(**{k: _text(data["aws"], k) for k in ("profile", "region", "api_id", "stage")})
        if "aws" in data
        else None,
        sandbox=sandbox,
        source=source,
    )


def _gateway(table: dict[str, Any], base_dir: str | None) -> GatewaySettings:
    return GatewaySettings(
        url=_text(table, "url"),
        kind=GatewayKind(table.get("kind", "rest")),
        auth=GatewayAuth(table.get("auth", "none")),
        api_key=_secret(table, "api_key", base_dir),
    )


def _identity(table: dict[str, Any], base_dir: str | None) -> IdentitySettings:
    return IdentitySettings(
        flow=IdentityFlow(table["flow"]),
        issuer=_text(table, "issuer"),
        audience=_texts(table, "audience"),
        jwks_url=_text(table, "jwks_url"),
        token_url=_text(table, "token_url"),
        client_id=_text(table, "client_id"),
        client_secret=_secret(table, "client_secret", base_dir),
        username=_text(table, "username"),
        password=_secret(table, "password", base_dir),
        token=_secret(table, "token", base_dir),
        scopes=_texts(table, "scopes"),
        token_use=_text(table, "token_use"),
        leeway=float(table.get("leeway", 0.0)),
        required_claims=_texts(table, "required_claims"),
    )


def _propagation(table: dict[str, Any]) -> PropagationSettings:
    headers = tuple((name, claim.strip()) for name, claim in table.get("headers", {}).items())
    return PropagationSettings(
        headers=headers,
        correlation_header=_text(table, "correlation_header") or DEFAULT_CORRELATION_HEADER,
    )
