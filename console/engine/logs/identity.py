"""Who an IIS log line says the caller was: one rule for search, the Logs view and the join.

IIS itself logs ``cs-username`` only when it authenticated the call; behind API Gateway the identity usually
travels in a header the site logs as a custom field (``X-User-Sub`` …, domain §4.6). The first non-empty of these
fields is the line's user, and the field it came from is said with it.
"""

from __future__ import annotations

from console.engine.logs.model import LogRecord, Schema

__all__ = ["IIS_USER_FIELDS", "field_position", "iis_user"]

IIS_USER_FIELDS = ("cs-username", "X-User-Sub", "X-User", "X-User-Id", "X-Remote-User", "X-Authenticated-User")
"""In order: IIS's own authenticated user, then the identity headers sites log as custom fields."""


def field_position(schema: Schema, name: str) -> int | None:
    """Where ``name`` is in ``schema``: a custom field may be logged as ``X-User-Sub`` or ``cs(X-User-Sub)``."""
    at = schema.position(name)
    if at is None and not name.lower().startswith("cs("):
        at = schema.position(f"cs({name})")
    if at is None and name.lower().startswith("cs(") and name.endswith(")"):
        at = schema.position(name[3:-1])
    return at


def iis_user(record: LogRecord, field: str | None = None) -> tuple[str, str] | None:
    """(user, the field it was read from) for ``record``; None when the line names no caller (anonymous).

    ``field`` names the one field to read (a profile or ``--user-field`` choice); else IIS_USER_FIELDS in order."""
    for name in (field,) if field else IIS_USER_FIELDS:
        at = field_position(record.schema, name)
        if at is None:
            continue
        value = record.get(record.schema.fields[at])
        if value:
            return value, record.schema.fields[at]
    return None
