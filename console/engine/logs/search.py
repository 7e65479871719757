"""`baton logs search`: the records that match a query; a correlation id alone is found at grep speed.

The id search maps a plain file and finds the id's bytes (``mmap.find``); only the lines that hold it are decoded,
each with the schema in force at its offset (``#Fields`` can change mid-file). Every other query, and compressed
inputs, stream through the reader. Both paths apply the same rules (``Query.matches`` on the decoded record).

Matching rules (what a user can rely on):

- ``correlation_id``: exact, case-sensitive, the *whole* value of the correlation field (``correlation_field``,
  default ``X-Correlation-Id``, logged as ``X-Correlation-Id`` or ``cs(X-Correlation-Id)``); ``"*"`` as the field
  searches every field. An id inside a Referer, a query string or a longer value does not match. A file whose
  schema has no such field is named once through ``warn`` (never silently searched field by field).
- ``user``: the line's caller as ``identity.iis_user`` reads it (``cs-username``, else a logged identity header such
  as ``X-User-Sub``), exact and case-insensitive: ``alice`` is not ``FABRIKAM\\alice`` nor ``alice@evil.example``
  (different principals). ``*`` is a wildcard when any realm will do (``*\\alice``, ``alice@*``). ``""`` or ``-``
  finds anonymous requests (no caller in any identity field).
- ``status``/``substatus``/``win32``: ``sc-status`` (and ``sc-substatus``, ``sc-win32-status`` when given) as
  numbers.
- ``path``: ``cs-uri-stem`` (HTTPERR: the path of ``cs-uri``), exact and case-insensitive as IIS matches paths;
  a trailing ``*`` makes it a prefix (``/api/*``).
- ``since``/``until``: ``since <= logged_at < until`` (UTC; a naive datetime is taken as UTC); a record without a
  readable time does not match a time filter.
"""

from __future__ import annotations

import dataclasses
import datetime
import mmap
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from console.engine.logs.directives import Header
from console.engine.logs.identity import IIS_USER_FIELDS, field_position, iis_user
from console.engine.logs.linecount import LineCounter, can_fork
from console.engine.logs.linerules import MAX_LINE, header_before, line_at, overlong, values_of
from console.engine.logs.model import Bucket, LogRecord, Quarantined, Schema, decode_value
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource, input_error
from console.sanitize import inert

__all__ = ["ANY_FIELD", "Query", "search"]

Progress = Callable[[int], None]


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.UTC)


ANY_FIELD = "*"
"""``correlation_field`` value that searches the whole value of every field (the old, loose rule)."""
DEFAULT_CORRELATION_FIELD = "X-Correlation-Id"
_MENTIONS_SHOWN = 5


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
    """The field that carries the id (search() fills it from its argument); None: X-Correlation-Id; "*": any."""
    win32: int | None = None

    def id_only(self) -> bool:
        """Only a correlation id is asked for (the grep-speed path applies)."""
        rest = (self.user, self.status, self.substatus, self.path, self.since, self.until, self.win32)
        return bool(self.correlation_id) and all(v is None for v in rest)

    def id_field(self) -> str:
        """The field the id is looked for in (``*``: any)."""
        return self.correlation_field or DEFAULT_CORRELATION_FIELD

    def lacks_id_field(self, schema: Schema) -> bool:
        """Whether an id is asked for and ``schema`` cannot hold it (no correlation field)."""
        field = self.id_field()
        return self.correlation_id is not None and field != ANY_FIELD and field_position(schema, field) is None

    def matches(self, record: LogRecord) -> bool:
        """Whether ``record`` meets every criterion given."""
        if self.correlation_id is not None and not self._id_matches(record):
            return False
        if self.status is not None and record.number("sc-status") != self.status:
            return False
        if self.substatus is not None and record.number("sc-substatus") != self.substatus:
            return False
        if self.win32 is not None and record.number("sc-win32-status") != self.win32:
            return False
        if self.user is not None and not _user_matches(self.user, record):
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
        field = self.id_field()
        fields = record.schema.fields
        if field != ANY_FIELD:
            at = field_position(record.schema, field)
            return at is not None and decode_value(fields[at], record.raw[at]) == wanted
        return any(raw == wanted or decode_value(fields[i], raw) == wanted for i, raw in enumerate(record.raw))


def _user_matches(wanted: str, record: LogRecord) -> bool:
    schema = record.schema
    if all(field_position(schema, name) is None for name in IIS_USER_FIELDS):
        return False  # the line cannot say who called: neither this user nor anonymous
    found = iis_user(record)
    have = "" if found is None else found[0].casefold()
    want = wanted.strip().casefold()
    if want in ("", "-"):
        return have == ""
    if "*" in want:
        pattern = ".*".join(re.escape(part) for part in want.split("*"))
        return have != "" and re.fullmatch(pattern, have, re.DOTALL) is not None
    return want == have


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


class _Notes:
    """What a search says beside its results: files without the correlation field, quarantined lines naming the id."""

    def __init__(self, query: Query, warn: Callable[[str], None] | None) -> None:
        self.query = query
        self.warn = warn
        self.told: set[str] = set()
        self.mentions: list[Quarantined] = []
        self.mentioned = 0

    def schema(self, label: str, schema: Schema | None) -> None:
        if self.warn is None or schema is None or label in self.told or not self.query.lacks_id_field(schema):
            return
        self.told.add(label)
        field = self.query.id_field()
        self.warn(
            f"{inert(label)}: no {inert(field)} field in #Fields, so no line there can match the id; log the request "
            f"header as a custom field ({inert(field)}), or search another field with --correlation-field NAME "
            f"(or '*' for any field)"
        )

    def quarantined(self, item: Quarantined) -> None:
        wanted = self.query.correlation_id
        if wanted and wanted in item.text:
            self.mentioned += 1
            if len(self.mentions) < _MENTIONS_SHOWN:
                self.mentions.append(item)

    def close(self) -> None:
        if self.warn is None or not self.mentioned:
            return
        n = self.mentioned
        where = "; ".join(f"{inert(q.source)}:{q.line} ({inert(q.reason)})" for q in self.mentions)
        more = f"; {n - len(self.mentions)} more" if n > len(self.mentions) else ""
        self.warn(
            f"{n} quarantined line{'s' if n != 1 else ''} mention{'s' if n == 1 else ''} "
            f"{inert(self.query.correlation_id or '')}: {where}{more}"
        )


def search(
    sources: Sequence[LogSource],
    query: Query,
    progress: Progress | None = None,
    correlation_field: str | None = None,
    split_min: int | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[LogRecord]:
    """Every record of ``sources`` (in order) that ``query`` matches. ``progress`` gets the bytes read over all
    sources together. Unreadable input raises LogInputError naming it. An id alone is found on two cores in a plain
    file of ``split_min`` bytes or more (default ``linecount.PARALLEL_MIN_BYTES``) when this process may fork.
    ``warn`` gets one line per file without the correlation field and, at the end, the quarantined lines whose text
    holds the id (a damaged line is still evidence the request reached IIS)."""
    if correlation_field is not None and query.correlation_field != correlation_field:
        query = dataclasses.replace(query, correlation_field=correlation_field)
    notes = _Notes(query, warn)
    done = 0
    for source in sources:
        report = None if progress is None else _offset(progress, done)
        if query.id_only() and not source.compressed and _greppable(query.correlation_id or ""):
            yield from _find(source, query, report, split_min, notes)
        else:
            seen: Schema | None = None
            for item in read(source, progress=report):
                if isinstance(item, LogRecord):
                    if item.schema is not seen:
                        seen = item.schema
                        notes.schema(source.label, seen)
                    if query.matches(item):
                        yield item
                else:
                    notes.quarantined(item)
        done += source.size()
    notes.close()


def _offset(progress: Progress, done: int) -> Progress:
    def report(read_so_far: int) -> None:
        progress(done + read_so_far)

    return report


def _greppable(wanted: str) -> bool:
    """Whether every line whose decoded value is ``wanted`` holds ``wanted``'s bytes as written: no space (``+``
    decodes to one), no quote (``""`` decodes to one), no replacement character (from undecodable bytes)."""
    return bool(wanted) and not any(c in wanted for c in ' "\n\r\ufffd') and wanted != "-"


def _find(
    source: LogSource, query: Query, progress: Progress | None, split_min: int | None, notes: _Notes
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
        yield from _hits(source.label, data, query, progress, lines, notes)
        if source.label not in notes.told:  # no hit told the schema: the one in force at the end is the file's own
            notes.schema(source.label, header_before(data, len(data), lines.rfind_directive).schema)
    if progress is not None:
        progress(size)


def _hits(
    label: str, data: mmap.mmap, query: Query, progress: Progress | None, counter: LineCounter, notes: _Notes
) -> Iterator[LogRecord]:
    schema_at = -1  # a line start whose schema is known
    header = Header()
    hit = counter.next_hit(0)
    while hit >= 0:
        start, end = line_at(data, hit)
        lines = counter.before(start)
        if schema_at < 0 or counter.directive_between(max(schema_at - 1, 0), start):
            header = header_before(data, start, counter.rfind_directive)
        schema = header.schema
        schema_at = start
        if overlong(start, end, len(data)):
            reason = f"a line over the {MAX_LINE} bytes a log line may have"
            notes.quarantined(Quarantined(label, lines + 1, start, reason, data[start:end].decode("utf-8", "replace")))
        else:
            bucket, values = values_of(data[start:end], schema, start == 0)
            if bucket is Bucket.RECORD and schema is not None and isinstance(values, tuple):
                notes.schema(label, schema)
                record = LogRecord(label, lines + 1, start, schema, values)
                if query.matches(record):
                    yield record
            elif bucket is Bucket.QUARANTINED:
                text = data[start:end].decode("utf-8", "replace")
                notes.quarantined(Quarantined(label, lines + 1, start, str(values) or header.missing, text))
        if progress is not None:
            progress(end)
        hit = counter.next_hit(end + 1)
