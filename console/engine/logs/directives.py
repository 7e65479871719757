"""W3C ``#`` directives: the header state (``#Software``, ``#Date``, ``#Fields``) that says how data lines read."""

from __future__ import annotations

from console.engine.logs.model import LogKind, Schema

__all__ = ["Header", "kind_of", "parse_directive"]

_HTTPERR_FIELDS = frozenset({"s-reason", "reason_phrase"})


def parse_directive(text: str) -> tuple[str, str]:
    """``#Name: value`` → (``name`` lower-cased, value stripped); a ``#`` line without a colon → (its text, "")."""
    body = text[1:]
    name, colon, value = body.partition(":")
    if not colon:
        return body.strip().lower(), ""
    return name.strip().lower(), value.strip()


def kind_of(fields: tuple[str, ...], software: str | None) -> LogKind:
    """HTTPERR when ``#Software`` says "HTTP API" or the fields include s-reason; ADVANCED for "Advanced Logging"."""
    soft = (software or "").lower()
    if "http api" in soft or any(f.lower() in _HTTPERR_FIELDS for f in fields):
        return LogKind.HTTPERR
    if "advanced logging" in soft:
        return LogKind.ADVANCED
    return LogKind.W3C


class Header:
    """The directives seen so far and the schema they put in force.

    Every ``#Fields`` starts a new schema. ``#Software`` and ``#Date`` belong to the header block they are in, which
    http.sys does not always write in the same order (a ``#Date`` or ``#Software`` may follow ``#Fields``), so they
    re-make the schema in force with the same fields; records already read keep theirs. A ``#Date`` with no
    ``#Fields`` after it (a new day in a file without a ``date`` field) dates the records that follow."""

    __slots__ = ("_cache", "date", "fields", "missing", "schema", "software")

    def __init__(self) -> None:
        self.software: str | None = None
        self.date: str | None = None
        self.fields: tuple[str, ...] | None = None
        self.schema: Schema | None = None
        self.missing = "data before any #Fields directive"
        """Why a data line has no schema to be read by (while ``schema`` is None)."""
        self._cache: dict[tuple[tuple[str, ...], str | None, str | None], Schema] = {}

    def apply(self, text: str, line: int) -> None:
        """Take one directive line (``#`` first; text without its line end)."""
        name, value = parse_directive(text)
        if name == "fields":
            fields = tuple(value.split())
            if not fields:
                self.fields, self.schema = None, None
                self.missing = f"the #Fields directive on line {line} names no fields"
                return
            self.fields = fields
        elif name == "software":
            self.software = value or None
        elif name in ("date", "start-date"):
            self.date = value or None
        else:
            return  # #Version, #Remark, #Filter, #End-Date, anything else: counted, nothing to change
        if self.fields is not None:
            self.schema = self._schema(self.fields)

    def _schema(self, fields: tuple[str, ...]) -> Schema:
        # Repeated identical header blocks (every restart, every 15 idle minutes) share one Schema object.
        key = (fields, self.date, self.software)
        schema = self._cache.get(key)
        if schema is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            schema = Schema.of(fields, kind_of(fields, self.software), self.date, self.software)
            self._cache[key] = schema
        return schema
