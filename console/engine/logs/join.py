"""``baton logs join``: API Gateway access-log requests ⨝ IIS records by correlation id, one verdict per request.

Keys. IIS: the ``iis_key`` field (default ``X-Correlation-Id``; ``cs(X-Correlation-Id)`` is the same field), its raw
value (a ``+`` may be part of an id, so it is not decoded to a space). Gateway: ``gateway_key`` when given, else the
first present of the correlation id key, ``requestId``, ``extendedRequestId`` (see gateway_access). API Gateway
sends neither request id to IIS unless mapped (domain §1.10): map ``integration.request.header.X-Correlation-Id`` to
``context.requestId``, or log the correlation header the client sent under a ``correlationId`` key.

IIS user: ``iis_user_field`` when given, else the first non-empty of cs-username and the identity headers in
IIS_USER_FIELDS (a header-borne identity IIS logged counts).

Duplicates. Two IIS lines for one key (the Negotiate 401 then 200): the final one is judged, the row says how many
came before. Two gateway lines for one key (a client-chosen requestId reused): the last is judged, the others are
counted. The gateway side is held in a dict (key → compact tuple) while the IIS logs stream past it.

IIS records in a schema without the key field cannot be joined: counted apart (never bypassed), and a gateway request
whose IIS line may be among them is NOT_JOINABLE, not missing (see join_unjoinable).

HTTPERR records (http.sys refusals) carry no correlation id: a request the gateway forwarded that has no IIS line
is matched to one by method, path and time (±2 s), and judged REFUSED_AT_IIS with that said in its note.

An IIS line no gateway record has the id of is BYPASSED only without evidence it came through the gateway; with an
``AmazonAPIGateway_`` User-Agent or a forwarded request fitting its time, method and path it is ID_NOT_PROPAGATED
(see join_lostid).
"""

from __future__ import annotations

import datetime
import gc
import operator
from collections import Counter
from collections.abc import Callable, Sequence

from console.engine.logs.gateway_access import (
    CORRELATION_KEYS,
)
from console.engine.logs.join_iis import IIS_USER_FIELDS, read_iis
from console.engine.logs.join_inputs import check_gateway_inputs
from console.engine.logs.join_lostid import find_lost_ids
from console.engine.logs.join_match import gateway_side, match_iis
from console.engine.logs.join_report import KEEP_QUARANTINED, GatewaySide, IisSide, JoinReport, JoinRow
from console.engine.logs.join_unjoinable import WINDOW, Unjoinable, same_request
from console.engine.logs.join_verdict import (
    JoinVerdict,
    judge_gateway_only,
)
from console.engine.logs.join_workers import Scanner
from console.engine.logs.sources import LogSource

__all__ = ["IIS_USER_FIELDS", "GatewaySide", "IisSide", "JoinReport", "JoinRow", "JoinVerdict", "join"]

_key_of = operator.attrgetter("key")
_time_of = operator.attrgetter("time")
_verdict_of = operator.itemgetter(1)  # JoinRow.verdict


def join(
    gateway: Sequence[LogSource],
    iis: Sequence[LogSource],
    iis_key: str = "X-Correlation-Id",
    progress: Callable[[int], None] | None = None,
    *,
    iis_user_field: str | None = None,
    gateway_key: str | None = None,
    correlation_key: str | None = None,
    workers: int | None = None,
) -> JoinReport:
    """Join every gateway access log with every IIS log; ``progress`` gets the bytes read so far over all inputs.

    ``iis_key``: the IIS field with the correlation id. ``iis_user_field``: the IIS field with the caller.
    ``gateway_key``: the one gateway key to join on (else correlation id, requestId, extendedRequestId).
    ``correlation_key``: the gateway's correlation-id key when it has an unusual name. ``workers``: processes
    reading the gateway logs (None: two when they are large, 0: none). Raises LogInputError for unreadable input
    only; bad lines are quarantined and counted, and the report says the join is partial."""
    enabled = gc.isenabled()
    gc.disable()  # millions of tuples and no cycles: generational passes would cost more than the join itself
    try:
        return _join(gateway, iis, iis_key, progress, iis_user_field, gateway_key, correlation_key, workers)
    finally:
        if enabled:
            gc.enable()


def _join(
    gateway: Sequence[LogSource],
    iis: Sequence[LogSource],
    iis_key: str,
    progress: Callable[[int], None] | None,
    iis_user_field: str | None,
    gateway_key: str | None,
    correlation_key: str | None,
    workers: int | None,
) -> JoinReport:
    correlation_keys = (correlation_key,) if correlation_key else CORRELATION_KEYS
    scanner = Scanner(gateway, gateway_key or None, correlation_keys, workers)
    report = JoinReport()
    report.iis_key = iis_key
    sides, httperr, unjoinable = read_iis(iis, iis_key, iis_user_field, report, scanner, progress)
    report.iis_not_joinable = len(unjoinable)
    report.not_joinable_sources = list(dict.fromkeys(side.source for side in unjoinable))
    # While the gateway workers finish (they take a little longer than this read): the IIS keys seen on more than one
    # line (counted in C; a key on one line needs no bookkeeping) and the latest IIS time.
    keys = list(map(_key_of, sides))
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    latest = max(filter(None, map(_time_of, sides)), default=None)
    iis_bytes = sum(s.size() for s in iis)
    scan = scanner.result(None if progress is None else lambda n: progress(iis_bytes + n))
    report.gateway_tallies, report.gateway_unkeyed, report.gateway_duplicates = (
        scan.tallies,
        scan.unkeyed,
        scan.duplicates,
    )
    check_gateway_inputs(gateway, scan.tallies)  # no record in a gateway input: bad input, never "all bypassed"
    report.quarantined = (scan.quarantined + report.quarantined)[:KEEP_QUARANTINED]
    by_key = scan.by_key
    rows = report.rows = match_iis(sides, keys, by_key, repeated, report)
    report.httperr_records = len(httperr)
    blind = Unjoinable(unjoinable, keyed=bool(sides))
    first_gateway_only = len(rows)
    for only in by_key.values():
        rows.append(_gateway_only(gateway_side(only), latest, blind))
    for replaced in sorted(scan.repeats, key=lambda values: (values[0], values[1])):
        # A client retry reusing its id: a request of its own; IIS lines with the key are judged with the last one.
        repeat = _gateway_only(gateway_side((*replaced[:-1], 0)), latest, blind)  # 0: the same with workers or not
        note = f"a later gateway request has the same key (a retry?), judged with its IIS lines; {repeat.note}"
        rows.append(repeat._replace(note=note))
    if httperr:
        _match_httperr(rows, httperr, report)
    find_lost_ids(rows, first_gateway_only)  # after HTTPERR: a request http.sys refused is not a partner
    report.counts = Counter(map(_verdict_of, rows))  # counted in C
    return report


def _gateway_only(side: GatewaySide, latest_iis: str | None, blind: Unjoinable) -> JoinRow:
    verdict = judge_gateway_only(side.status, side.integration_status, side.error_type)
    caller = side.callers[0] if side.callers else None
    if verdict is JoinVerdict.MISSING_AT_IIS and blind.count and blind.covers(side.at()):
        note = "the IIS log of its time has no correlation field, so its line cannot be found; " + blind.guess(side)
        return JoinRow(side.key, JoinVerdict.NOT_JOINABLE, side, None, caller, None, side.status, None, note)
    if verdict is JoinVerdict.REFUSED_AT_GATEWAY:
        note = f"the gateway answered {side.status or '-'} itself ({side.error_type or 'no integration status'})"
    else:
        at = side.at()
        note = "IIS logged no line with this key"
        if latest_iis is None or at is None or at.strftime("%Y-%m-%d %H:%M:%S") >= latest_iis:
            note += "; IIS buffers its log (http.sys flushes lazily; `netsh http flush logbuffer` writes it now)"
    return JoinRow(side.key, verdict, side, None, caller, None, side.status, None, note)


def _match_httperr(rows: list[JoinRow], httperr: list[IisSide], report: JoinReport) -> None:
    """Gateway-forwarded requests with no IIS line, matched to http.sys refusals by method, path and time."""
    by_second: dict[str, list[IisSide]] = {}
    for side in httperr:
        if side.time:
            by_second.setdefault(side.time, []).append(side)
    for i, row in enumerate(rows):
        if row.verdict is not JoinVerdict.MISSING_AT_IIS or row.gateway is None:
            continue
        at = row.gateway.at()
        if at is None:
            continue
        for delta in range(-WINDOW, WINDOW + 1):
            second = (at + datetime.timedelta(seconds=delta)).strftime("%Y-%m-%d %H:%M:%S")
            hit = next((s for s in by_second.get(second, ()) if same_request(row.gateway, s)), None)
            if hit is not None:
                by_second[second].remove(hit)
                report.httperr_matched += 1
                note = f"http.sys refused it ({hit.reason or 'no reason logged'}); matched by method, path and time"
                rows[i] = row._replace(verdict=JoinVerdict.REFUSED_AT_IIS, iis=hit, iis_status=hit.status, note=note)
                break
