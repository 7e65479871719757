"""`baton logs stats`: statuses, who was refused where, requests per hour, and every line accounted for.

Definitions (what ``--json`` reports):

- ``by_status``: records with an ``sc-status`` field, keyed ``status.substatus.win32`` (``401.2.5``); a trailing part
  is left out when its field is not in the schema (HTTPERR: ``400``); a part written ``-`` is empty or, between
  two logged parts, not in the schema (``401.-.2148074254``).
- ``top_401_403_paths`` / ``_users``: records whose ``sc-status`` is 401 or 403, by ``cs-uri-stem`` (HTTPERR: the
  path of ``cs-uri``) and by ``cs-username`` decoded (``""`` = anonymous; only where the schema has the field).
- ``per_hour``: records by the UTC hour ``LogRecord.logged_at`` gives (``2026-05-17T10``); records without a
  readable time are counted under ``unknown time``, so the histogram sums to ``records``.
- ``quarantined``: the first 100 quarantined lines (all are counted in the tally).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from console.engine.logs.model import Quarantined, Schema, Tally, decode_value
from console.engine.logs.sources import LogSource

__all__ = ["CLOCK_ELSEWHERE", "KEEP_QUARANTINED", "UNKNOWN_TIME", "Key", "LogStats", "stats"]

KEEP_QUARANTINED = 100
CLOCK_ELSEWHERE = "\0"
"""A Key's time when its records' hours are counted by another key of the same batch (fastscan counts the clock and
the codes apart): this key adds to by_status only. A logged time never holds a NUL (such lines are quarantined)."""
UNKNOWN_TIME = "unknown time"
"""per_hour's bucket for records with no readable date and time (no ``date`` field and no ``#Date``, ``-``…)."""
Key = tuple[str | None, str | None, str | None, str | None, str | None]
"""A record's raw (date, time, sc-status, sc-substatus, sc-win32-status); None where the schema has no such field."""


@dataclass
class LogStats:
    """What ``stats`` counted over every source."""

    tally: Tally = field(default_factory=lambda: Tally("total"))
    by_status: Counter[str] = field(default_factory=Counter)
    top_401_403_paths: Counter[str] = field(default_factory=Counter)
    top_401_403_users: Counter[str] = field(default_factory=Counter)
    per_hour: Counter[str] = field(default_factory=Counter)
    quarantined: list[Quarantined] = field(default_factory=list)
    files: list[Tally] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The ``--json`` document: the five counts at top level, then the breakdowns and the files."""
        return {
            **self.tally.as_dict(),
            "truncated_last_line": self.tally.truncated_last_line,
            "by_status": dict(self.by_status.most_common()),
            "top_401_403_paths": dict(self.top_401_403_paths.most_common()),
            "top_401_403_users": dict(self.top_401_403_users.most_common()),
            "per_hour": dict(sorted(self.per_hour.items())),
            "quarantined_lines": [
                {"source": q.source, "line": q.line, "offset": q.offset, "reason": q.reason, "text": q.text}
                for q in self.quarantined
            ],
            "files": [
                {"source": t.source, **t.as_dict(), "truncated_last_line": t.truncated_last_line} for t in self.files
            ],
        }

    def keep(self, item: Quarantined) -> None:
        """Keep a quarantined line while fewer than KEEP_QUARANTINED are kept."""
        if len(self.quarantined) < KEEP_QUARANTINED:
            self.quarantined.append(item)

    def count_keys(self, schema: Schema, keys: Counter[Key]) -> None:
        """Fold records' (date, time, status…) keys, with their multiplicity, into by_status and per_hour."""
        names = ("date", "time", "sc-status", "sc-substatus", "sc-win32-status")
        default_day = schema.date.split(" ", 1)[0] if schema.date else None
        for key, n in keys.items():
            date, time, *codes = (None if v is None else decode_value(names[i], v) for i, v in enumerate(key))
            if codes[0] is not None:
                self.by_status[status_key(codes)] += n
            if time != CLOCK_ELSEWHERE:
                self.per_hour[_hour(date or default_day, time) or UNKNOWN_TIME] += n

    def count_refusal(self, path: str | None, user: str | None, n: int = 1) -> None:
        """``n`` 401/403 records' path and user (None where the schema has no such field)."""
        if path is not None:
            self.top_401_403_paths[path] += n
        if user is not None:
            self.top_401_403_users[user] += n


def status_key(codes: list[str | None]) -> str:
    """``status.substatus.win32`` from the decoded values (None: the schema has no such field): a part the schema
    does not log is left out at the end (HTTPERR: ``400``) and written ``-`` in the middle, like an empty value, so
    a win32 code is never read as a substatus (``401.-.2148074254``)."""
    while codes and codes[-1] is None:
        codes = codes[:-1]
    return ".".join(c or "-" for c in codes)


def _hour(date: str | None, time: str | None) -> str | None:
    """``LogRecord.logged_at``'s rule, to the hour."""
    if not date or not time:
        return None
    try:
        moment = datetime.datetime.fromisoformat(f"{date}T{time}")
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H")


def status_number(value: str | None) -> int | None:
    """``LogRecord.number``'s rule for a decoded value (never raises)."""
    if not value or not value.isdigit() or len(value) > 20:
        return None
    try:
        return int(value)
    except ValueError:  # str.isdigit accepts superscripts int() refuses
        return None


def stats(
    sources: Sequence[LogSource], progress: Callable[[int], None] | None = None, split_min: int | None = None
) -> LogStats:
    """Count every line of ``sources``; ``progress`` gets the bytes read over all sources together. Unreadable input
    raises LogInputError naming it. A plain file of ``split_min`` bytes or more (default ``statscan.SPLIT_MIN``) is
    counted on two cores when this process may fork."""
    from console.engine.logs.statscan import SPLIT_MIN, scan

    result = LogStats()
    done = 0
    for source in sources:
        base = done
        report = None if progress is None else (lambda n, base=base: progress(base + n))
        tally = scan(source, result, report, SPLIT_MIN if split_min is None else split_min)
        result.files.append(tally)
        result.tally.add(tally)
        done += source.size()
    return result
