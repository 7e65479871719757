"""IIS records a join cannot use (their schema has no correlation field): which gateway requests they may hold, and a
guess by time, method and path that is labelled as one and never becomes a verdict.

A gateway request with no IIS line is "missing at IIS" only when the IIS log of its time could have carried its key.
When no IIS input has the field at all, or the request falls in the time span of the records without it (±2 s), its
line may be among them: NOT_JOINABLE, not missing, and those records are never a bypass either (nobody can tell).
"""

from __future__ import annotations

import datetime

from console.engine.logs.join_report import GatewaySide, IisSide

__all__ = ["WINDOW", "Unjoinable", "same_request"]

WINDOW = 2
"""Seconds either side: gateway and Windows clocks differ, and requestTime has whole seconds."""
_CLOCK = "%Y-%m-%d %H:%M:%S"


class Unjoinable:
    """The IIS records without a correlation field, by logged second."""

    def __init__(self, sides: list[IisSide], keyed: bool) -> None:
        self.count = len(sides)
        self.keyed = keyed
        """Whether some IIS input carries the key (else every gateway request could be any of these records)."""
        self.by_second: dict[str, list[IisSide]] = {}
        untimed = False
        for side in sides:
            if side.time:
                self.by_second.setdefault(side.time, []).append(side)
            else:
                untimed = True
        self.span: tuple[str, str] | None = None
        if self.by_second and not untimed:
            self.span = (min(self.by_second), max(self.by_second))

    def covers(self, at: datetime.datetime | None) -> bool:
        """Whether a gateway request received ``at`` may have its IIS line among these records."""
        if not self.count:
            return False
        if not self.keyed or at is None or self.span is None:
            return True
        low = (at - datetime.timedelta(seconds=WINDOW)).strftime(_CLOCK)
        high = (at + datetime.timedelta(seconds=WINDOW)).strftime(_CLOCK)
        return low <= self.span[1] and high >= self.span[0]

    def guess(self, gateway: GatewaySide) -> str:
        """A note naming the IIS line nearest in time with the same method and path: a guess, said to be one."""
        at = gateway.at()
        if at is None:
            return "no time-window guess: the gateway logged no time"
        found: list[tuple[int, IisSide]] = []
        for delta in range(-WINDOW, WINDOW + 1):
            second = (at + datetime.timedelta(seconds=delta)).strftime(_CLOCK)
            found += [(abs(delta), s) for s in self.by_second.get(second, ()) if same_request(gateway, s)]
        if not found:
            return f"no time-window guess: no IIS line with its method and path within {WINDOW} s"
        found.sort(key=lambda hit: hit[0])
        if len(found) > 1 and found[1][0] == found[0][0]:
            return f"no time-window guess: {len(found)} IIS lines with its method and path within {WINDOW} s"
        hit = found[0][1]
        return (
            f"a time-window guess, not a verdict: {hit.source}:{hit.line} (same method and path, "
            f"{found[0][0]} s apart) as {hit.user or 'anonymous'} → {hit.status}"
        )


def same_request(gateway: GatewaySide, iis: IisSide) -> bool:
    """Whether an IIS line may be this gateway request: the same method, and one path ending with the other (the
    gateway logs the stage prefix, ``/prod/orders`` for IIS's ``/orders``)."""
    if iis.method and gateway.method and iis.method.upper() != gateway.method.upper():
        return False
    uri = iis.path.split("?", 1)[0]
    path = gateway.path.split("?", 1)[0]
    return bool(uri) and bool(path) and (path.endswith(uri) or uri.endswith(path))
