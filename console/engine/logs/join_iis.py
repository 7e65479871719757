"""The IIS side of a join: every IIS (and HTTPERR) record as a compact IisSide, read by the W3C reader."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import NamedTuple

from console.engine.logs.join_report import IisSide, JoinReport
from console.engine.logs.join_workers import Scanner
from console.engine.logs.model import LogKind, LogRecord, Quarantined, Schema, Tally, decode_value
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource

__all__ = ["IIS_USER_FIELDS", "read_iis"]

IIS_USER_FIELDS = ("cs-username", "X-User-Sub", "X-User", "X-User-Id", "X-Remote-User", "X-Authenticated-User")
"""Where IIS logs the caller when no field is named: the first non-empty wins (a header IIS logged counts)."""
_new_iis = functools.partial(tuple.__new__, IisSide)


class _Plan(NamedTuple):
    key: int | None
    users: tuple[tuple[int, str], ...]
    status: int | None
    substatus: int | None
    win32: int | None
    method: int | None
    path: int | None
    date: int | None
    time: int | None
    reason: int | None
    day: str | None
    pick: Callable[[tuple[str, ...]], tuple[str, ...]] | None
    """key, status, substatus, win32, method, path, date, time in one C call, when the schema has them all."""


def _field(schema: Schema, name: str) -> int | None:
    at = schema.position(name)
    if at is None and not name.lower().startswith("cs("):
        at = schema.position(f"cs({name})")
    if at is None and name.lower().startswith("cs(") and name.endswith(")"):
        at = schema.position(name[3:-1])
    return at


def _plan(schema: Schema, iis_key: str, user_fields: tuple[str, ...]) -> _Plan:
    users = tuple((at, schema.fields[at]) for at in (_field(schema, n) for n in user_fields) if at is not None)
    path = schema.position("cs-uri-stem")
    where = (
        _field(schema, iis_key),
        schema.position("sc-status"),
        schema.position("sc-substatus"),
        schema.position("sc-win32-status"),
        schema.position("cs-method"),
        path if path is not None else schema.position("cs-uri"),
        schema.position("date"),
        schema.position("time"),
    )
    found = [at for at in where if at is not None]
    pick = operator.itemgetter(*found) if len(found) == len(where) else None
    key, status, substatus, win32, method, path, date, time = where
    day = schema.date.split(" ", 1)[0] if schema.date else None
    reason = schema.position("s-reason")
    return _Plan(key, users, status, substatus, win32, method, path, date, time, reason, day, pick)


def _key_value(raw: str) -> str | None:
    """An IIS correlation value as the gateway logged it: ``-`` is none, quotes go, ``+`` stays."""
    if raw == "-" or not raw:
        return None
    return (raw[1:-1] or None) if len(raw) > 1 and raw[0] == '"' == raw[-1] else raw


def _iis_side(record: LogRecord, plan: _Plan, key: str | None, duplicates: int) -> IisSide:
    raw = record.raw
    user = None
    for at, name in plan.users:
        value = raw[at]
        if value != "-":
            user = value if "+" not in value and value[0] != '"' else decode_value(name, value) or None
            if user:
                break
    if plan.pick is not None and plan.reason is None:
        _, status, substatus, win32, method, path, day, clock = plan.pick(raw)
        code = int(status) if len(status) == 3 and status.isdigit() else None
        where = f"{status}.{substatus}.{win32}"
        return _new_iis(
            (record.source, record.line, key, user, where, code, method, path, f"{day} {clock}", duplicates, None)
        )
    parts = [raw[at] for at in (plan.status, plan.substatus, plan.win32) if at is not None]
    code_text = raw[plan.status] if plan.status is not None else ""
    date = raw[plan.date] if plan.date is not None else plan.day
    logged = raw[plan.time] if plan.time is not None else None
    return IisSide(
        record.source,
        record.line,
        key,
        user,
        ".".join(parts),
        int(code_text) if len(code_text) == 3 and code_text.isdigit() else None,
        raw[plan.method] if plan.method is not None else "",
        raw[plan.path] if plan.path is not None else "",
        f"{date} {logged}" if date and logged else None,
        duplicates,
        raw[plan.reason] if plan.reason is not None else None,
    )


def read_iis(
    iis: Sequence[LogSource],
    iis_key: str,
    iis_user_field: str | None,
    report: JoinReport,
    scanner: Scanner,
    progress: Callable[[int], None] | None,
) -> tuple[list[IisSide], list[IisSide]]:
    """Every IIS record as an IisSide (an earlier line with the same key counted in ``duplicates``), and HTTPERR's."""
    user_fields = (iis_user_field,) if iis_user_field else IIS_USER_FIELDS
    sides: list[IisSide] = []
    httperr: list[IisSide] = []
    seen: dict[str, int] = {}
    schema: Schema | None = None
    plan = None
    done = 0
    for source in iis:
        tally = Tally(source.label)
        report.iis_tallies.append(tally)
        base = done

        def step(n: int, base: int = base) -> None:
            if progress is not None:
                progress(base + n + scanner.done_bytes())

        for item in read(source, tally, step if progress is not None else None):
            if isinstance(item, Quarantined):
                report.keep(item)
                continue
            if item.schema is not schema:
                schema = item.schema
                plan = _plan(schema, iis_key, user_fields)
            assert plan is not None and schema is not None
            if schema.kind is LogKind.HTTPERR:
                httperr.append(_iis_side(item, plan, None, 0))
                continue
            key = _key_value(item.raw[plan.key]) if plan.key is not None else None
            earlier = seen.get(key, -1) if key is not None else -1
            if key is not None:
                seen[key] = earlier + 1
                if earlier >= 0:
                    report.iis_duplicates += 1
            sides.append(_iis_side(item, plan, key, earlier + 1))
        done += source.size()
    return sides, httperr
