"""Seconds options (--timeout, --leeway, --max-age): finite, in a sane range, refused with one line otherwise.

The upper bounds are where a value stops being a setting and becomes a typo:

- ``--timeout`` ≤ 1 hour. It is a wall deadline per hop; API Gateway ends an integration after 29 s by default
  (REST, raisable) and 30 s at most (HTTP API), so an hour is already generous. Larger values used to reach
  the socket layer and crash (``OverflowError: timestamp out of range``).
- ``--leeway`` ≤ 1 day. It is the tolerance for clock skew, which is seconds to minutes (SigV4 and Kerberos
  allow 5 min); a leeway of years would report a token expired in 2011 as acceptable.
- ``--max-age`` only narrows what is accepted (it can never rescue an expired token), so any finite value is
  safe: the bound (about 31 million years) only keeps the arithmetic in range. Public test suites use
  a 1,000-year max-age to prove it does not extend ``exp``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from console.sanitize import inert

HOUR, DAY, YEAR = 3600.0, 86400.0, 365.25 * 86400.0
MAX_TIMEOUT = HOUR
MAX_LEEWAY = DAY
MAX_AGE = 1e15


def _span(seconds: float) -> str:
    for size, word in ((YEAR, "years"), (DAY, "days"), (HOUR, "hours")):
        if seconds >= size:
            count = seconds / size
            return f"{count:g} {word[:-1] if count == 1 else word}"
    return f"{seconds:g} s"


def seconds_option(maximum: float, *, zero: bool, why: str) -> Callable[[str], float]:
    """An argparse ``type`` for a number of seconds: finite, above 0 (or 0 and more with ``zero``), at most
    ``maximum``; ``why`` says why larger values are refused."""
    wanted = "a finite number of seconds, 0 or more" if zero else "a positive, finite number of seconds"

    def parse(text: str) -> float:
        shown = inert(text[:40])
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown!r} is not a number of seconds") from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(f"{shown!r} is not usable: give {wanted} (at most {maximum:.0f})")
        if value > maximum:
            raise argparse.ArgumentTypeError(
                f"{shown!r} is too large: give at most {maximum:.0f} seconds ({_span(maximum)}); {why}"
            )
        return value

    return parse


timeout_seconds = seconds_option(
    MAX_TIMEOUT, zero=False, why="it bounds each hop, and a hop that has not answered in an hour will not"
)
leeway_seconds = seconds_option(
    MAX_LEEWAY, zero=True, why="clock skew is minutes; a larger leeway would accept long-expired tokens"
)
max_age_seconds = seconds_option(MAX_AGE, zero=True, why="a max-age beyond that is no limit at all")
