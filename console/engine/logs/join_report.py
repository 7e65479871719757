"""What ``baton logs join`` reports: compact per-side tuples, a row per request, counts and inputs (see join_output)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from console.engine.logs.gateway_access import clf_time
from console.engine.logs.join_verdict import JoinVerdict
from console.engine.logs.model import Quarantined, Tally

__all__ = ["GatewaySide", "IisSide", "JoinReport", "JoinRow"]

KEEP_QUARANTINED = 100
"""Quarantined lines kept for display (all of them are counted in the tallies)."""


class GatewaySide(NamedTuple):
    """What the join keeps of one gateway record (a tuple: a million of them must fit)."""

    source: str
    line: int
    key: str
    request_id: str | None
    callers: tuple[str, ...]
    status: int | None
    integration_status: int | None
    error_type: str | None
    method: str
    path: str
    time: str | None
    """``requestTime`` (or ``requestTimeEpoch``) as logged; :meth:`at` reads it."""
    duplicates: int = 0
    """Earlier gateway lines with the same key (the last one is this)."""

    def at(self) -> datetime.datetime | None:
        """When the gateway received the request (UTC)."""
        return clf_time(self.time)


class IisSide(NamedTuple):
    """What the join keeps of one IIS (or HTTPERR) record."""

    source: str
    line: int
    key: str | None
    user: str | None
    status: str
    """``401.2.5`` (status.substatus.win32, as logged; fewer parts when fewer fields exist)."""
    code: int | None
    method: str
    path: str
    time: str | None
    """``2026-05-17 10:00:00`` (UTC), as logged."""
    duplicates: int = 0
    """Earlier IIS lines with the same key (a Negotiate 401 before this one, say)."""
    reason: str | None = None
    """HTTPERR's s-reason when http.sys refused the request."""
    agent: str | None = None
    """The API id of a ``AmazonAPIGateway_<apiId>`` User-Agent: what an API Gateway HTTP (non-proxy) integration sends
    (failure-modes-more C1); None for any other agent."""
    taken: int | None = None
    """``time-taken`` in ms (None when not logged): the line is stamped when the request ends."""

    def at(self) -> datetime.datetime | None:
        """When IIS logged the line (UTC)."""
        try:
            return datetime.datetime.fromisoformat(self.time or "").replace(tzinfo=datetime.UTC)
        except ValueError:
            return None


class JoinRow(NamedTuple):
    """One request's verdict with what each hop logged of it (``gateway``/``iis`` None where it logged nothing)."""

    key: str | None
    verdict: JoinVerdict
    gateway: GatewaySide | None
    iis: IisSide | None
    gateway_caller: str | None
    """The gateway caller judged (the one IIS matched, else the first logged)."""
    iis_user: str | None
    gateway_status: int | None
    iis_status: str | None
    """``401.2.5``."""
    note: str


@dataclass
class JoinReport:
    """Every row, the counts per verdict, and each input's tally (nothing partial passes for complete)."""

    rows: list[JoinRow] = field(default_factory=list)
    counts: Counter[JoinVerdict] = field(default_factory=Counter)
    gateway_tallies: list[Tally] = field(default_factory=list)
    iis_tallies: list[Tally] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    """The first KEEP_QUARANTINED quarantined lines over all inputs."""
    gateway_duplicates: int = 0
    """Gateway records whose key an earlier one had (the last is judged)."""
    iis_duplicates: int = 0
    """IIS lines whose key an earlier one had (the final is judged: a Negotiate 401 then 200 is one request)."""
    gateway_unkeyed: int = 0
    """Gateway records with no correlation id, requestId or extendedRequestId: they cannot be joined."""
    httperr_records: int = 0
    httperr_matched: int = 0
    iis_not_joinable: int = 0
    """IIS records in a schema without the correlation field: never joined, never a bypass (nobody can tell)."""
    not_joinable_sources: list[str] = field(default_factory=list)
    not_joinable_fields: list[str] = field(default_factory=list)
    """The #Fields of the first schema without the key (the warning lists them: a typo in --iis-key shows)."""
    iis_key: str = "X-Correlation-Id"

    @property
    def tallies(self) -> list[Tally]:
        """Every input's tally, gateway logs first."""
        return [*self.gateway_tallies, *self.iis_tallies]

    def keep(self, line: Quarantined) -> None:
        """Remember a quarantined line for display (the tally counts it either way)."""
        if len(self.quarantined) < KEEP_QUARANTINED:
            self.quarantined.append(line)

    @property
    def complete(self) -> bool:
        """Whether every line of every input was read as a record, directive or blank, none was cut short, and every
        IIS record could be joined."""
        clean = all(t.quarantined == 0 and not t.truncated_last_line for t in self.tallies)
        return clean and not self.iis_not_joinable

    def warnings(self) -> list[str]:
        """Why the join is partial or needs care, one sentence each (empty when it is complete and clean)."""
        out: list[str] = []
        if self.iis_not_joinable:  # first: the Logs view shows the first warnings, and this one says why
            out.append(self.not_joinable_warning())
        for tally in self.tallies:
            if tally.quarantined:
                out.append(f"{tally.source}: {tally.quarantined} of {tally.lines} lines quarantined (not joined)")
            if tally.truncated_last_line:
                out.append(f"{tally.source}: the last line has no line end (still being written?)")
        if self.gateway_unkeyed:
            out.append(f"{self.gateway_unkeyed} gateway records have no correlation id or request id (not joined)")
        if self.gateway_duplicates:
            out.append(f"{self.gateway_duplicates} gateway records repeat an earlier key (the last one is judged)")
        if self.iis_duplicates:
            out.append(f"{self.iis_duplicates} IIS lines repeat an earlier key (the final one per request is judged)")
        lost_ids = self.counts.get(JoinVerdict.ID_NOT_PROPAGATED, 0)
        if lost_ids:
            header = self.iis_key[3:-1] if self.iis_key.lower().startswith("cs(") else self.iis_key
            out.append(
                f"{lost_ids} IIS lines came through the gateway without its correlation id (not a bypass; matched "
                f"by time, method and path or User-Agent only): map integration.request.header.{header} = "
                "context.requestId on every integration, overwriting what the client sent"
            )
        unmatched = self.httperr_records - self.httperr_matched
        if unmatched:
            out.append(f"{unmatched} HTTPERR records match no gateway request by time and path (not judged)")
        return out

    def not_joinable_warning(self) -> str:
        """Why IIS records could not be joined, and the fix (the one the trace's diagnosis gives)."""
        header = self.iis_key[3:-1] if self.iis_key.lower().startswith("cs(") else self.iis_key
        where = ", ".join(self.not_joinable_sources[:3]) + (", …" if len(self.not_joinable_sources) > 3 else "")
        return (
            f"{self.iis_not_joinable} IIS records ({where}) are in a log whose #Fields has no {header} field "
            f"(has: {' '.join(self.not_joinable_fields) or '-'}): they "
            "cannot be joined to gateway requests, so they are not joinable (never counted as bypassed), and gateway "
            f"requests of their time are not joinable either. Fix: log the {header} request header as a custom field "
            f"(source type RequestHeader) and map integration.request.header.{header} = context.requestId on the "
            "gateway's integration"
        )

    def summary(self) -> dict[str, object]:
        """Counts per verdict, inputs with their tallies, duplicates and completeness (``--json``'s head)."""
        return {
            "complete": self.complete,
            "requests": len(self.rows),
            "verdicts": {v.value: self.counts.get(v, 0) for v in JoinVerdict},
            "gateway_inputs": [t.as_dict() | {"source": t.source} for t in self.gateway_tallies],
            "iis_inputs": [t.as_dict() | {"source": t.source} for t in self.iis_tallies],
            "gateway_duplicates": self.gateway_duplicates,
            "iis_duplicates": self.iis_duplicates,
            "gateway_unkeyed": self.gateway_unkeyed,
            "httperr_records": self.httperr_records,
            "httperr_matched": self.httperr_matched,
            "iis_not_joinable": self.iis_not_joinable,
            "warnings": self.warnings(),
        }
