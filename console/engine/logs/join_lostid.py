"""IIS lines no gateway record has the id of, that came through the gateway anyway: the id was not propagated.

Today's typical cause is the gateway forwarding a request without mapping (or with a dropped) correlation header: IIS
logs ``-``, or the client's own value passed through an HTTP_PROXY integration. Calling that "bypassed" would be a
false security finding. Evidence it came through (either is enough; both are said):

- a User-Agent ``AmazonAPIGateway_<apiId>``: API Gateway sends it for HTTP (non-proxy) integrations only; HTTP_PROXY
  passes the client's agent through, and anyone can send that text (failure-modes-more C1), so it is evidence, not
  proof, and its absence proves nothing;
- a gateway request that was forwarded (missing at IIS: no IIS line has its id) with the same method and path, and a
  time that fits: IIS logs in UTC and stamps a line when the request ends, ``time-taken`` ms after it began, so
  the gateway's ``requestTime`` must lie within WINDOW s of [end - time-taken, end]. Each gateway request partners
  one IIS line at most (the nearest in time; a request already joined by id is never a candidate).

Such a line is ID_NOT_PROPAGATED with the partner as its gateway side (a ``possible`` match, never intact); a line with
neither piece of evidence stays BYPASSED.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence

from console.engine.logs.join_report import IisSide, JoinRow
from console.engine.logs.join_unjoinable import WINDOW, same_request
from console.engine.logs.join_verdict import JoinVerdict

__all__ = ["MAX_TAKEN_S", "confidence", "find_lost_ids"]

MAX_TAKEN_S = 3600
"""A time-taken beyond this widens the window no further (a hostile or broken value must not cost minutes)."""
_NOT = JoinVerdict.ID_NOT_PROPAGATED
_BYPASSED = JoinVerdict.BYPASSED
_verdict = operator.itemgetter(1)  # JoinRow.verdict


def find_lost_ids(rows: list[JoinRow], gateway_only: int) -> int:
    """Turn BYPASSED IIS-only rows with gateway evidence into ID_NOT_PROPAGATED, each joined to the forwarded gateway
    request that fits it (``rows[gateway_only:]`` are the gateway-only rows; a partner's own row is removed).
    Returns how many rows changed."""
    # The verdicts compared in C first: a Python test of each of a million rows costs a quarter of a second.
    bypassed = itertools.compress(range(len(rows)), map(operator.is_, map(_verdict, rows), itertools.repeat(_BYPASSED)))
    suspects = [i for i in bypassed if rows[i].gateway is None and rows[i].iis]
    if not suspects:
        return 0
    by_second: dict[int, list[int]] = {}
    for j in range(gateway_only, len(rows)):
        row = rows[j]
        if row.verdict is JoinVerdict.MISSING_AT_IIS and row.gateway is not None and row.iis is None:
            at = row.gateway.at()
            if at is not None:
                by_second.setdefault(int(at.timestamp()), []).append(j)
    # Every (IIS line, forwarded request) that fits, paired nearest first: a line is never robbed of its partner by
    # a farther line that came before it in the file.
    fits: dict[int, list[tuple[float, int]]] = {i: _fits(rows[i].iis, rows, by_second) for i in suspects}
    pairs = sorted((apart, i, j) for i, found in fits.items() for apart, j in found)
    partner: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for apart, i, j in pairs:
        if i not in partner and j not in taken:
            partner[i] = (j, apart)
            taken.add(j)
    changed = 0
    for i in suspects:
        side = rows[i].iis
        assert side is not None
        found = partner.get(i)
        if found is None and side.agent is None:
            continue  # no evidence at all: a real bypass
        changed += 1
        if found is None:
            rows[i] = _row(side, None, 0, 0.0)
        else:
            rows[i] = _row(side, rows[found[0]], len(fits[i]) - 1, found[1])
    if taken:
        rows[gateway_only:] = [r for j, r in enumerate(rows[gateway_only:], gateway_only) if j not in taken]
    return changed


def _fits(side: IisSide | None, rows: Sequence[JoinRow], by_second: dict[int, list[int]]) -> list[tuple[float, int]]:
    """(seconds apart, row) of every forwarded gateway-only request that may be ``side``."""
    end_at = side.at() if side is not None else None
    if side is None or end_at is None or not by_second:
        return []
    end = int(end_at.timestamp())
    busy = min((side.taken or 0) / 1000, MAX_TAKEN_S)
    start = end - busy  # when IIS began it (the log has whole seconds: ±WINDOW absorbs that and clock skew)
    found: list[tuple[float, int]] = []
    for second in range(end - math.ceil(busy) - WINDOW, end + WINDOW + 1):
        for j in by_second.get(second, ()):
            gateway = rows[j].gateway
            if gateway is not None and same_request(gateway, side):
                found.append((abs(second - start), j))
    return found


def _row(side: IisSide, partner: JoinRow | None, others: int, apart: float) -> JoinRow:
    logged = f"IIS logged correlation id {side.key}" if side.key else "IIS logged no correlation id"
    agent = f"User-Agent AmazonAPIGateway_{side.agent}" if side.agent else ""
    if partner is None or partner.gateway is None:
        which = f"its correlation id {side.key} is in no gateway record" if side.key else "it has no correlation id"
        note = (
            f"{agent}: sent by an API Gateway HTTP integration, but {which} and no forwarded request fits its time, "
            "method and path: the id was not mapped, or the access log does not cover it. A User-Agent can be "
            "forged: evidence, not proof"
        )
        return JoinRow(side.key, _NOT, None, side, None, side.user, None, side.status, note)
    g = partner.gateway
    more = f"; {others} other forwarded request(s) fit too" if others else ""
    note = (
        f"came through the gateway, correlation id not propagated: {logged}, the gateway {g.key}; a possible "
        f"match by method, path and time ({apart:.1f} s apart){more}"
        + (f"; {agent}" if agent else "")
        + " — the caller is not verified"
    )
    # The request's key is the gateway's: IIS logged none, or one nobody else knows (a client's own, passed through).
    return JoinRow(g.key, _NOT, g, side, partner.gateway_caller, side.user, g.status, side.status, note)


def confidence(row: JoinRow) -> str | None:
    """``certain`` when the two sides were joined by the correlation id, ``possible`` when matched by time, method
    and path (or on a User-Agent alone), None when one side only logged the request."""
    if row.gateway is not None and row.iis is not None:
        return "certain" if row.iis.key is not None and row.iis.key == row.gateway.key else "possible"
    return "possible" if row.verdict is _NOT else None
