"""Turn a validated profile table into the frozen console.model.profile objects."""

from __future__ import annotations

import glob
import os
from pathlib import Path
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
    warnings = (*warnings, *_location_warnings(data, base_dir, warnings))
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
        iis=_iis(data["iis"], base_dir) if "iis" in data else None,
        aws=_aws(data["aws"]) if "aws" in data else None,
        sandbox=sandbox,
        source=source,
    )


def _gateway(table: dict[str, Any], base_dir: str | None) -> GatewaySettings:
    return GatewaySettings(
        url=_text(table, "url"),
        kind=GatewayKind(table.get("kind", "rest")),
        auth=GatewayAuth(table.get("auth", "none")),
        api_key=_secret(table, "api_key", base_dir),
        access_log=_location(table, "access_log", base_dir),
    )


def _aws(table: dict[str, Any]) -> AwsSettings:
    texts = ("profile", "region", "api_id", "stage", "endpoint_url", "execution_log_group", "access_log_group")
    wait = table.get("log_wait")
    return AwsSettings(
        **{k: _text(table, k) for k in (*texts, "iis_log_group")},
        allow_invoke=table.get("allow_invoke") is True,
        log_wait=float(wait) if isinstance(wait, int | float) and not isinstance(wait, bool) else None,
    )


def _iis(table: dict[str, Any], base_dir: str | None) -> IisSettings:
    wait = table.get("log_wait")
    return IisSettings(
        url=_text(table, "url"),
        echo_path=_text(table, "echo_path"),
        log_path=_location(table, "log_path", base_dir),
        httperr_path=_location(table, "httperr_path", base_dir),
        log_wait=float(wait) if isinstance(wait, int | float) and not isinstance(wait, bool) else None,
    )


LOCATIONS = (("iis", "log_path"), ("iis", "httperr_path"), ("gateway", "access_log"))
"""Keys naming logs: a file, a folder of logs, or a glob; relative to the profile's folder."""
_LOG_NAMES = ("*.log", "*.gz", "*.zip")


def _location(table: dict[str, Any], key: str, base_dir: str | None) -> str | None:
    return log_location(table.get(key), base_dir)


def log_location(value: object, base_dir: str | None) -> str | None:
    """A log location as written, made absolute against the profile's folder (as file: references are)."""
    text = value.strip() if isinstance(value, str) else None
    if not text:
        return None
    path = Path(text).expanduser()
    return str(Path(base_dir) / path) if base_dir and not path.is_absolute() else str(path)


def location_warning(where: str, problem: str) -> str:
    """The warning for a log location naming nothing: what ``profiles validate`` and loading both say."""
    return f"{where!r} {problem}; traces will say so until it does"


def _location_warnings(data: dict[str, Any], base_dir: str | None, told: tuple[str, ...]) -> list[str]:
    """Location warnings validation could not give (it resolves relative paths only for a profile read from a
    file); a key it already warned about is not told twice."""
    out: list[str] = []
    for table_name, key in LOCATIONS:
        table = data.get(table_name)
        where = _location(table, key, base_dir) if isinstance(table, dict) else None
        problem = names_nothing(where) if where else None
        said = f"{table_name}.{key}: warning: "
        if where and problem and not any(t.startswith(said) for t in told):
            out.append(said + location_warning(where, problem))
    return out


def names_nothing(where: str) -> str | None:
    """Why a log location names no log file, or None when it names one (checked by name only: nothing is read)."""
    if os.path.isdir(where):
        found = any(glob.glob(os.path.join(glob.escape(where), pattern)) for pattern in _LOG_NAMES)
        return None if found else "is a folder with no log files (*.log, *.gz, *.zip)"
    if os.path.exists(where):
        return None if os.access(where, os.R_OK) else "cannot be read (permission denied)"
    if any(c in where for c in "*?["):
        return None if glob.glob(where) else "is a glob that matches no file"
    return "does not exist"


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
