"""The profile format: every table, key, type and allowed value, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from console.model.profile import (
    Environment,
    GatewayAuth,
    GatewayKind,
    IdentityFlow,
)


class Kind(Enum):
    """What a key's value must be."""

    TEXT = "a string"
    URL = "an http(s) URL string"
    PATH = "a path string starting with '/'"
    NUMBER = "a number of seconds"
    TEXT_LIST = "a string or an array of strings"
    STRICT_LIST = "an array of strings"
    HEADER_MAP = "a table of header name = claim name"
    SECRET = "a secret reference string (env:VAR, file:PATH or aws-secretsmanager:ARN)"  # noqa: S105
    CHOICE = "one of the listed values"
    BOOL = "true or false"


@dataclass(frozen=True, slots=True)
class Key:
    """One key of the format."""

    kind: Kind
    choices: tuple[str, ...] = ()
    required: bool = False
    """Always required; conditional requirements live in validate.py."""


def _choices(enum: type[Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum)


TOP: dict[str, Key] = {
    "name": Key(Kind.TEXT),  # defaults to the file's name without .toml
    "description": Key(Kind.TEXT),
    "environment": Key(Kind.CHOICE, _choices(Environment)),
    "color": Key(Kind.TEXT),
}

TABLES: dict[str, dict[str, Key]] = {
    "gateway": {
        "url": Key(Kind.URL),
        "kind": Key(Kind.CHOICE, _choices(GatewayKind)),
        "auth": Key(Kind.CHOICE, _choices(GatewayAuth)),
        "api_key": Key(Kind.SECRET),
        "access_log": Key(Kind.TEXT),
    },
    "identity": {
        "flow": Key(Kind.CHOICE, _choices(IdentityFlow), required=True),
        "issuer": Key(Kind.TEXT),
        "audience": Key(Kind.TEXT_LIST),
        "jwks_url": Key(Kind.URL),
        "token_url": Key(Kind.URL),
        "client_id": Key(Kind.TEXT),
        "client_secret": Key(Kind.SECRET),
        "username": Key(Kind.TEXT),
        "password": Key(Kind.SECRET),
        "token": Key(Kind.SECRET),
        "scopes": Key(Kind.STRICT_LIST),
        "token_use": Key(Kind.CHOICE, ("access", "id")),
        "leeway": Key(Kind.NUMBER),
        "required_claims": Key(Kind.STRICT_LIST),
    },
    "propagation": {
        "headers": Key(Kind.HEADER_MAP),
        "correlation_header": Key(Kind.TEXT),
    },
    "iis": {
        "url": Key(Kind.URL),
        "echo_path": Key(Kind.PATH),
        "log_path": Key(Kind.TEXT),
        "httperr_path": Key(Kind.TEXT),
        "log_wait": Key(Kind.NUMBER),
    },
    "aws": {
        "profile": Key(Kind.TEXT),
        "region": Key(Kind.TEXT),
        "api_id": Key(Kind.TEXT),
        "stage": Key(Kind.TEXT),
        "endpoint_url": Key(Kind.URL),
        "allow_invoke": Key(Kind.BOOL),
        "execution_log_group": Key(Kind.TEXT),
        "access_log_group": Key(Kind.TEXT),
        "iis_log_group": Key(Kind.TEXT),
        "log_wait": Key(Kind.NUMBER),
    },
    "sandbox": {
        "scenario": Key(Kind.TEXT, required=True),
    },
}

SECRET_LOOKING_NAMES = ("secret", "password", "passwd", "token", "api_key", "apikey", "credential", "key")
"""Unknown keys with these words in their names get no value echoed either."""


def where_else(name: str) -> list[str]:
    """The tables (``''`` for the top level) where a key called ``name`` does belong."""
    homes = [table for table, keys in TABLES.items() if name in keys]
    if name in TOP:
        homes.insert(0, "")
    return homes


def all_key_names() -> set[str]:
    """Every key name of every table, for did-you-mean across tables."""
    names = set(TOP)
    for keys in TABLES.values():
        names.update(keys)
    return names
