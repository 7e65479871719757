"""`baton logs stats`: the bulk counter gives exactly what reading every record one by one gives."""

from __future__ import annotations

import gzip
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import DEFAULT_FIELDS, HTTPERR_FIELDS, HTTPERR_SOFTWARE, Block, render, row

from console.engine.logs import fastscan, reader
from console.engine.logs.model import LogInputError, LogRecord, Tally
from console.engine.logs.reader import read
from console.engine.logs.sources import LogSource
from console.engine.logs.stats import KEEP_QUARANTINED, stats

FIXTURES = Path(__file__).parent / "fixtures"
_DIR = tempfile.TemporaryDirectory(prefix="baton-stats-")
CID_FIELDS = (*DEFAULT_FIELDS, "X-Correlation-Id")


def oracle(sources: list[LogSource]) -> dict[str, object]:
    """The same document computed the slow, obvious way: every record from the reader, through LogRecord's API."""
    total = Tally("total")
    by_status: Counter[str] = Counter()
    paths: Counter[str] = Counter()
    users: Counter[str] = Counter()
    hours: Counter[str] = Counter()
    kept: list[dict[str, object]] = []
    files = []
    for source in sources:
        tally = Tally(source.label)
        for item in read(source, tally):
            if not isinstance(item, LogRecord):
                if len(kept) < KEEP_QUARANTINED:
                    kept.append(
                        {
                            "source": item.source,
                            "line": item.line,
                            "offset": item.offset,
                            "reason": item.reason,
                            "text": item.text,
                        }
                    )
                continue
            codes = [item.get(n) for n in ("sc-status", "sc-substatus", "sc-win32-status")]
            while codes and codes[-1] is None:  # a part the schema does not log is left out at the end…
                codes.pop()
            if codes and codes[0] is not None:  # …and written "-" in the middle, like an empty one
                by_status[".".join(c or "-" for c in codes)] += 1
            moment = item.logged_at()
            hours["unknown time" if moment is None else moment.strftime("%Y-%m-%dT%H")] += 1
            if item.number("sc-status") in (401, 403):
                stem = item.get("cs-uri-stem")
                if stem is None and item.get("cs-uri") is not None:
                    stem = (item.get("cs-uri") or "").partition("?")[0]
                if stem is not None:
                    paths[stem] += 1
                if item.get("cs-username") is not None:
                    users[item.get("cs-username") or ""] += 1
        files.append({"source": tally.source, **tally.as_dict(), "truncated_last_line": tally.truncated_last_line})
        total.add(tally)
    return {
        **total.as_dict(),
        "truncated_last_line": total.truncated_last_line,
        "by_status": dict(by_status.most_common()),
        "top_401_403_paths": dict(paths.most_common()),
        "top_401_403_users": dict(users.most_common()),
        "per_hour": dict(sorted(hours.items())),
        "quarantined_lines": kept,
        "files": files,
    }


def write(name: str, data: bytes) -> Path:
    path = Path(_DIR.name) / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def same(path: Path) -> dict[str, object]:
    # Built directly, not by expand(): the arbitrary-bytes property also feeds data expand() refuses as binary.
    sources = [LogSource(path, None, path.name, path.suffix == ".gz")]
    got = stats(sources).as_dict()
    assert got == oracle(sources)
    return got


def traffic(n: int, fields: tuple[str, ...] = CID_FIELDS, hour: int = 10) -> list[tuple[str, ...]]:
    statuses = [("200", "0", "0"), ("401", "2", "5"), ("403", "4", "5"), ("401", "1", "2148074254"), ("404", "0", "2")]
    users = ["-", "CONTOSO\\alice", "bob@contoso.com", "-"]
    rows = []
    for i in range(n):
        st_, sub, win = statuses[i % len(statuses)]
        values = {
            "time": f"{hour + i % 3:02d}:{i % 60:02d}:07",
            "cs-uri-stem": f"/api/{i % 4}",
            "sc-status": st_,
            "sc-substatus": sub,
            "sc-win32-status": win,
            "cs-username": users[i % len(users)],
            "X-Correlation-Id": f"id-{i}",
            "cs(Referer)": f"https://x/?r=id-{i}",
        }
        rows.append(row(fields, values))
    return rows


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_counts_as_the_reader_reads_it(name: str) -> None:
    same(FIXTURES / name)


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
@pytest.mark.parametrize("final", [True, False])
def test_a_mid_file_schema_change_moves_the_status_column_and_is_followed(line_end: str, final: bool) -> None:
    moved = ("sc-status", "date", "time", "cs-username", "sc-win32-status", "cs-uri-stem", "sc-substatus")
    blocks = [Block(CID_FIELDS, traffic(400)), Block(moved, traffic(300, moved, hour=14), date="2026-05-18 00:00:00")]
    got = same(write("moved.log", render(blocks, line_end, final)))
    assert got["lines"] == 700 + 8 and got["records"] == 700
    assert got["truncated_last_line"] is (not final)
    assert sum(got["per_hour"].values()) == 700  # type: ignore[attr-defined]


def test_counts_by_status_refusals_and_hour() -> None:
    got = same(write("counts.log", render([Block(CID_FIELDS, traffic(10))])))
    assert got["by_status"] == {"200.0.0": 2, "401.2.5": 2, "403.4.5": 2, "401.1.2148074254": 2, "404.0.2": 2}
    assert got["top_401_403_users"] == {"": 3, "bob@contoso.com": 2, "CONTOSO\\alice": 1}
    assert got["top_401_403_paths"] == {"/api/1": 1, "/api/2": 2, "/api/3": 2, "/api/0": 1}
    assert got["per_hour"] == {"2026-05-17T10": 4, "2026-05-17T11": 3, "2026-05-17T12": 3}


def test_httperr_status_has_no_substatus_and_paths_come_from_cs_uri() -> None:
    rows = [row(HTTPERR_FIELDS, {"sc-status": "401", "cs-uri": "/a?x=1"}), row(HTTPERR_FIELDS, {"sc-status": "400"})]
    got = same(write("httperr.log", render([Block(HTTPERR_FIELDS, rows * 50, software=HTTPERR_SOFTWARE)])))
    assert got["by_status"] == {"401": 50, "400": 50}
    assert got["top_401_403_paths"] == {"/a": 50}


def test_a_missing_substatus_field_is_written_dash_not_read_as_the_win32_value() -> None:
    fields = ("date", "time", "cs-uri-stem", "cs-username", "sc-status", "sc-win32-status")
    rows = [row(fields, {"sc-status": "401", "sc-win32-status": "2148074254"})] * 30
    rows += [row(fields, {"sc-status": "200", "sc-win32-status": "0"})] * 20
    got = same(write("nosub.log", render([Block(fields, rows)])))
    # "401.2148074254" would read as substatus 2148074254; search output and join write the gap as "-"
    assert got["by_status"] == {"401.-.2148074254": 30, "200.-.0": 20}


def test_gz_and_odd_lines_among_good_ones_are_counted_exactly() -> None:
    good = render([Block(CID_FIELDS, traffic(300))])
    odd = b"\r\n   \r\n" + b"only three values\r\n" + b"a\0b\r\n" + b"\t \t \t\r\n" + b"x " * 16 + b"\r\n"
    data = good + odd + good.split(b"\r\n", 4)[4]  # the rows again, without their header block
    for name in ("odd.log", "odd.log.gz"):
        got = same(write(name, data))
        # a trailing space is a run of spaces (the reader's rule): "x x … x " is a record of 16 values
        assert (got["blank"], got["quarantined"], got["records"]) == (3, 2, 300 + 1 + 300)


def test_only_the_first_quarantined_lines_are_kept_but_all_are_counted() -> None:
    data = render([Block(CID_FIELDS, traffic(5))]) + b"bad line\r\n" * (KEEP_QUARANTINED + 50)
    got = same(write("many_bad.log", data))
    assert got["quarantined"] == KEEP_QUARANTINED + 50
    assert len(got["quarantined_lines"]) == KEEP_QUARANTINED  # type: ignore[arg-type]


def test_a_clean_log_is_counted_in_bulk_not_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the speed path: a clean log must not silently fall back to the per-line rules."""
    lines_read_one_by_one: list[int] = []
    original = fastscan.Scanner.one

    def one(self: fastscan.Scanner, raw: bytes, final: bool, overlong: int = 0) -> None:
        lines_read_one_by_one.append(1)
        original(self, raw, final, overlong)

    monkeypatch.setattr(fastscan.Scanner, "one", one)
    got = same(write("clean.log", render([Block(CID_FIELDS, traffic(3000))])))
    assert got["records"] == 3000
    assert len(lines_read_one_by_one) == 4  # the four directives


LINE = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"#Fields: date time sc-status cs-username",
            b"#Fields: sc-status",
            b"#Date: 2026-05-17 09:00:00",
            b"#Software: Microsoft HTTP API 2.0",
            b"#Fields:",
            b"",
            b" ",
            b"\r",
            b"\xef\xbb\xbf#Version: 1.0",
        ]
    ),
    st.lists(
        st.sampled_from(
            [b"2026-05-17", b"10:00:00", b"401", b"403", b"-", b"a+b", b'"q"', b"\xff", b"25:00:00", b"\t", b"x\ry"]
        ),
        min_size=1,
        max_size=5,
    ).map(b" ".join),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=40), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_arbitrary_bytes_give_the_readers_tally_and_counts(lines: list[bytes], end: bytes, final: bool) -> None:
    data = end.join(lines) + (end if final and lines else b"")
    same(write("prop.log", data))


TOKEN = st.sampled_from(
    [
        "2026-05-17",
        "2026-02-30",
        "10:00:00",
        "23:59:59",
        "24:00:00",
        "10:00:00.5",
        "401",
        "403",
        "0401",
        "200",
        "-",
        "a+b",
        '"401"',
        "\ufffd",
        "x\ry",
        "\t",
        "CONTOSO\\Bob",
        "",
    ]
)
SCHEMA = ("date", "time", "sc-status", "cs-username", "cs-uri-stem")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(TOKEN, min_size=4, max_size=6).map(" ".join), min_size=1, max_size=60),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_runs_of_near_valid_rows_give_the_readers_counts(rows: list[str], end: str, final: bool) -> None:
    """Rows that mostly fit the schema, so whole runs go through the bulk path and odd rows must make it fall back."""
    text = end.join(["#Date: 2026-05-16 00:00:00", "#Fields: " + " ".join(SCHEMA), *rows])
    same(write("near.log", (text + (end if final else "")).encode("utf-8")))


def test_a_line_of_tabs_with_the_right_number_of_spaces_is_blank_not_a_record() -> None:
    rows = ["x 401 bob /a y"] * 20 + ["\t \t \t \t \t"] + ["x 200 - /b y"] * 20
    fields = "#Fields: s-ip sc-status cs-username cs-uri-stem x-other"
    got = same(write("tabs.log", "\r\n".join([fields, *rows, ""]).encode()))
    assert (got["records"], got["blank"]) == (40, 1)


def _shrinking(name: str) -> tuple[list[LogSource], Callable[[int], None]]:
    """A log of a few MB and a progress callback that truncates it after the first chunk (copytruncate)."""
    path = Path(_DIR.name) / name
    path.write_bytes(render([Block(CID_FIELDS, traffic(20000))]))
    assert path.stat().st_size > 2 * reader.CHUNK

    def truncate(_done: int) -> None:
        if path.stat().st_size > 1000:
            os.truncate(path, 1000)

    return [LogSource(path, None, name, False)], truncate


def test_a_file_that_shrinks_while_counted_is_not_reported_complete() -> None:
    """qa4 #8: copytruncate during stats gave counts of neither file, exit 0."""
    sources, truncate = _shrinking("shrink.log")
    with pytest.raises(LogInputError) as caught:
        stats(sources, progress=truncate, split_min=1 << 40)
    assert caught.value.where == "shrink.log" and "shrank while being read" in caught.value.message


def test_a_file_that_shrinks_while_read_raises_at_its_end() -> None:
    sources, truncate = _shrinking("shrink2.log")
    with pytest.raises(LogInputError) as caught:
        list(read(sources[0], progress=truncate))
    assert "shrank while being read" in caught.value.message


def test_records_without_a_time_are_in_an_unknown_time_bucket() -> None:
    """qa4 #27: per_hour must sum to records."""
    fields = ("cs-uri-stem", "sc-status")
    data = render([Block(fields, [row(fields, {"sc-status": "200"})] * 3, date=None)])
    got = same(write("notime.log", data))
    assert got["per_hour"] == {"unknown time": 3} and sum(got["per_hour"].values()) == got["records"]
