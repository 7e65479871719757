"""SQL over IIS logs (console.engine.logs.sql): columns by IIS name and alias, typed numbers, nothing lost."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from console.engine.logs.sources import expand
from console.engine.logs.sql import SqlError, column_alias, resolve_aliases, run_sql

FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id"
)


def write(path: Path, *blocks: tuple[str, list[str]], date: str = "2026-05-17 10:00:00") -> Path:
    """A W3C log: each block is (#Fields, data lines), with IIS's header before it; CRLF like IIS writes."""
    out = []
    for fields, rows in blocks:
        out += ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0", f"#Date: {date}"]
        out += [f"#Fields: {fields}", *rows]
    path.write_bytes(("\r\n".join(out) + "\r\n").encode())
    return path


@pytest.fixture
def day(tmp_path: Path) -> Path:
    return write(
        tmp_path / "u_ex260517.log",
        (
            FIELDS,
            [
                "2026-05-17 10:01:00 10.0.0.1 GET /api/orders a=1+2 443 - 203.0.113.8 Mozilla/5.0+(X11) 401 2 5 8 c-1",
                "2026-05-17 10:01:01 10.0.0.1 GET /api/orders - 443 CORP\\alice 203.0.113.8 curl 200 0 0 12 c-2",
                "2026-05-17 10:02:00 10.0.0.1 GET /api/orders - 443 - 203.0.113.8 curl 401 1 2148074254 3 c-3",
                "not a record",
            ],
        ),
        (
            "time c-ip cs-method cs-uri-stem sc-status sc-win32-status",
            ["12:00:00 ::1%3 GET /x 500 18446744073709551615"],
        ),
    )


def rows(statement: str, *paths: Path) -> list[tuple[object, ...]]:
    return list(run_sql(statement, expand([str(p) for p in paths])).rows)


def test_hyphenated_iis_names_and_underscore_aliases_both_work(day: Path) -> None:
    quoted = rows('SELECT "cs-username", count(*) FROM logs WHERE "sc-status" = 401 GROUP BY 1', day)
    bare = rows("SELECT cs_username, count(*) FROM logs WHERE sc_status = 401 GROUP BY 1", day)
    assert quoted == bare == [(None, 2)]
    assert rows("SELECT cs_user_agent FROM logs WHERE x_correlation_id = 'c-1'", day) == [("Mozilla/5.0 (X11)",)]


def test_values_are_decoded_and_numbers_typed_to_64_bits(day: Path) -> None:
    got = rows('SELECT "cs-uri-query", "cs-username", "sc-win32-status" FROM logs ORDER BY line', day)
    # '+' in the query string is the URL's own encoding (kept); '-' is empty (NULL); win32 beyond 2^63 survives.
    assert got == [("a=1+2", None, 5), (None, "CORP\\alice", 0), (None, None, 2148074254), (None, None, 2**64 - 1)]
    assert rows('SELECT sum("time-taken") FROM logs', day) == [(23,)]


def test_every_schema_is_a_column_set_of_one_table_with_source_line_and_timestamp(day: Path) -> None:
    got = rows('SELECT line, "timestamp", "c-ip", "s-ip" FROM logs ORDER BY line', day)
    assert got[0] == (5, datetime.datetime(2026, 5, 17, 10, 1), "203.0.113.8", "10.0.0.1")
    # The second schema has no date field: the day comes from #Date, as IIS means it.
    assert got[-1] == (13, datetime.datetime(2026, 5, 17, 12, 0), "::1%3", None)
    assert rows("SELECT DISTINCT source FROM logs", day) == [(str(day),)]


def test_quarantined_lines_are_a_table_and_the_tally_adds_up(day: Path) -> None:
    result = run_sql("SELECT count(*) FROM logs", expand([str(day)]))
    assert list(result.rows) == [(4,)]
    t = result.tally
    assert (t.lines, t.records, t.quarantined) == (13, 4, 1) and t.balanced()
    assert rows("SELECT line, reason FROM quarantined", day) == [(8, "3 values but #Fields names 15")]


def test_a_bad_statement_is_one_line_of_duckdbs_words(day: Path) -> None:
    with pytest.raises(SqlError) as bad:
        run_sql("SELEC 1", expand([str(day)]))
    assert bad.value.message == 'Parser Error: syntax error at or near "SELEC"'
    with pytest.raises(SqlError) as unknown:
        run_sql("SELECT nope FROM logs", expand([str(day)]))
    assert "nope" in unknown.value.message and "\n" not in unknown.value.message


def test_statements_cannot_read_or_write_other_files(day: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(SqlError, match="Permission Error"):
        run_sql(f"SELECT * FROM read_csv('{secret}')", expand([str(day)]))  # noqa: S608 (the user's own SQL)
    with pytest.raises(SqlError, match="Permission Error"):
        run_sql(f"COPY (SELECT * FROM logs) TO '{tmp_path / 'out.csv'}'", expand([str(day)]))  # noqa: S608
    assert not (tmp_path / "out.csv").exists()


def test_separator_characters_in_values_are_loaded_whole(tmp_path: Path) -> None:
    log = write(tmp_path / "u_ex1.log", ("cs-username cs-uri-stem", ["a\x1fb /x", "c\x1ed /y", "plain /z"]))
    assert rows("SELECT cs_username FROM logs ORDER BY line", log) == [("a\x1fb",), ("c\x1ed",), ("plain",)]


def test_advanced_logging_quotes_are_removed(tmp_path: Path) -> None:
    lines = ['"2026-05-17" "10:00:00.123" "CORP\\bob" "/a b" "say ""hi"""']
    path = tmp_path / "adv.log"
    path.write_text(
        "#Software: IIS Advanced Logging Module\n#Fields: date time cs-username cs-uri-stem cs(Cookie)\n"
        + "\n".join(lines)
        + "\n"
    )
    assert rows('SELECT cs_username, cs_uri_stem, "cs(Cookie)", "timestamp" FROM logs', path) == [
        ("CORP\\bob", "/a b", 'say "hi"', datetime.datetime(2026, 5, 17, 10, 0, 0, 123000))
    ]


def test_no_log_content_is_spilled_to_temp_files_and_nothing_is_fetched(day: Path) -> None:
    # Log lines may hold tokens in query strings: DuckDB must not spill them to a temp folder, nor load extensions.
    got = rows(
        "SELECT current_setting('temp_directory'), current_setting('autoinstall_known_extensions'), "
        "current_setting('autoload_known_extensions'), current_setting('enable_external_access')",
        day,
    )
    assert got == [("", False, False, False)]


def test_aliases_touch_identifiers_only_never_strings_or_comments() -> None:
    import duckdb

    aliases = {"cs_username": "cs-username"}
    got = resolve_aliases(
        "SELECT cs_username FROM logs WHERE x = 'cs_username' -- cs_username", aliases, duckdb.tokenize
    )
    assert got == "SELECT \"cs-username\" FROM logs WHERE x = 'cs_username' -- cs_username"
    assert column_alias("cs(User-Agent)") == "cs_user_agent"
    assert column_alias("X-Correlation-Id") == "x_correlation_id"


def test_an_empty_input_still_has_a_logs_table(tmp_path: Path) -> None:
    empty = tmp_path / "u_ex0.log"
    empty.write_text("#Software: Microsoft Internet Information Services 10.0\n")
    assert rows("SELECT count(*) FROM logs", empty) == [(0,)]
