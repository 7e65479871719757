"""`baton logs search`: the grep-speed id path finds exactly what reading every record finds, and the query rules."""

from __future__ import annotations

import datetime
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import DEFAULT_FIELDS, Block, render, row

from console.engine.logs import search as search_module
from console.engine.logs.model import LogRecord
from console.engine.logs.reader import read
from console.engine.logs.search import Query, search
from console.engine.logs.sources import LogSource

FIXTURES = Path(__file__).parent / "fixtures"
_DIR = tempfile.TemporaryDirectory(prefix="baton-search-")
CID = (*DEFAULT_FIELDS, "X-Correlation-Id")
MOVED = ("X-Correlation-Id", "date", "time", "cs-uri-stem", "sc-status", "cs-username", "cs(Referer)")
ID = "7d3f9a2e-5b1c-4e8a-9f60-2c4d8e1b7a93"
UTC = datetime.UTC


def source(path: Path) -> LogSource:
    return LogSource(path, None, path.name, path.suffix == ".gz")


def write(name: str, data: bytes) -> list[LogSource]:
    path = Path(_DIR.name) / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return [source(path)]


def found(sources: list[LogSource], query: Query, field: str | None = None) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(r.line, r.offset, r.raw) for r in search(sources, query, correlation_field=field)]


def streamed(sources: list[LogSource], query: Query) -> list[tuple[int, int, tuple[str, ...]]]:
    """The obvious answer: every record the reader reads, filtered by Query.matches."""
    return [
        (r.line, r.offset, r.raw) for s in sources for r in read(s) if isinstance(r, LogRecord) and query.matches(r)
    ]


def log(final: bool = True, line_end: str = "\r\n") -> bytes:
    first = [row(CID, {"X-Correlation-Id": f"id-{i}", "cs(Referer)": f"https://a/?cid={ID}"}) for i in range(50)]
    hit = row(CID, {"X-Correlation-Id": ID, "cs-username": "CONTOSO\\alice", "sc-status": "401"})
    moved = [row(MOVED, {"X-Correlation-Id": f"{ID}-x" if i % 2 else f"id-{i}"}) for i in range(30)]
    moved_hit = row(MOVED, {"X-Correlation-Id": ID, "time": "11:00:00"})
    blocks = [Block(CID, [*first, hit]), Block(MOVED, [*moved, moved_hit], date="2026-05-17 11:00:00")]
    return render(blocks, line_end, final)


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
@pytest.mark.parametrize("final", [True, False])
def test_the_id_is_found_only_as_a_whole_value_across_a_schema_change(line_end: str, final: bool) -> None:
    plain = write("a.log", log(final, line_end))
    records = list(search(plain, Query(correlation_id=ID)))
    assert [r.get("X-Correlation-Id") for r in records] == [ID, ID]  # not the Referer copies, not "ID-x"
    assert records[0].get("cs-username") == "CONTOSO\\alice" and records[1].schema.fields == MOVED
    assert records[1].logged_at() == datetime.datetime(2026, 5, 17, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize("field", [None, "*", "X-Correlation-Id", "cs(Referer)"])
def test_the_fast_path_the_gz_path_and_the_reader_agree(line_end: str, final: bool, field: str | None) -> None:
    data = log(final, line_end)
    query = Query(correlation_id=ID if field != "cs(Referer)" else f"https://a/?cid={ID}", correlation_field=field)
    expected = streamed(write("b.log", data), query)
    assert expected, "the fixture holds the id"
    assert found(write("b.log", data), query, field) == expected
    assert found(write("b.log.gz", data), query, field) == expected


def test_the_fast_path_is_the_one_taken_for_a_plain_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "read", lambda *a, **k: pytest.fail("streamed instead of mmap + find"))
    assert len(found(write("c.log", log()), Query(correlation_id=ID))) == 2


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_value_of_every_fixture_is_found_as_the_reader_finds_it(name: str) -> None:
    sources = [source(FIXTURES / name)]
    values = {v for s in sources for r in read(s) if isinstance(r, LogRecord) for v in r.raw}
    for value in sorted(values)[:40]:
        query = Query(correlation_id=value, correlation_field="*")
        assert found(sources, query) == streamed(sources, query), value


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"#Fields: a b",
                b"#Fields: b",
                b"x y",
                b"q x",
                b"x",
                b"x\0 y",
                b" x y",
                b"",
                b"#x",
                b"\xef\xbb\xbf#Fields: a",
                b"x x",
                b"x\ry x",
                b"#Fields: a\rb",
            ]
        ),
        max_size=20,
    ),
    st.sampled_from([b"\n", b"\r\n"]),
)
def test_arbitrary_lines_give_the_same_hits_both_ways(lines: list[bytes], end: bytes) -> None:
    sources = write("p.log", end.join(lines))
    for field in (None, "*", "a"):
        query = Query(correlation_id="x", correlation_field=field)
        assert found(sources, query, field) == streamed(sources, query)


def records(*values: dict[str, str]) -> list[LogSource]:
    return write("q.log", render([Block(CID, [row(CID, v) for v in values])]))


@pytest.mark.parametrize(
    ("user", "hits"),
    [
        ("alice", 1),
        ("ALICE", 1),
        ("contoso\\alice", 1),
        ("alice@contoso.com", 1),
        ("FABRIKAM\\alice", 1),
        ("*\\alice", 2),
        ("alice@*", 2),
        ("*alice*", 6),
        ("-", 1),
        ("", 1),
        ("bob", 0),
    ],
)
def test_user_matching_is_exact_and_a_star_spans_realms(user: str, hits: int) -> None:
    """A bare name is one principal, not every realm's (qa4 #2): FABRIKAM\\alice and alice@evil.example are others."""
    sources = records(
        {"cs-username": "CONTOSO\\Alice"},
        {"cs-username": "FABRIKAM\\alice"},
        {"cs-username": "alice@contoso.com"},
        {"cs-username": "alice@evil.example"},
        {"cs-username": "alice"},
        {"cs-username": "-"},
        {"cs-username": "alicex"},
    )
    assert len(found(sources, Query(user=user))) == hits


def test_status_substatus_path_and_time_window() -> None:
    sources = records(
        {"sc-status": "401", "sc-substatus": "2", "cs-uri-stem": "/API/Orders", "time": "10:00:00"},
        {"sc-status": "401", "sc-substatus": "1", "cs-uri-stem": "/api/orders/7", "time": "10:30:00"},
        {"sc-status": "200", "cs-uri-stem": "/api/orders", "time": "11:00:00"},
        {"sc-status": "401", "time": "-"},
    )
    assert [r[0] for r in found(sources, Query(status=401))] == [5, 6, 8]
    assert [r[0] for r in found(sources, Query(status=401, substatus=2))] == [5]
    assert [r[0] for r in found(sources, Query(path="/api/orders"))] == [5, 7]
    assert [r[0] for r in found(sources, Query(path="/api/orders*"))] == [5, 6, 7]
    since = datetime.datetime(2026, 5, 17, 10, 30, tzinfo=UTC)
    assert [r[0] for r in found(sources, Query(since=since))] == [6, 7]  # line 8 has no time: never in a window
    assert [r[0] for r in found(sources, Query(until=since.replace(tzinfo=None)))] == [5]  # naive means UTC


def test_logs_search_does_not_import_heavy_packages(tmp_path: Path) -> None:
    path = tmp_path / "u_ex1.log"
    path.write_bytes(log())
    code = (
        "import sys, json; from console.cli import main\n"
        f"try:\n    main(['logs', 'search', {str(path)!r}, '--correlation-id', {ID!r}, '--json'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('textual', 'httpx', 'jwt', 'boto3', 'botocore', 'duckdb', 'rich')\n"
        "sys.stderr.write(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
    assert result.stdout.count(ID) >= 2


SUB = ("date", "time", "cs-method", "cs-uri-stem", "cs-username", "sc-status", "cs(X-User-Sub)", "X-Correlation-Id")


def test_user_is_the_identity_header_when_iis_logged_no_username() -> None:
    """qa5 D3: behind API Gateway IIS logs the caller in X-User-Sub; --user finds it as the join and the view do."""
    sources = write(
        "sub.log",
        render([Block(SUB, [row(SUB, {"cs(X-User-Sub)": "3cf7ef70-a52b"}), row(SUB, {"cs(X-User-Sub)": "-"})])]),
    )
    assert len(found(sources, Query(user="3CF7EF70-a52b"))) == 1
    assert len(found(sources, Query(user="-"))) == 1


def test_the_id_matches_the_correlation_field_only_not_any_field() -> None:
    """qa5 D2: an id equal to a method, a status or an address is not that request's id."""
    data = render([Block(CID, [row(CID, {"X-Correlation-Id": "c-1", "cs-method": "GET", "sc-status": "200"})])])
    for name in ("d2.log", "d2.log.gz"):
        sources = write(name, data)
        for word in ("GET", "200"):
            assert found(sources, Query(correlation_id=word)) == [], (name, word)
            assert len(found(sources, Query(correlation_id=word), "*")) == 1, (name, word)
        assert len(found(sources, Query(correlation_id="c-1"))) == 1


@pytest.mark.parametrize("name", ["nocid.log", "nocid.log.gz"])
def test_a_file_without_the_correlation_field_is_named_once(name: str) -> None:
    data = render([Block(DEFAULT_FIELDS, [row(DEFAULT_FIELDS, {"cs-method": "GET"}) for _ in range(3)])])
    said: list[str] = []
    assert list(search(write(name, data), Query(correlation_id="GET"), warn=said.append)) == []
    assert len(said) == 1 and name in said[0] and "X-Correlation-Id" in said[0] and "custom field" in said[0]


def test_cs_form_of_the_correlation_field_is_the_default_too() -> None:
    fields = ("date", "time", "cs-uri-stem", "cs(X-Correlation-Id)")
    sources = write("cs.log", render([Block(fields, [row(fields, {"cs(X-Correlation-Id)": "abc"})])]))
    said: list[str] = []
    assert len(list(search(sources, Query(correlation_id="abc"), warn=said.append))) == 1 and said == []


@pytest.mark.parametrize("name", ["q.log", "q.log.gz"])
def test_a_quarantined_line_holding_the_id_is_mentioned(name: str) -> None:
    """qa4 #7: grep finds the id in a damaged line; search says where, and why that line is not a record."""
    good = row(CID, {"X-Correlation-Id": "c-0"})
    damaged = row(CID, {"X-Correlation-Id": "cNUL", "cs-uri-stem": "/nul\0here"})
    said: list[str] = []
    got = list(
        search(write(name, render([Block(CID, [good, damaged])])), Query(correlation_id="cNUL"), warn=said.append)
    )
    assert got == [] and len(said) == 1
    assert said[0].startswith("1 quarantined line mentions cNUL:") and f"{name}:6 (NUL bytes in the line)" in said[0]


def test_win32_narrows_the_status() -> None:
    sources = records({"sc-status": "401", "sc-substatus": "2", "sc-win32-status": "5"}, {"sc-status": "401"})
    assert len(found(sources, Query(status=401, substatus=2, win32=5))) == 1
    assert len(found(sources, Query(status=401, substatus=2, win32=6))) == 0


def test_an_id_behind_bare_cr_line_ends_is_mentioned_not_silently_absent() -> None:
    said: list[str] = []
    sources = [source(FIXTURES / "cr_only.log")]
    assert list(search(sources, Query(correlation_id="c2"), warn=said.append)) == []
    assert len(said) == 1 and "cr_only.log:1 (bare CR line ends" in said[0]
