"""LogsModel: what the console's Logs view shows (the query, its decoded rows, the join summary), UI-free."""

from __future__ import annotations

import itertools
import shlex
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from console.engine.logs.model import LogKind, LogRecord, Quarantined
from console.model.trace import FeedItem

if TYPE_CHECKING:
    from console.engine.logs.tail import Tail

MAX_ROWS = 10_000
"""Rows (and their records) kept in memory; older ones are dropped and counted."""
FIELDS = {
    "id": "correlation_id",
    "cid": "correlation_id",
    "correlation": "correlation_id",
    "user": "user",
    "status": "status",
    "path": "path",
    "since": "since",
    "until": "until",
}
"""``key:value`` words of the search box → Criteria fields."""


class QueryError(ValueError):
    """The search box holds something Baton cannot search for; the message names the word at fault."""


@dataclass(frozen=True, slots=True)
class Criteria:
    """What the search box asked for (the same fields as ``search.Query``); every field given must match."""

    correlation_id: str | None = None
    user: str | None = None
    status: int | None = None
    substatus: int | None = None
    path: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return self == Criteria()

    def matches(self, item: LogRecord | Quarantined, correlation_field: str = "X-Correlation-Id") -> bool:
        """True when ``item`` is a record meeting every criterion (a quarantined line only matches no criteria)."""
        if isinstance(item, Quarantined):
            return self.empty
        if self.correlation_id is not None and item.get(correlation_field) != self.correlation_id:
            return False
        if self.user is not None and _user(item).lower() != self.user.lower():
            return False
        if self.status is not None and item.number("sc-status") != self.status:
            return False
        if self.substatus is not None and item.number("sc-substatus") != self.substatus:
            return False
        if self.path is not None and self.path.lower() not in (_path_of(item) or "").lower():
            return False
        if self.since is not None or self.until is not None:
            when = item.logged_at()
            if when is None or (self.since and when < self.since) or (self.until and when > self.until):
                return False
        return True


def parse_query(text: str) -> Criteria:
    """``status:401.2 user:alice``, ``path:/orders``, ``since:2026-01-01T10:00``, or a bare correlation id."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise QueryError(f"search: {exc} in {text!r}") from None
    found: dict[str, object] = {}
    for word in words:
        key, sep, value = word.partition(":")
        field = FIELDS.get(key.lower()) if sep else None
        if field is None:
            if sep and word.count(":") < 2:  # urn:uuid:… is an id, not a field
                known = ", ".join(sorted(set(FIELDS) - {"cid", "correlation"}))
                raise QueryError(f"search: unknown field {key!r} in {word!r}; known: {known}, or a bare id")
            field, value = "correlation_id", word
        if not value:
            raise QueryError(f"search: {word!r} has no value after the colon")
        if field == "status":
            found.update(_status(value, word))
        elif field in ("since", "until"):
            found[field] = _time(value, word)
        else:
            found[field] = value
    return Criteria(**found)  # type: ignore[arg-type]


def _status(value: str, word: str) -> dict[str, object]:
    status, _, sub = value.partition(".")
    if not status.isdigit() or (sub and not sub.isdigit()):
        raise QueryError(f"search: {word!r}: a status is 401 or 401.2")
    return {"status": int(status), "substatus": int(sub) if sub else None}


def _time(value: str, word: str) -> datetime:
    from datetime import UTC

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise QueryError(f"search: {word!r}: a time is like 2026-01-01T10:00 (UTC)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _path_of(record: LogRecord) -> str | None:
    return record.get("cs-uri-stem") or record.get("cs-uri")


@dataclass(frozen=True, slots=True)
class LogPaths:
    """Where the profile says its logs are (each a file, a folder of ``u_ex*.log`` or a glob)."""

    profile: str
    iis: str | None = None
    httperr: str | None = None
    gateway: str | None = None
    correlation_field: str = "X-Correlation-Id"

    @classmethod
    def of(cls, profile: str, target: object) -> LogPaths:
        """From a Target (``log_path``, ``httperr_path``, ``access_log`` where the target carries them)."""
        return cls(
            profile,
            getattr(target, "log_path", None) or None,
            getattr(target, "httperr_path", None) or None,
            getattr(target, "access_log", None) or None,
            getattr(target, "correlation_header", None) or "X-Correlation-Id",
        )

    def readable(self) -> tuple[str, ...]:
        """The IIS-side logs a search reads (the W3C log, then HTTPERR)."""
        return tuple(p for p in (self.iis, self.httperr) if p)

    def empty_state(self) -> str | None:
        """Why nothing can be searched, naming the key to set; None when a log is configured."""
        if self.readable():
            return None
        return (
            f"No IIS log configured for profile {self.profile}: set [iis] log_path in its profile (a file, a folder"
            " of u_ex*.log, or a glob), and [iis] httperr_path for http.sys's HTTPERR log."
        )

    def join_state(self) -> str | None:
        """Why the gateway ⨝ IIS join cannot run; None when it can."""
        if not self.gateway:
            return f"No gateway access log configured for profile {self.profile}: set [gateway] access_log."
        if not self.iis:
            return f"No IIS log configured for profile {self.profile}: set [iis] log_path."
        return None


@dataclass(frozen=True, slots=True)
class LogRow:
    """One line of the results table, decoded; every text came from a log and is rendered inert."""

    key: str
    when: str
    status: str
    method: str
    user: str
    correlation_id: str
    path: str
    where: str
    """``u_ex260101.log:12``."""
    quarantined: bool = False
    failed: bool = False
    """A 4xx/5xx answer, or an HTTPERR refusal."""


_keys = itertools.count(1)


def row_of(item: LogRecord | Quarantined, correlation_field: str = "X-Correlation-Id") -> LogRow:
    """The row for one record or quarantined line (called in the worker that read it)."""
    key = f"r{next(_keys)}"  # itertools.count is atomic under the GIL: workers may call this at once
    where = f"{item.source.rsplit('/', 1)[-1]}:{item.line}"
    if isinstance(item, Quarantined):
        return LogRow(key, "", "quarantined", "", "", "", f"{item.reason}: {item.text}", where, quarantined=True)
    when = item.logged_at()
    status = status_code(item)
    httperr = item.schema.kind is LogKind.HTTPERR
    path = _path_of(item) or ""
    if httperr:
        path = f"{item.get('s-reason') or ''} {path}".strip()
    return LogRow(
        key,
        when.strftime("%H:%M:%S") if when else "",
        status,
        item.get("cs-method") or "",
        _user(item),
        item.get(correlation_field) or "",
        path,
        where,
        failed=httperr or (item.number("sc-status") or 0) >= 400,
    )


def _user(record: LogRecord) -> str:
    """The caller the line names, by the join's rule (cs-username, else a logged identity header)."""
    from console.engine.logs.identity import iis_user

    found = iis_user(record)
    return found[0] if found else ""


def status_code(record: LogRecord) -> str:
    """``401.2.5`` (status.substatus.win32, the win32 part only when not 0), ``503`` for HTTPERR."""
    parts = [record.get("sc-status") or "", record.get("sc-substatus") or "", record.get("sc-win32-status") or ""]
    if parts[2] in ("", "0"):
        parts.pop()
        if parts[1] == "":
            parts.pop()
    return ".".join(parts) if parts[0] else "–"


class LogsModel:
    """The Logs view's state, kept across leaving and re-entering the view; applied on the UI thread only."""

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self.query_text = ""
        self.entries: OrderedDict[str, tuple[LogRow, LogRecord | Quarantined]] = OrderedDict()
        self.dropped = 0
        """Older rows dropped to stay within ``max_rows``."""
        self.quarantined = 0
        """Quarantined lines seen by the last search and the tail."""
        self.tailing = False
        self.generation = 0
        """Bumped by every new search: batches of an older one are stale."""
        self.join_counts: dict[str, int] | None = None
        """Requests per join verdict (``refused_at_iis``); None when there is no join."""
        self.join_note = ""
        self.bypassed: tuple[str, ...] = ()
        """A few bypassed IIS lines, as text (the security finding's evidence)."""
        self.selected: str | None = None
        self.paths: LogPaths | None = None
        """The logs the results came from (a profile switch changes them)."""
        self.tail: Tail | None = None
        """The running tail's place in the log: it outlives the view, so coming back catches up from there."""

    def set_tail(self, tail: Tail | None) -> None:
        """Follow with ``tail`` from now on (None: no tail); the one it replaces is closed."""
        old, self.tail = self.tail, tail
        if old is not None and old is not tail:
            with old.lock:
                old.close()

    def new_search(self, text: str) -> int:
        """Forget the results; the generation the new search's batches carry."""
        self.query_text = text
        self.entries.clear()
        self.dropped = self.quarantined = 0
        self.selected = None
        self.generation += 1
        return self.generation

    def add(self, batch: Iterable[tuple[LogRow, LogRecord | Quarantined]], dropped: int = 0) -> list[LogRow]:
        """Append rows (newest last); the oldest beyond ``max_rows`` go, counted with the ``dropped`` ones that
        never became rows (skipped unread, or pushed out before they reached the view). Returns the rows added."""
        self.dropped += dropped
        added = []
        for row, item in batch:
            self.entries[row.key] = (row, item)
            added.append(row)
            self.quarantined += row.quarantined
        while len(self.entries) > self.max_rows:
            self.entries.popitem(last=False)
            self.dropped += 1
        return added

    def item(self, key: str) -> LogRecord | Quarantined | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def correlation_id(self, key: str | None) -> str:
        """The correlation id of the line ``key`` ("" when it has none)."""
        entry = self.entries.get(key) if key else None
        return entry[0].correlation_id if entry else ""

    def counts_text(self, notes: list[str]) -> str:
        """The status line: lines shown, quarantined, dropped, and the latest notes (lines read, rotations)."""
        shown = len(self.entries)
        parts = [f"{shown} line{'' if shown == 1 else 's'}", f"{self.quarantined} quarantined"]
        if self.dropped:
            parts.append(f"{self.dropped} older not shown (the newest {self.max_rows} kept)")
        return " · ".join(parts + notes[-2:])

    def set_join(self, counts: Mapping[str, int] | None, note: str = "", bypassed: tuple[str, ...] = ()) -> None:
        """The join's counts (None: no join, ``note`` says why)."""
        self.join_counts = dict(counts) if counts is not None else None
        self.join_note, self.bypassed = note, bypassed


def feed_key_for(feed: Mapping[str, FeedItem], correlation_id: str) -> str | None:
    """The TraceBook feed item (newest first) whose request carried ``correlation_id``; a helper request's derived
    id (``<id>.warmup1``) leads to its trace. None when no request of this session carried it."""
    wanted = correlation_id
    while wanted:
        for key in reversed(list(feed)):
            if feed[key].correlation_id == wanted:
                return key
        wanted = wanted.rsplit(".", 1)[0] if "." in wanted else ""
    return None
