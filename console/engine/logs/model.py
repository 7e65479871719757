"""What a log reader yields: schemas from ``#Fields``, records, quarantined lines, and the per-file tally."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from console.errors import BatonError

__all__ = ["Bucket", "LogInputError", "LogKind", "LogRecord", "Quarantined", "Schema", "Tally", "make_record"]


class LogKind(StrEnum):
    """Which writer produced a schema: told from ``#Software`` and the field names."""

    W3C = "w3c"
    """http.sys W3C extended logging (IIS 6–10 ``u_ex*.log``)."""
    HTTPERR = "httperr"
    """http.sys's own error log (``httperr*.log``): requests refused before IIS saw them."""
    ADVANCED = "advanced"
    """IIS Advanced Logging module: W3C-like, values may be ``"quoted"``."""


class Bucket(StrEnum):
    """The one bucket every physical line of a log lands in."""

    RECORD = "record"
    DIRECTIVE = "directive"
    BLANK = "blank"
    QUARANTINED = "quarantined"


class LogInputError(BatonError):
    """A log input Baton cannot read: missing, unreadable, binary, a folder with no logs (exit 2).

    ``where`` names the file (and ``file:line`` where a line is at fault)."""


@dataclass(frozen=True, slots=True)
class Schema:
    """The ``#Fields`` directive in force, with the ``#Software``/``#Date`` seen in its header block."""

    fields: tuple[str, ...]
    kind: LogKind = LogKind.W3C
    date: str | None = None
    """``#Date:``/``#Start-Date:`` of the block (``YYYY-MM-DD HH:MM:SS``): the date when no ``date`` field exists."""
    software: str | None = None
    index: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    """Lower-cased field name → position; filled by :meth:`of`."""

    @classmethod
    def of(
        cls, fields: tuple[str, ...], kind: LogKind = LogKind.W3C, date: str | None = None, software: str | None = None
    ) -> Schema:
        """A schema with its name index built (the first of two equal names wins)."""
        index: dict[str, int] = {}
        for i, name in enumerate(fields):
            index.setdefault(name.lower(), i)
        return cls(fields, kind, date, software, index)

    def position(self, name: str) -> int | None:
        """Where field ``name`` is (case-insensitive), or None."""
        return self.index.get(name.lower())


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One data line read by the schema in force for it.

    ``raw`` holds the values as written (``-``, ``+`` and quotes kept); :meth:`get` decodes them.
    """

    source: str
    """The file as the user named it (``logs.zip!u_ex260101.log`` for a member of an archive)."""
    line: int
    """1-based physical line number in the (decompressed) file."""
    offset: int
    """Byte offset of the line's first byte in the (decompressed) file."""
    schema: Schema
    raw: tuple[str, ...]

    def raw_value(self, name: str) -> str | None:
        """The value of ``name`` exactly as written; None when the schema has no such field."""
        at = self.schema.position(name)
        return None if at is None else self.raw[at]

    def get(self, name: str) -> str | None:
        """The decoded value of ``name``: ``-`` is empty, quotes removed (``""`` → ``"``), ``+`` a space except in
        URL fields (``cs-uri-query``, ``cs-uri``, ``cs(Referer)``: there ``+`` is the URL's own); None when the schema
        has no such field."""
        at = self.schema.position(name)
        return None if at is None else decode_value(self.schema.fields[at], self.raw[at])

    def number(self, name: str) -> int | None:
        """An integer field (sc-status, sc-win32-status up to 64 bits …); None when absent, empty or not a number."""
        value = self.get(name)
        return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 20 else None

    def logged_at(self) -> datetime.datetime | None:
        """When IIS logged the line, in UTC (W3C ``date time`` are UTC); the ``#Date`` day when there is no
        ``date`` field; None when unreadable. Fractional seconds (Advanced Logging) are kept."""
        date, time = self.get("date"), self.get("time")
        if not date and self.schema.date:
            date = self.schema.date.split(" ", 1)[0]
        if not date or not time:
            return None
        try:
            return datetime.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=datetime.UTC)
        except ValueError:
            return None


_new = object.__new__
_set_source = vars(LogRecord)["source"].__set__
_set_line = vars(LogRecord)["line"].__set__
_set_offset = vars(LogRecord)["offset"].__set__
_set_schema = vars(LogRecord)["schema"].__set__
_set_raw = vars(LogRecord)["raw"].__set__


def make_record(source: str, line: int, offset: int, schema: Schema, raw: tuple[str, ...]) -> LogRecord:
    """``LogRecord(source, line, offset, schema, raw)``, built about 1.5x faster for the reader's hot loop.

    A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` per field; setting the slots through their
    descriptors gives the same (equal, hashable, frozen) object for less."""
    record: LogRecord = _new(LogRecord)
    _set_source(record, source)
    _set_line(record, line)
    _set_offset(record, offset)
    _set_schema(record, schema)
    _set_raw(record, raw)
    return record


def decode_value(name: str, raw: str) -> str:
    """One W3C value decoded (see :meth:`LogRecord.get`)."""
    if raw == "-":
        return ""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1].replace('""', '"')
    if name.lower() in _URL_FIELDS:
        return raw
    return raw.replace("+", " ")


_URL_FIELDS = frozenset({"cs-uri-query", "cs-uri", "cs(referer)"})
"""Fields holding a URL as sent: a space cannot appear in one, so ``+`` is the URL's own (HTTPERR's ``cs-uri`` carries
the query string too)."""


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A line that is neither a record, a directive nor blank, kept with where it is and why."""

    source: str
    line: int
    offset: int
    reason: str
    text: str
    """The line decoded as UTF-8 with replacement characters (never raw escape codes: render through inert)."""


@dataclass(slots=True)
class Tally:
    """Every physical line of one input, in exactly one bucket: the four add up to ``lines``."""

    source: str = ""
    lines: int = 0
    records: int = 0
    directives: int = 0
    blank: int = 0
    quarantined: int = 0
    truncated_last_line: bool = False
    """The last line had no line end (IIS may still be writing it); it is counted, in its bucket, all the same."""

    def balanced(self) -> bool:
        """Whether every line is accounted for."""
        return self.records + self.directives + self.blank + self.quarantined == self.lines

    def add(self, other: Tally) -> None:
        """Fold another input's tally into this one (for totals over many files)."""
        self.lines += other.lines
        self.records += other.records
        self.directives += other.directives
        self.blank += other.blank
        self.quarantined += other.quarantined
        self.truncated_last_line = self.truncated_last_line or other.truncated_last_line

    def as_dict(self) -> dict[str, int]:
        """The counts ``baton logs stats --json`` reports."""
        return {
            "lines": self.lines,
            "records": self.records,
            "directives": self.directives,
            "blank": self.blank,
            "quarantined": self.quarantined,
        }
