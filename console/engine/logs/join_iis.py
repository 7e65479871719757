"""The IIS side of a join: every IIS (and HTTPERR) record as a compact IisSide, read in bulk (join_iisscan)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import contains, or_
from typing import NamedTuple

from console.engine.logs.identity import IIS_USER_FIELDS, field_position
from console.engine.logs.join_iisscan import Bulk, One, scan
from console.engine.logs.join_report import IisSide, JoinReport
from console.engine.logs.join_workers import Scanner
from console.engine.logs.model import LogKind, Quarantined, Schema, Tally, decode_value
from console.engine.logs.sources import LogSource

__all__ = ["IIS_USER_FIELDS", "read_iis"]

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
    agent: int | None
    taken: int | None
    wanted: tuple[int, ...] | None
    """The fields of (key, status, substatus, win32, method, path, date or time, time, [agent], [taken], *users) for a
    bulk read, when the schema has all but the bracketed ones."""


def _plan(schema: Schema, iis_key: str, user_fields: tuple[str, ...]) -> _Plan:
    users = tuple((at, schema.fields[at]) for at in (field_position(schema, n) for n in user_fields) if at is not None)
    path = schema.position("cs-uri-stem")
    where = (
        field_position(schema, iis_key),
        schema.position("sc-status"),
        schema.position("sc-substatus"),
        schema.position("sc-win32-status"),
        schema.position("cs-method"),
        path if path is not None else schema.position("cs-uri"),
    )
    date, time = schema.position("date"), schema.position("time")
    day = schema.date.split(" ", 1)[0] if schema.date else None
    reason = schema.position("s-reason")
    agent, taken = field_position(schema, "User-Agent"), schema.position("time-taken")
    wanted = None
    if schema.kind is not LogKind.HTTPERR and None not in where and time is not None:
        extra = tuple(at for at in (agent, taken) if at is not None)
        wanted = (*where, time if date is None else date, time, *extra, *(at for at, _ in users))
    return _Plan(where[0], users, *where[1:], date, time, reason, day, agent, taken, wanted)  # type: ignore[arg-type]


GATEWAY_AGENT = "AmazonAPIGateway_"
"""The User-Agent an API Gateway HTTP (non-proxy) integration sends, followed by the API id (C1: HTTP_PROXY passes the
client's own agent through, so its absence proves nothing)."""


class _Agents(dict[str, str | None]):
    """User-Agent as logged → the API id of ``AmazonAPIGateway_<apiId>``, else None (a log has a few agents)."""

    def __missing__(self, raw: str) -> str | None:
        api: str | None = None
        if raw.startswith(GATEWAY_AGENT):
            rest = raw[len(GATEWAY_AGENT) :]
            end = next((i for i, c in enumerate(rest) if not (c.isascii() and c.isalnum())), len(rest))
            api = rest[:end] or None
        if len(self) < 4096:
            self[raw] = api
        return api


class _Taken(dict[str, int | None]):
    """time-taken as logged → milliseconds (None when not a number)."""

    def __missing__(self, raw: str) -> int | None:
        value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
        if len(self) < 1 << 16:
            self[raw] = value
        return value


def _key_value(raw: str) -> str | None:
    """An IIS correlation value as the gateway logged it: ``-`` is none, quotes go, ``+`` stays."""
    if raw == "-" or not raw:
        return None
    return (raw[1:-1] or None) if len(raw) > 1 and raw[0] == '"' == raw[-1] else raw


def _user(value: str, name: str) -> str | None:
    return value if "+" not in value and value[0] != '"' else decode_value(name, value) or None


def _iis_side(label: str, line: int, raw: tuple[str, ...], plan: _Plan, key: str | None, dups: int) -> IisSide:
    """One record read line by line."""
    user = None
    for at, name in plan.users:
        if raw[at] != "-":
            user = _user(raw[at], name)
            if user:
                break
    parts = [raw[at] for at in (plan.status, plan.substatus, plan.win32) if at is not None]
    code_text = raw[plan.status] if plan.status is not None else ""
    date = raw[plan.date] if plan.date is not None else plan.day
    logged = raw[plan.time] if plan.time is not None else None
    return IisSide(
        label,
        line,
        key,
        user,
        ".".join(parts),
        int(code_text) if len(code_text) == 3 and code_text.isdigit() else None,
        raw[plan.method] if plan.method is not None else "",
        raw[plan.path] if plan.path is not None else "",
        f"{date} {logged}" if date and logged else None,
        dups,
        raw[plan.reason] if plan.reason is not None else None,
        _AGENTS[raw[plan.agent]] if plan.agent is not None else None,
        _TAKEN[raw[plan.taken]] if plan.taken is not None else None,
    )


_AGENTS = _Agents()
_TAKEN = _Taken()


class _Sides:
    """Where the records go: keyed sides (with their duplicates counted), HTTPERR's, and the unjoinable."""

    def __init__(self, iis_key: str, user_fields: tuple[str, ...], report: JoinReport) -> None:
        self.iis_key, self.user_fields, self.report = iis_key, user_fields, report
        self.plans: dict[Schema, _Plan] = {}
        self.sides: list[IisSide] = []
        self.httperr: list[IisSide] = []
        self.unjoinable: list[IisSide] = []
        self.codes: dict[str, int | None] = {}

    def plan(self, schema: Schema) -> _Plan:
        plan = self.plans.get(schema)
        if plan is None:
            plan = self.plans[schema] = _plan(schema, self.iis_key, self.user_fields)
        return plan

    def wanted(self, schema: Schema) -> tuple[int, ...] | None:
        return self.plan(schema).wanted

    def one(self, label: str, item: One) -> None:
        plan = self.plan(item.schema)
        if item.schema.kind is LogKind.HTTPERR:
            self.httperr.append(_iis_side(label, item.line, item.values, plan, None, 0))
        elif plan.key is None:  # a schema without the correlation field: this line cannot be joined at all
            if not self.report.not_joinable_fields:  # the warning names the fields the log does have
                self.report.not_joinable_fields = list(item.schema.fields)
            self.unjoinable.append(_iis_side(label, item.line, item.values, plan, None, 0))
        else:
            key = _key_value(item.values[plan.key])
            self.sides.append(_iis_side(label, item.line, item.values, plan, key, 0))

    def bulk(self, label: str, item: Bulk) -> None:
        """A run of records, column by column: per-row work is C (map, zip), Python only for the rare values."""
        plan = self.plan(item.schema)
        logged, status, substatus, win32, method, path, date, clock, *users = item.columns
        n = len(logged)
        agents: Iterable[str | None] = (
            map(_AGENTS.__getitem__, users.pop(0)) if plan.agent is not None else repeat(None)
        )
        taken: Iterable[int | None] = map(_TAKEN.__getitem__, users.pop(0)) if plan.taken is not None else repeat(None)
        keys = _keys(logged)
        user = _users(users, tuple(name for _, name in plan.users), n)
        codes = self.codes
        for text in set(status).difference(codes):
            codes[text] = int(text) if len(text) == 3 and text.isdigit() else None
        if plan.date is not None:
            when: Iterable[str | None] = map(" ".join, zip(date, clock, strict=True))
        else:
            when = map(f"{plan.day} ".__add__, clock) if plan.day else repeat(None)
        first = item.first
        self.sides.extend(
            map(
                _new_iis,
                zip(
                    repeat(label),
                    range(first, first + n),
                    keys,
                    user,
                    map(".".join, zip(status, substatus, win32, strict=True)),
                    map(codes.__getitem__, status),
                    method,
                    path,
                    when,
                    repeat(0),  # duplicates: the join counts them (it looks every key up anyway)
                    repeat(None),
                    agents,
                    taken,
                ),
            )
        )


def _dashes_to_none(column: list[str]) -> list[str | None]:
    """``column`` with each ``-`` (no value) as None: the few found by list.index, many by one comprehension."""
    count = column.count("-")
    if not count:
        return column  # type: ignore[return-value]  # list is invariant; no None is added
    if count > len(column) >> 3:  # list.index costs a Python call per hit
        return [None if v == "-" else v for v in column]
    out: list[str | None] = column.copy()  # type: ignore[assignment]
    at = -1
    for _ in range(count):
        at = column.index("-", at + 1)
        out[at] = None
    return out


def _keys(logged: list[str]) -> list[str | None]:
    """The correlation values of a run (as _key_value reads each): only quoted ones need a Python call."""
    keys = _dashes_to_none(logged)
    if '"' in "\0".join(logged):  # one C pass: any quote at all?
        keys = keys.copy() if keys is logged else keys
        for at in compress(range(len(logged)), map(str.startswith, logged, repeat('"'))):
            keys[at] = _key_value(logged[at])
    return keys


def _users(columns: list[list[str]], names: tuple[str, ...], n: int) -> list[str | None]:
    """Per line, the first non-empty user field (decoded when it holds ``+`` or quotes)."""
    out: list[str | None] | None = None
    for column, name in zip(columns, names, strict=True):
        values = _dashes_to_none(column)
        joined = "\0".join(column)  # one C pass to learn whether any value needs decoding
        plus, quote = "+" in joined, '"' in joined
        if plus or quote:
            values = values.copy() if values is column else values
            marks = map(contains, column, repeat("+")) if plus else repeat(False)
            quotes = map(str.startswith, column, repeat('"')) if quote else repeat(False)
            for at in compress(range(n), map(or_, marks, quotes)):
                values[at] = _user(column[at], name)
        out = values if out is None else [a or b for a, b in zip(out, values, strict=True)]
        if all(out):
            break
    return [None] * n if out is None else out


def read_iis(
    iis: Sequence[LogSource],
    iis_key: str,
    iis_user_field: str | None,
    report: JoinReport,
    scanner: Scanner,
    progress: Callable[[int], None] | None,
) -> tuple[list[IisSide], list[IisSide], list[IisSide]]:
    """Every IIS record as an IisSide (``duplicates`` 0: the join counts them), HTTPERR's, and those in a schema
    without the key field (not joinable)."""
    out = _Sides(iis_key, (iis_user_field,) if iis_user_field else IIS_USER_FIELDS, report)
    done = 0
    for source in iis:
        tally = Tally(source.label)
        report.iis_tallies.append(tally)
        base = done

        def step(n: int, base: int = base) -> None:
            # done_bytes polls the scanner: a worker that finished its range takes the next one while this reads
            done = scanner.done_bytes()
            if progress is not None:
                progress(base + n + done)

        label = source.label
        for item in scan(source, tally, step, out.wanted):
            if isinstance(item, Bulk):
                out.bulk(label, item)
            elif isinstance(item, One):
                out.one(label, item)
            elif isinstance(item, Quarantined):
                report.keep(item)
        done += source.size()
    return out.sides, out.httperr, out.unjoinable
