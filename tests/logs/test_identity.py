"""The caller an IIS line names: cs-username first, then the identity headers sites log as custom fields."""

from __future__ import annotations

from console.engine.logs.identity import iis_user
from console.engine.logs.model import LogRecord, Schema


def line(fields: tuple[str, ...], values: tuple[str, ...]) -> LogRecord:
    return LogRecord("u_ex260101_x.log", 5, 0, Schema.of(fields), values)


def test_iis_authenticated_user_comes_first() -> None:
    record = line(("cs-username", "X-User-Sub"), ("CONTOSO\\alice", "bob"))
    assert iis_user(record) == ("CONTOSO\\alice", "cs-username")


def test_the_identity_header_names_the_caller_when_iis_did_not_authenticate() -> None:
    assert iis_user(line(("cs-username", "X-User-Sub"), ("-", "3cf7"))) == ("3cf7", "X-User-Sub")
    assert iis_user(line(("cs-username", "cs(X-User-Sub)"), ("-", "3cf7"))) == ("3cf7", "cs(X-User-Sub)")


def test_a_line_with_no_caller_is_anonymous() -> None:
    assert iis_user(line(("cs-username", "X-User-Sub"), ("-", "-"))) is None
    assert iis_user(line(("date",), ("2026-01-01",))) is None


def test_a_named_field_is_the_only_one_read() -> None:
    record = line(("cs-username", "X-Tenant-User"), ("alice", "t1\\alice"))
    assert iis_user(record, "X-Tenant-User") == ("t1\\alice", "X-Tenant-User")
    assert iis_user(record, "X-Missing") is None
