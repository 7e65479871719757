"""`baton logs search`: the records that match a query; a correlation id alone is found at grep speed.

The id search maps a plain file and finds the id's bytes (``mmap.find``); only the lines that hold it are decoded,
each with the schema in force at its offset (``#Fields`` can change mid-file). Every other query, and compressed
inputs, stream through the reader. Both paths apply the same rules (``Query.matches`` on the decoded record).

Matching rules (what a user can rely on):

- ``correlation_id``: exact, case-sensitive, the *whole* value of the named field (``correlation_field``), or of any
  field when none is named; an id inside a Referer, a query string or a longer value does not match.
- ``user``: ``cs-username`` decoded, case-insensitive. ``""`` or ``-`` finds anonymous requests. A bare name
  (``alice``) also finds ``DOMAIN\\alice`` and ``alice@domain``; a name with a domain (``CONTOSO\\alice`` or
  ``alice@contoso.com``) must match as written, because NetBIOS domains and UPN suffixes cannot be mapped offline.
- ``status``/``substatus``: ``sc-status`` (and ``sc-substatus`` when given) as numbers.
- ``path``: ``cs-uri-stem`` (HTTPERR: the path of ``cs-uri``), exact and case-insensitive as IIS matches paths;
  a trailing ``*`` makes it a prefix (``/api/*``).
- ``since``/``until``: ``since <= logged_at < until`` (UTC; a naive datetime is taken as UTC); a record without a
  readable time does not match a time filter.
"""

from __future__ import annotations

import dataclasses
import datetime
import mmap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from console.engine.logs.linecount import LineCounter, can_fork
from console.engine.logs.linerules import header_before, line_at, overlong, values_of
from console.engine.logs.model import Bucket, LogRecord, Schema, decode_value
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource, input_error

__all__ = ["Query", "search"]

Progress = Callable[[int], None]


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Query:
    """What to find; every criterion given must match (see the module's rules)."""

    correlation_id: str | None = None
    user: str | None = None
    status: int | None = None
    substatus: int | None = None
    path: str | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    correlation_field: str | None = None
    """The field that carries the id (search() fills it from its argument); None: any field."""

    def id_only(self) -> bool:
        """Only a correlation id is asked for (the grep-speed path applies)."""
        rest = (self.user, self.status, self.substatus, self.path, self.since, self.until)
        return bool(self.correlation_id) and all(v is None for v in rest)

    def matches(self, record: LogRecord) -> bool:
        """Whether ``record`` meets every criterion given."""
        if self.correlation_id is not None and not self._id_matches(record):
            return False
        if self.status is not None and record.number("sc-status") != self.status:
            return False
        if self.substatus is not None and record.number("sc-substatus") != self.substatus:
            return False
        if self.user is not None and not _user_matches(self.user, record.get("cs-username")):
            return False
        if self.path is not None and not _path_matches(self.path, record):
            return False
        if self.since is not None or self.until is not None:
            moment = record.logged_at()
            since, until = _utc(self.since), _utc(self.until)
            if moment is None or (since is not None and moment < since) or (until is not None and moment >= until):
                return False
        return True

    def _id_matches(self, record: LogRecord) -> bool:
        wanted = self.correlation_id
        if self.correlation_field is not None:
            return record.get(self.correlation_field) == wanted
        fields = record.schema.fields
        return any(raw == wanted or decode_value(fields[i], raw) == wanted for i, raw in enumerate(record.raw))


def _user_matches(wanted: str, user: str | None) -> bool:
    if user is None:
        return False
    want, have = wanted.strip().casefold(), user.casefold()
    if want in ("", "-"):
        return have == ""
    if want == have:
        return True
    if "\\" in want or "@" in want:
        return False
    return have.rpartition("\\")[2] == want or have.partition("@")[0] == want


def _path_matches(wanted: str, record: LogRecord) -> bool:
    stem = record.get("cs-uri-stem")
    if stem is None:
        uri = record.get("cs-uri")
        stem = None if uri is None else uri.partition("?")[0]
    if stem is None:
        return False
    want, have = wanted.casefold(), stem.casefold()
    if want.endswith("*"):
        return have.startswith(want[:-1])
    return have == want


def search(
    sources: Sequence[LogSource],
    query: Query,
    progress: Progress | None = None,
    correlation_field: str | None = None,
    split_min: int | None = None,
) -> Iterator[LogRecord]:
    """Every record of ``sources`` (in order) that ``query`` matches. ``progress`` gets the bytes read over all
    sources together. Unreadable input raises LogInputError naming it. An id alone is found on two cores in a plain
    file of ``split_min`` bytes or more (default ``linecount.PARALLEL_MIN_BYTES``) when this process may fork."""
    if correlation_field is not None and query.correlation_field != correlation_field:
        query = dataclasses.replace(query, correlation_field=correlation_field)
    done = 0
    for source in sources:
        report = None if progress is None else _offset(progress, done)
        if query.id_only() and not source.compressed and _greppable(query.correlation_id or ""):
            yield from _find(source, query, report, split_min)
        else:
            for item in read(source, progress=report):
                if isinstance(item, LogRecord) and query.matches(item):
                    yield item
        done += source.size()


def _offset(progress: Progress, done: int) -> Progress:
    def report(read_so_far: int) -> None:
        progress(done + read_so_far)

    return report


def _greppable(wanted: str) -> bool:
    """Whether every line whose decoded value is ``wanted`` holds ``wanted``'s bytes as written: no space (``+``
    decodes to one), no quote (``""`` decodes to one), no replacement character (from undecodable bytes)."""
    return bool(wanted) and not any(c in wanted for c in ' "\n\r\ufffd') and wanted != "-"


def _find(
    source: LogSource, query: Query, progress: Progress | None, split_min: int | None = None
) -> Iterator[LogRecord]:
    """The grep-speed path: find the id's bytes, decode only the lines that hold it."""
    try:
        with source.path.open("rb") as handle:
            size = handle.seek(0, 2)
            if size == 0:
                return
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        raise input_error(source.label, exc) from None
    needle = (query.correlation_id or "").encode("utf-8")
    parallel = None if split_min is None else size >= split_min and can_fork()
    with data, LineCounter(data, needle, parallel=parallel) as lines:
        yield from _hits(source.label, data, query, progress, lines)
    if progress is not None:
        progress(size)


def _hits(
    label: str, data: mmap.mmap, query: Query, progress: Progress | None, counter: LineCounter
) -> Iterator[LogRecord]:
    schema_at = -1  # a line start whose schema is known
    schema: Schema | None = None
    hit = counter.next_hit(0)
    while hit >= 0:
        start, end = line_at(data, hit)
        lines = counter.before(start)
        if schema_at < 0 or counter.directive_between(max(schema_at - 1, 0), start):
            schema = header_before(data, start, counter.rfind_directive).schema
        schema_at = start
        if not overlong(start, end, len(data)):
            bucket, values = values_of(data[start:end], schema, start == 0)
            if bucket is Bucket.RECORD and schema is not None and isinstance(values, tuple):
                record = LogRecord(label, lines + 1, start, schema, values)
                if query.matches(record):
                    yield record
        if progress is not None:
            progress(end)
        hit = counter.next_hit(end + 1)
