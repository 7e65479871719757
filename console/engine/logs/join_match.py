"""Each IIS record matched with the gateway record of its key and judged: the join's rows for IIS lines, in IIS order.

A million records: the usual one (its key on one IIS line, a gateway record with the IIS user among its callers, IIS
not refusing) is judged intact in one list comprehension over C-made columns (the keys, the gateway records popped
by key); every other record is judged by the rules below, in order, so the result is the one a loop over the records
gives (tests/logs/test_join_match.py holds that loop and compares).

Repeated keys: later IIS lines of one request (the Negotiate 401, then 200) replace its row, the final one judged,
the row saying how many came before; with no gateway record each line is its own request around the gateway.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Set
from itertools import repeat
from typing import Any

from console.engine.logs.join_report import GatewaySide, IisSide, JoinReport, JoinRow
from console.engine.logs.join_verdict import GATEWAY_ERROR_TYPES, JoinVerdict, is_baton_probe, judge_both

try:
    from console.engine.logs import _rows
except ImportError:  # built without a C compiler: the comprehension in _intact
    _rows = None  # type: ignore[assignment]

__all__ = ["answered_itself", "gateway_side", "judge", "match_iis"]

gateway_side: Callable[[Any], GatewaySide] = functools.partial(tuple.__new__, GatewaySide)
"""A marshalled tuple as a GatewaySide, at C speed."""
_new_row = functools.partial(tuple.__new__, JoinRow)
_REFUSING = frozenset({401, 403})
INTACT, BYPASSED = JoinVerdict.INTACT, JoinVerdict.BYPASSED


def match_iis(
    sides: list[IisSide], keys: list[str | None], by_key: dict[Any, Any], repeated: Set[str], report: JoinReport
) -> list[JoinRow]:
    """A row per IIS request, in IIS order; the gateway records matched are taken out of ``by_key`` (what is left,
    IIS never logged). ``keys``: each side's key. ``repeated``: the keys on more than one IIS line. Counts repeated
    lines in ``report``."""
    gateways = list(map(by_key.pop, keys, repeat(None)))  # a repeated key's record goes to its first line

    @functools.cache
    def all_keys() -> frozenset[str]:  # every gateway key, made once if ever a key may be a probe's
        return frozenset(by_key).union(k for k, g in zip(keys, gateways, strict=True) if g is not None and k)

    out = _intact(sides, keys, gateways, repeated)
    where: dict[str, int] = {}  # the row of each repeated key
    merged = False
    for i in itertools.compress(range(len(out)), map(operator.not_, out)):
        side, key = sides[i], keys[i]
        if key is None:
            out[i] = judge(side, None)
            continue
        first = where.setdefault(key, i) if key in repeated else i
        if first != i:
            earlier = out[first]
            assert earlier is not None
            if earlier.gateway is None and earlier.verdict is BYPASSED:
                # No gateway record: each IIS line is its own request around the gateway, however many share the id.
                out[i] = judge(side, None)
                continue
            # A later IIS line of one request (the Negotiate 401, then 200): the final one counts.
            later = side._replace(duplicates=(earlier.iis.duplicates if earlier.iis else 0) + 1)
            report.iis_duplicates += 1
            out[first], merged = _probe(judge(later, earlier.gateway), key, all_keys), True
            continue  # out[i] stays None: this line is in the row of ``first``
        g = gateways[i]
        out[i] = _probe(judge(side, None if g is None else gateway_side(g)), key, all_keys)
    return [row for row in out if row is not None] if merged else out  # type: ignore[return-value]


def _intact(
    sides: list[IisSide], keys: list[str | None], gateways: list[Any], repeated: Set[str]
) -> list[JoinRow | None]:
    """The usual record, intact; None where match_iis's rules decide. In C where built (_rows.intact: the same
    test, with no gateway error type logged at all; tested to agree), else this comprehension."""
    if _rows is not None:
        return _rows.intact(sides, keys, gateways, repeated, JoinRow, GatewaySide, INTACT, _REFUSING)
    # side[3]: user, [5]: code; gateway [4]: callers, [7]: error type
    return [
        _new_row((key, INTACT, gateway_side(g), side, user, user, g[5], side[4], ""))
        if g is not None
        and (user := side[3]) is not None
        and user in g[4]
        and side[5] not in _REFUSING
        and (g[7] is None or not answered_itself(g))
        and key not in repeated
        else None
        for side, key, g in zip(sides, keys, gateways, strict=True)
    ]


def answered_itself(gateway: GatewaySide | tuple[object, ...]) -> bool:
    """Whether the gateway logged that it answered the request itself (a gateway error type such as ACCESS_DENIED and
    no integration status), so IIS should have no line. A bare 401/403 with neither logged is not enough: the gateway
    passes IIS's own 401 through."""
    integration_status, error_type = gateway[6], gateway[7]
    return integration_status is None and isinstance(error_type, str) and error_type.upper() in GATEWAY_ERROR_TYPES


def judge(side: IisSide, gateway: GatewaySide | None) -> JoinRow:
    """An IIS record's row, with its gateway record when there is one."""
    user = side.user
    if gateway is not None and gateway.error_type is not None and answered_itself(gateway):
        note = (
            f"the gateway answered {gateway.status or '-'} itself ({gateway.error_type or 'no integration status'}) "
            "and never forwarded it, yet IIS served a request with its id: a replayed or copied correlation id, "
            "traffic around the gateway"
        )
        return JoinRow(side.key, BYPASSED, gateway, side, None, user, gateway.status, side.status, note)
    same = gateway is not None and user is not None and user in gateway.callers
    if same and not side.duplicates and side.code not in _REFUSING:  # the common case, without judge_both
        assert gateway is not None
        return _new_row((side.key, INTACT, gateway, side, user, user, gateway.status, side.status, ""))
    if gateway is None:
        note = "no correlation value at IIS" if side.key is None else "no gateway record with this key"
        return JoinRow(side.key, BYPASSED, None, side, None, side.user, None, side.status, note)
    verdict, caller, note = judge_both(gateway.callers, side.user, side.code)
    if side.duplicates:
        note = f"{note}; the final of {side.duplicates + 1} IIS lines is judged".lstrip("; ")
    return JoinRow(side.key, verdict, gateway, side, caller, side.user, gateway.status, side.status, note)


def _probe(row: JoinRow, key: str, all_keys: Callable[[], frozenset[str]]) -> JoinRow:
    """A trace's own warm-up or spoof check (sent straight to IIS on purpose) instead of a bypass. ``all_keys``: every
    gateway key (a probe's id derives from its trace's)."""
    if row.verdict is not BYPASSED or row.gateway is not None or "." not in key or not is_baton_probe(key, all_keys()):
        return row
    note = "Baton's own probe: a trace's warm-up or spoof check, sent straight to IIS on purpose"
    return row._replace(verdict=JoinVerdict.BATON_PROBE, note=note)
