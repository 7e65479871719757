"""`baton logs sql` as a user runs it: table, JSON, CSV, a bad statement in one line, and DuckDB loaded only here."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import main

FIELDS = "date time cs-method cs-uri-stem cs-username c-ip sc-status sc-substatus sc-win32-status X-Correlation-Id"
ROWS = (
    "2026-05-17 10:00:01 GET /api/orders - 203.0.113.8 401 2 5 c-1",
    "2026-05-17 10:00:02 GET /api/orders CORP\\alice 203.0.113.8 200 0 0 c-2",
    "2026-05-17 10:00:03 GET /api/pay - 203.0.113.9 401 1 2148074254 c-3",
    "2026-05-17 10:00:04 GET /api/pay \x1b]0;pwned\x07\x1b[2J 203.0.113.9 401 2 5 c-4",
)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "u_ex260517.log"
    head = "#Software: Microsoft Internet Information Services 10.0\r\n#Date: 2026-05-17 10:00:00\r\n"
    path.write_bytes((head + f"#Fields: {FIELDS}\r\n" + "".join(r + "\r\n" for r in ROWS)).encode())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["logs", "sql", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_log_parsers_example_with_a_hyphenated_column(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    statement = 'SELECT "cs-username", count(*) AS n FROM logs WHERE "sc-status" = 401 GROUP BY 1 ORDER BY n DESC'
    code, out, err = run(capsys, statement, str(log))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["cs-username", "n"]
    assert lines[2].split() == ["-", "2"]  # anonymous (NULL) shown as IIS shows it
    assert lines[3].split() == ["\\x1b]0;pwned\\x07\\x1b[2J", "1"]  # escape codes reach the terminal inert
    assert "\x1b" not in out
    assert "(2 rows; 4 records loaded)" in err


def test_json_and_csv_shapes(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    statement = "SELECT x_correlation_id AS id, sc_win32_status AS w FROM logs ORDER BY line"
    code, out, _ = run(capsys, statement, str(log), "--json")
    assert code == 0
    assert [json.loads(x) for x in out.splitlines()][2] == {"id": "c-3", "w": 2148074254}
    code, out, _ = run(capsys, statement, str(log), "--csv")
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["id", "w"] and table[1:] == [["c-1", "5"], ["c-2", "0"], ["c-3", "2148074254"], ["c-4", "5"]]


def test_a_bad_statement_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, err = run(capsys, "SELECT FROM WHERE", str(log))
    assert code == 2 and out == ""
    assert err.startswith("baton logs sql: Parser Error: syntax error") and err.count("\n") == 1


def test_a_missing_input_names_the_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "SELECT 1", str(tmp_path / "u_ex1.log"))
    assert (code, out) == (2, "")
    assert err == f"baton: {tmp_path / 'u_ex1.log'}: no such file or folder\n"


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, json\nfrom console.cli import main\n"
        f"try:\n    main({argv!r})\nexcept BaseException:\n    pass\n"
        "sys.stderr.write('\\n' + json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_duckdb_is_imported_by_sql_only(log: Path) -> None:
    assert "duckdb" in _modules_after(["logs", "sql", "SELECT 1", str(log)])  # the probe can see it
    for argv in (
        ["logs", "search", str(log), "--correlation-id", "c-1"],
        ["logs", "stats", str(log)],
        ["--help"],
        ["trace", "--help"],
        ["logs", "--help"],
    ):
        assert "duckdb" not in _modules_after(argv), argv


@pytest.mark.parametrize("statement", ["", "   ", ";", "-- only a comment"])
def test_an_empty_statement_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], log: Path, statement: str
) -> None:
    code, out, err = run(capsys, statement, str(log))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no SQL statement given" in err and "Traceback" not in err


def test_several_statements_are_refused_before_any_runs(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    # The first would run unseen (a CREATE, an UPDATE…) while only the last result is shown.
    code, out, err = run(capsys, "CREATE TABLE t AS SELECT 1; SELECT 2", str(log))
    assert code == 2 and out == ""
    assert "2 statements given" in err


def test_wide_characters_keep_the_columns_aligned(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    code, out, _ = run(capsys, "SELECT 'ユーザー' AS \"名前\", 1 AS n FROM logs LIMIT 1", str(log))
    assert code == 0
    header, rule, row = out.splitlines()[:3]
    # the first column is as wide as its widest cell in terminal cells (ユーザー: 8), so `n` lines up
    assert rule.split("  ")[0] == "-" * 8
    wide = 2  # each of 名前 and ユーザー is two cells wide

    def cell_of(text: str, char: str) -> int:
        before = text[: text.index(char)]
        return len(before) + (wide - 1) * sum(1 for c in before if not c.isascii())

    assert cell_of(header, "n") == rule.rindex("-") == cell_of(row, "1") == 10


def test_csv_neutralises_formulas_in_cells_and_headers(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    statement = "SELECT '-2+3' AS \"=HYPERLINK()\", '-cmd' AS m, '-' AS e, '-5' AS n FROM logs LIMIT 1"
    code, out, _ = run(capsys, "--csv", statement, str(log))
    assert code == 0
    header, row = list(csv.reader(io.StringIO(out)))[:2]
    assert header[0] == "'=HYPERLINK()"
    assert row == ["'-2+3", "'-cmd", "-", "-5"]
