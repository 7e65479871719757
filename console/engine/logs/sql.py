"""SQL over IIS logs (Log Parser's idea) on an in-process DuckDB: table ``logs``, IIS field names as columns.

Records reach DuckDB in memory only (log lines may hold tokens in query strings; nothing is written to a temp
file): each batch of rows is one string, rows split by U+001E and values by U+001F, that DuckDB splits itself —
measured ~4x faster than binding Python lists and ~150x faster than ``executemany``. Decoding (``-`` → NULL,
``+`` → space, Advanced Logging's quotes) and typing happen in SQL. ``duckdb`` is imported only here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.engine.logs.model import LogInputError, LogRecord, Quarantined, Schema, Tally
from console.errors import BatonError

if TYPE_CHECKING:
    from console.engine.logs.sources import LogSource

__all__ = ["NUMBER_FIELDS", "SqlError", "SqlResult", "column_alias", "run_sql"]

NUMBER_FIELDS = {
    "sc-status": "BIGINT",
    "sc-substatus": "BIGINT",
    "sc-win32-status": "UBIGINT",  # 64-bit: HRESULT-like values such as 2148074254 exceed 32 bits signed
    "time-taken": "BIGINT",
    "sc-bytes": "BIGINT",
    "cs-bytes": "BIGINT",
    "s-port": "BIGINT",
    "c-port": "BIGINT",
}
_EXTRA = ("source", "line", "kind", "timestamp")
_BATCH = 50_000
_ROW, _VALUE = "\x1e", "\x1f"
_MACROS = (
    # decode_value() in SQL: '-' is empty (NULL here), "quoted" values unquoted, '+' a space except in the query.
    "CREATE MACRO w3c(v) AS CASE WHEN v = '-' THEN NULL "
    "WHEN length(v) >= 2 AND starts_with(v, '\"') AND ends_with(v, '\"') THEN replace(v[2:-2], '\"\"', '\"') "
    "ELSE replace(v, '+', ' ') END",
    "CREATE MACRO w3cq(v) AS CASE WHEN v = '-' THEN NULL "
    "WHEN length(v) >= 2 AND starts_with(v, '\"') AND ends_with(v, '\"') THEN replace(v[2:-2], '\"\"', '\"') "
    "ELSE v END",
)


class SqlError(BatonError):
    """The statement DuckDB refused (syntax, unknown column …); the message is DuckDB's, first paragraph."""


@dataclass
class SqlResult:
    """The statement's columns and rows (streamed), and the tally of every input line."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]
    tally: Tally
    loaded: int
    """Records loaded into ``logs``."""
    files: list[Tally] = field(default_factory=list)


def column_alias(name: str) -> str:
    """``cs-username`` → ``cs_username``, ``cs(User-Agent)`` → ``cs_user_agent``: no quoting needed."""
    out = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "_" for ch in name)
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Loader:
    """Staging tables, one per distinct field list, filled in batches; ``logs`` is their union by name."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.tables: dict[tuple[str, ...], str] = {}
        self.columns: dict[str, str] = {}  # lower-cased column name → as first seen
        self.loaded = 0

    def table_for(self, schema: Schema) -> tuple[str, list[str]]:
        names = _unique(schema.fields)
        key = tuple(n.lower() for n in names)
        if key not in self.tables:
            table = f"_schema{len(self.tables)}"
            types = [f"{_quote(n)} {NUMBER_FIELDS.get(n.lower(), 'VARCHAR')}" for n in names]
            extras = ["source VARCHAR", "line BIGINT", "kind VARCHAR", '"timestamp" TIMESTAMP']
            self.con.execute(f"CREATE TABLE {table} ({', '.join(extras + types)})")
            self.tables[key] = table
            for n in names:
                self.columns.setdefault(n.lower(), n)
        return self.tables[key], names

    def flush(self, schema: Schema, source: str, rows: list[str]) -> None:
        """Insert a batch of rows made by :func:`encode` (all of one schema and one file)."""
        if not rows:
            return
        table, names = self.table_for(schema)
        typed = [_typed(n, f"{_decode(n)}(r[{i + 2}])") for i, n in enumerate(names)]
        stamp = _timestamp(schema, names, lambda i: f"r[{i + 2}]")
        insert = f"INSERT INTO {table} SELECT $2, TRY_CAST(r[1] AS BIGINT), $3, {stamp}, {', '.join(typed)}"
        self.con.execute(
            insert + " FROM (SELECT string_split(unnest(string_split($1, chr(30))), chr(31)) AS r)",
            [_ROW.join(rows), source, schema.kind.value],
        )
        self.loaded += len(rows)

    def insert_one(self, record: LogRecord) -> None:
        """A record whose values hold a separator character (hostile or binary data), or whose value count is
        not its schema's: bound as parameters, so nothing in it is split or lost."""
        table, names = self.table_for(record.schema)
        values: list[str | None] = list(record.raw[: len(names)])
        values += [None] * (len(names) - len(values))
        typed = [_typed(n, f"{_decode(n)}(${i + 4})") for i, n in enumerate(names)]
        stamp = _timestamp(record.schema, names, lambda i: f"${i + 4}")
        self.con.execute(
            f"INSERT INTO {table} SELECT $1, $2, $3, {stamp}, {', '.join(typed)}",
            [record.source, record.line, record.schema.kind.value, *values],
        )
        self.loaded += 1

    def create_view(self) -> None:
        """``logs``: every staging table by name (a field missing from a schema is NULL there)."""
        if not self.tables:
            self.con.execute('CREATE TABLE _empty (source VARCHAR, line BIGINT, kind VARCHAR, "timestamp" TIMESTAMP)')
            self.tables[()] = "_empty"
        # Table names are ours and field names are quoted by _quote: no log text reaches SQL unquoted.
        union = " UNION ALL BY NAME ".join(f"SELECT * FROM {t}" for t in self.tables.values())  # noqa: S608
        self.con.execute(f"CREATE VIEW logs AS {union}")

    def aliases(self) -> dict[str, str]:
        """``cs_username`` → ``cs-username`` for every column whose IIS name needs quoting in SQL."""
        taken = set(self.columns) | set(_EXTRA)
        found: dict[str, str] = {}
        for lower, name in self.columns.items():
            alias = column_alias(name)
            if alias and alias != lower and alias not in taken and alias not in found:
                found[alias] = name
        return found


_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def resolve_aliases(statement: str, aliases: dict[str, str], tokenize: Callable[[str], Any]) -> str:
    """The statement with each bare identifier that is an alias (``cs_username``) written as the IIS column
    (``"cs-username"``). DuckDB's own tokenizer finds identifiers, so strings and comments are never touched;
    aliases are resolved here rather than as view columns so ``SELECT *`` shows every field once."""
    if not aliases:
        return statement
    try:
        tokens = tokenize(statement)
    except Exception:  # the statement's own error is DuckDB's to report when it runs
        return statement
    out, at = [], 0
    for start, kind in tokens:
        if getattr(kind, "name", str(kind)) != "identifier":
            continue
        match = _BARE.match(statement, start)
        if match is None or match.group(0).lower() not in aliases:
            continue
        out += [statement[at:start], _quote(aliases[match.group(0).lower()])]
        at = match.end()
    return "".join(out) + statement[at:]


def _unique(fields: Sequence[str]) -> list[str]:
    """Field names as columns: our own columns and repeated names get a suffix, so no value is dropped."""
    seen = set(_EXTRA)
    out = []
    for name in fields:
        candidate, n = name, 2
        while candidate.lower() in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _decode(name: str) -> str:
    return "w3cq" if name.lower() == "cs-uri-query" else "w3c"


def _typed(name: str, expr: str) -> str:
    kind = NUMBER_FIELDS.get(name.lower())
    return f"TRY_CAST({expr} AS {kind})" if kind else expr


def _timestamp(schema: Schema, names: list[str], ref: Callable[[int], str]) -> str:
    """When IIS logged the line (UTC): ``date time``, else the ``#Date`` day with ``time`` (as LogRecord does)."""
    lower = [n.lower() for n in names]
    if "time" not in lower:
        return "NULL"
    time = f"w3c({ref(lower.index('time'))})"
    if "date" in lower:
        day = f"w3c({ref(lower.index('date'))})"
    elif schema.date:
        day = "'" + schema.date.split(" ", 1)[0].replace("'", "''") + "'"
    else:
        return "NULL"
    return f"TRY_CAST({day} || ' ' || {time} AS TIMESTAMP)"


def encode(record: LogRecord) -> str | None:
    """The record as one batch row (line number, then raw values), or None when it must go by :meth:`insert_one`."""
    raw = record.raw
    if len(raw) != len(record.schema.fields):
        return None
    text = _VALUE.join(raw)
    if text.count(_VALUE) != len(raw) - 1 or _ROW in text:
        return None
    return f"{record.line}{_VALUE}{text}"


def run_sql(statement: str, sources: Sequence[LogSource], progress: Callable[[int], None] | None = None) -> SqlResult:
    """Load every record of ``sources`` into table ``logs`` (and every quarantined line into ``quarantined``),
    then run ``statement``. Raises :class:`SqlError` for a statement DuckDB refuses, LogInputError for an input."""
    import duckdb

    con = duckdb.connect(
        ":memory:",
        config={
            # Never fetch extensions from the network, never spill log content (tokens) to a temp file.
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "temp_directory": "",
        },
    )
    _one_statement(con, statement, duckdb.Error)
    for macro in _MACROS:
        con.execute(macro)
    loader = _Loader(con)
    total, files = Tally(), []
    quarantined: list[Quarantined] = []
    done_before = 0
    for source in sources:
        tally = Tally(source=source.label)
        report = None if progress is None else (lambda n, before=done_before: progress(before + n))
        try:
            _load(loader, source, tally, quarantined, report)
        except duckdb.Error as exc:  # a field name or value DuckDB cannot take: name the file, not a traceback
            con.close()
            raise LogInputError(f"cannot load into SQL: {first_paragraph(str(exc))}", where=source.label) from None
        done_before += source.size()
        files.append(tally)
        total.add(tally)
    loader.create_view()
    _load_quarantined(con, quarantined)
    # The statement is the user's, but it runs over logs only: no reading or writing other files.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    try:
        cursor = con.execute(resolve_aliases(statement, loader.aliases(), duckdb.tokenize))
    except duckdb.Error as exc:
        con.close()
        raise SqlError(first_paragraph(str(exc))) from None
    columns = [d[0] for d in cursor.description] if cursor.description else []
    return SqlResult(columns, _rows(cursor, con, duckdb.Error), total, loader.loaded, files)


def _one_statement(con: Any, statement: str, error: type[Exception]) -> None:
    """Refuse, before any log is read, a statement that is empty or several: only one result could be shown, and a
    statement before it (a CREATE, an UPDATE) would run unseen."""
    try:
        count = len(con.extract_statements(statement))
    except error as exc:
        con.close()
        raise SqlError(first_paragraph(str(exc))) from None
    if count != 1:
        con.close()
        raise SqlError(
            "no SQL statement given (e.g. 'SELECT count(*) FROM logs')"
            if count == 0
            else f"{count} statements given: give one at a time (only one result can be shown)"
        )


def _load(
    loader: _Loader,
    source: LogSource,
    tally: Tally,
    quarantined: list[Quarantined],
    progress: Callable[[int], None] | None,
) -> None:
    from console.engine.logs.reader import read

    schema: Schema | None = None
    batch: list[str] = []
    for item in read(source, tally, progress=progress):
        if isinstance(item, Quarantined):
            quarantined.append(item)
            continue
        if item.schema is not schema and item.schema != schema:  # a new #Fields block: a new batch
            if schema is not None:
                loader.flush(schema, source.label, batch)
            schema, batch = item.schema, []
        row = encode(item)
        if row is None:
            loader.insert_one(item)
        else:
            batch.append(row)
            if len(batch) >= _BATCH:
                loader.flush(schema, source.label, batch)
                batch = []
    if schema is not None:
        loader.flush(schema, source.label, batch)


def _load_quarantined(con: Any, lines: list[Quarantined]) -> None:
    con.execute('CREATE TABLE quarantined (source VARCHAR, line BIGINT, "offset" BIGINT, reason VARCHAR, text VARCHAR)')
    for start in range(0, len(lines), _BATCH):
        chunk = [(q.source, q.line, q.offset, q.reason, q.text) for q in lines[start : start + _BATCH]]
        columns = [list(column) for column in zip(*chunk, strict=True)]
        con.execute(
            "INSERT INTO quarantined SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5)", columns
        )


def _rows(cursor: Any, con: Any, error: type[Exception]) -> Iterator[tuple[Any, ...]]:
    try:
        while True:
            try:
                chunk = cursor.fetchmany(10_000)
            except error as exc:
                raise SqlError(first_paragraph(str(exc))) from None
            if not chunk:
                return
            yield from chunk
    finally:
        con.close()


def first_paragraph(message: str) -> str:
    """DuckDB's message without its echo of the statement (``LINE 1: …`` and the caret line), on one line."""
    kept = []
    for line in message.splitlines():
        if line.startswith("LINE "):
            break
        kept.append(line.strip())
    return " ".join(" ".join(kept).split()) or "the statement was refused"
