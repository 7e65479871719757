"""Check a parsed profile against the format and report every problem at once, located."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from console.config.build import LOCATIONS, location_warning, log_location, names_nothing
from console.config.locate import Locator
from console.config.problems import Problem, did_you_mean, shown, type_name
from console.config.schema import (
    SECRET_LOOKING_NAMES,
    TABLES,
    TOP,
    Key,
    Kind,
    all_key_names,
    where_else,
)
from console.model.masking import query_credentials
from console.model.profile import SecretRef

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_COLOR = re.compile(r"^(#[0-9A-Fa-f]{6}|[a-z][a-z0-9_]*)$")
_SECRET_SHAPES = (
    (re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.?"), "a JWT"),
    (re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
)
HOW_TO_REFERENCE = (
    "keep it out of the file and reference it: "
    '"env:VAR" (an environment variable), "file:PATH" (a file, relative to this profile) '
    'or "aws-secretsmanager:ARN"'
)


MAX_LEEWAY = 86400.0
"""Seconds of clock tolerance at most (as `baton decode --leeway`)."""
MAX_LOG_WAIT = 3600.0
"""Seconds a trace may keep looking for its IIS log line: a wait is a trace that has not finished, and an hour is
far past any flush worth waiting for (http.sys flushes lazily, at an undocumented interval)."""
_SECONDS = {
    "identity.leeway": (
        MAX_LEEWAY,
        "more than a day: clock skew is minutes, and a larger leeway would accept long-expired tokens",
    ),
    "iis.log_wait": (
        MAX_LOG_WAIT,
        "more than an hour: log_wait is how long a trace keeps looking for its IIS log "
        "line while IIS buffers its log ('netsh http flush logbuffer' on the server writes it at "
        "once); a longer wait only keeps the trace from finishing",
    ),
    "aws.log_wait": (
        MAX_LOG_WAIT,
        "more than an hour: log_wait is how long a trace polls CloudWatch for this request's gateway log lines; "
        "a longer wait only keeps the trace from finishing",
    ),
}
"""The upper bound of each number of seconds, and the words for a value over it."""
ASSUMED_ENVIRONMENT = "treated as production"
"""What Baton does when a real-gateway profile does not say its environment: every production rule applies."""


def url_credentials(url: str) -> str | None:
    """Why ``url`` carries a credential (user:password@ or a secret-looking query parameter), or None.

    The message names the parameter, never its value.
    """
    parts = urlsplit(url.strip())
    if "@" in parts.netloc:
        return "the URL carries credentials before '@' (user:password@host)"
    for name, _value, _raw in query_credentials(url.strip()):  # the rule `trace --path` masks by
        return f"the URL's query carries a credential ({shown(name)}=…)"
    return None


def secret_shape(value: str) -> str | None:
    """What kind of secret ``value`` looks like ('a JWT', …), or None."""
    return next((what for pattern, what in _SECRET_SHAPES if pattern.search(value)), None)


class _Checker:
    """Collects problems for one file."""

    def __init__(self, file: str, locator: Locator, stem: str | None) -> None:
        self.file = file
        self.locator = locator
        self.stem = stem
        self.problems: list[Problem] = []

    def add(self, path: tuple[str, ...], message: str, suggestion: str | None = None, *, warning: bool = False) -> None:
        key = ".".join(path) if path else "(top level)"
        line = self.locator.line_near(path)
        self.problems.append(Problem(self.file, line, key, message, suggestion, warning=warning))

    def run(self, data: dict[str, Any]) -> list[Problem]:
        self._check_table((), data, TOP)
        for table, keys in TABLES.items():
            if table in data:
                value = data[table]
                if isinstance(value, dict):
                    self._check_table((table,), value, keys)
                else:
                    self.add((table,), f"expected a table [{table}], got {type_name(value)}")
        self._check_rules(data)
        return sorted(self.problems, key=Problem.sort_key)

    def _check_table(self, path: tuple[str, ...], table: dict[str, Any], keys: dict[str, Key]) -> None:
        for name, value in table.items():
            if not path and name in TABLES:
                continue
            if name not in keys:
                self._unknown(path, name, value, keys)
                continue
            self._check_value((*path, name), value, keys[name])
        for name, key in keys.items():
            if key.required and name not in table:
                self.add((*path, name), f"missing; {name} is required ({key.kind.value})")

    def _unknown(self, path: tuple[str, ...], name: str, value: object, keys: dict[str, Key]) -> None:
        if not path and isinstance(value, dict):
            guess = did_you_mean(name, TABLES)
            self.add((name,), "unknown table", f"'[{guess}]'" if guess else None)
            return
        guess = did_you_mean(name, keys)
        message = "unknown key"
        if guess is None:
            homes = [h for h in where_else(name) if h != (path[0] if path else "")]
            if homes:
                message = f"unknown key here; {name} belongs " + (
                    "at the top level" if homes[0] == "" else f"in [{homes[0]}]"
                )
            else:
                other = did_you_mean(name, all_key_names())
                homes = where_else(other) if other else []
                if other and homes:
                    place = "the top level" if homes[0] == "" else f"[{homes[0]}]"
                    message = f"unknown key; {other} belongs in {place}"
        if isinstance(value, str):
            shape = secret_shape(value)
            if shape or any(word in name.lower() for word in SECRET_LOOKING_NAMES):
                message += f"; its value looks like {shape or 'a secret'} — {HOW_TO_REFERENCE}"
        self.add((*path, name), message, f"'{guess}'" if guess else None)

    def _check_value(self, path: tuple[str, ...], value: Any, key: Key) -> None:
        dotted = ".".join(path)
        if key.kind is Kind.SECRET:
            self._check_secret(path, value)
            return
        shape = secret_shape(value) if isinstance(value, str) else None
        if shape:
            self.add(path, f"looks like {shape} written inline; {HOW_TO_REFERENCE}")
            return
        if key.kind is Kind.BOOL:
            if not isinstance(value, bool):
                self.add(path, f"expected {key.kind.value}, got {type_name(value)}")
            return
        if key.kind is Kind.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(path, f"expected {key.kind.value}, got {type_name(value)}")
            elif not math.isfinite(value) or value < 0:
                self.add(path, f"must be a number of seconds >= 0, got {shown(value)}")
            elif dotted in _SECONDS and value > _SECONDS[dotted][0]:
                self.add(path, f"{shown(value)} s is {_SECONDS[dotted][1]}")
            return
        if key.kind is Kind.HEADER_MAP:
            self._check_headers(path, value)
            return
        if key.kind in (Kind.TEXT_LIST, Kind.STRICT_LIST):
            items = [value] if isinstance(value, str) and key.kind is Kind.TEXT_LIST else value
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                got = type_name(value) if not isinstance(items, list) else "an array with a non-string item"
                self.add(path, f"expected {key.kind.value}, got {got}")
            return
        if not isinstance(value, str):
            wanted = f"one of: {', '.join(key.choices)}" if key.kind is Kind.CHOICE else key.kind.value
            self.add(path, f"expected {wanted}, got {type_name(value)}")
            return
        if not value.strip():
            self.add(path, "must not be empty")
        elif key.kind is Kind.CHOICE and value not in key.choices:
            guess = did_you_mean(value, key.choices)
            message = f"{shown(value)} is not one of: {', '.join(key.choices)}"
            self.add(path, message, f"'{guess}'" if guess else None)
        elif key.kind is Kind.URL and (leak := url_credentials(value)):
            self.add(
                path,
                f"{leak}, which would be printed and logged with every trace; remove it and keep the "
                'secret out of the file as a reference (e.g. api_key = "env:BATON_API_KEY")',
            )
        elif key.kind is Kind.URL and not re.match(r"^https?://[^/\s]+", value):
            self.add(path, f"expected {key.kind.value} like https://host/path, got {shown(value)}")
        elif key.kind is Kind.PATH and not value.startswith("/"):
            self.add(path, f"expected {key.kind.value}, got {shown(value)}")
        elif dotted == "name" and not _NAME.match(value):
            self.add(path, "use letters, digits, '-', '_' and '.' only, starting with a letter or digit")
        elif dotted == "color" and not _COLOR.match(value):
            self.add(path, f"expected a colour name like 'red' or '#rrggbb', got {shown(value)}")
        elif dotted == "propagation.correlation_header" and not _HEADER_NAME.match(value):
            self.add(path, f"{shown(value)} is not a valid HTTP header name")

    def _check_secret(self, path: tuple[str, ...], value: Any) -> None:
        if not isinstance(value, str):
            self.add(path, f"expected {Kind.SECRET.value}, got {type_name(value)}")
            return
        try:
            SecretRef.parse(value)
        except ValueError as exc:
            text = str(exc)
            if text.startswith("not a secret reference"):
                shape = secret_shape(value)
                what = "secrets may not be written inline"
                if shape:
                    what = f"this looks like {shape} written inline"
                text = f"{what}; {HOW_TO_REFERENCE}"
            self.add(path, text)

    def _check_headers(self, path: tuple[str, ...], value: Any) -> None:
        if not isinstance(value, dict):
            self.add(path, f"expected {Kind.HEADER_MAP.value}, got {type_name(value)}")
            return
        seen: dict[str, str] = {}
        for header, claim in value.items():
            where = (*path, header)
            if not _HEADER_NAME.match(header):
                self.add(where, f"{shown(header)} is not a valid HTTP header name")
            elif header.lower() in seen:
                self.add(where, f"repeats header {seen[header.lower()]!r} (header names ignore case)")
            seen.setdefault(header.lower(), header)
            if not isinstance(claim, str) or not claim.strip():
                self.add(where, f"expected the name of the claim it carries, got {type_name(claim)}")

    def _check_rules(self, data: dict[str, Any]) -> None:
        """Requirements that depend on other keys."""
        tables = {t: data[t] if isinstance(data.get(t), dict) else None for t in TABLES}
        sandbox = tables["sandbox"] is not None
        environment = data.get("environment")
        if sandbox and environment not in (None, "sandbox"):
            self.add(("environment",), "a profile with [sandbox] always runs in environment 'sandbox'")
        if not sandbox and "environment" not in data:
            self.add(
                ("environment",),
                f'not set: {ASSUMED_ENVIRONMENT}; say which it is: environment = "dev", "staging" or "production"',
                warning=True,
            )
        name = data.get("name")
        if self.stem is not None and isinstance(name, str) and name.strip() and name.strip() != self.stem:
            self.add(
                ("name",),
                f"{shown(name.strip())} differs from the file name; '--profile {self.stem}' selects "
                f"this file and '--profile {name.strip()}' does not: rename the file or drop name",
                warning=True,
            )
        if self.stem is None and "name" not in data:
            self.add(("name",), "missing; name is required when the profile is not read from a NAME.toml file")
        gateway = tables["gateway"] or {}
        identity = tables["identity"]
        if not sandbox:
            if tables["gateway"] is None:
                self.add(("gateway",), "missing table [gateway] (or add [sandbox] for the embedded sandbox)")
            elif "url" not in gateway:
                self.add(("gateway", "url"), f"missing; the gateway needs {Kind.URL.value}")
            if gateway.get("auth") in ("cognito", "jwt") and identity is None:
                self.add(("identity",), f"missing table [identity]; auth = {gateway['auth']!r} needs a token")
        if gateway.get("auth") == "iam" and not (tables["aws"] or {}).get("region"):
            self.add(("aws", "region"), "missing; auth = 'iam' signs with SigV4, which needs the region")
        if identity is not None:
            self._check_flow(identity, gateway.get("auth"))
        self._check_locations(tables)

    def _check_locations(self, tables: dict[str, Any]) -> None:
        """A log location naming nothing yet is a warning (logs may appear later: a new day's file, a share not
        mounted yet), checked against the profile's folder as loading resolves it."""
        profile = Path(self.file).expanduser()
        base_dir = str(profile.resolve().parent) if profile.is_file() else None
        for table_name, key in LOCATIONS:
            value = (tables[table_name] or {}).get(key)
            where = log_location(value, base_dir) if isinstance(value, str) else None
            problem = names_nothing(where) if where else None
            if where and problem:
                self.add((table_name, key), location_warning(where, problem), warning=True)

    def _check_flow(self, identity: dict[str, Any], auth: object) -> None:
        needs = {
            "client_credentials": ["token_url", "client_id", "client_secret"],
            "password": ["client_id", "username", "password"] + ([] if auth == "cognito" else ["token_url"]),
            "static": ["token"],
            # InitiateAuth USER_PASSWORD_AUTH; client_secret only for an app client that has one (SECRET_HASH).
            "cognito": ["client_id", "username", "password"],
        }.get(str(identity.get("flow")), [])
        for name in needs:
            if name not in identity:
                kind = TABLES["identity"][name].kind.value
                self.add(("identity", name), f"missing; flow = {identity['flow']!r} needs {kind}")


def validate(
    data: dict[str, Any], file: str, text: str, *, stem: str | None = None, locator: Locator | None = None
) -> list[Problem]:
    """Every problem (errors and warnings) in a parsed profile, in file order; empty when it is valid.

    ``stem`` is the file's name without ``.toml``: the default ``name``, and what ``--profile`` matches.
    """
    return _Checker(file, locator or Locator(text), stem).run(data)
