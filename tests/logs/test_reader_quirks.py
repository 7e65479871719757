"""The reader on hand-written fixtures, one IIS quirk each: values, decoded values, buckets, line numbers, offsets."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from console.engine.logs import reader
from console.engine.logs.model import LogKind, LogRecord, Quarantined, Tally
from console.engine.logs.reader import read, split_values
from console.engine.logs.sources import LogSource, expand

FIXTURES = Path(__file__).parent / "fixtures"


def line_starts(data: bytes) -> list[int]:
    """Byte offset of every physical line (an independent count: after each LF)."""
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    return starts if not data.endswith(b"\n") else starts[:-1]


def read_all(name: str) -> tuple[list[LogRecord | Quarantined], Tally]:
    tally = Tally()
    items = list(read(expand([str(FIXTURES / name)])[0], tally))
    return items, tally


@pytest.fixture(params=[True, False], ids=["fast", "line-by-line"])
def both_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs through both the decode-once path and the line-by-line path."""
    monkeypatch.setattr(reader, "FAST", request.param)
    monkeypatch.setattr(reader, "CHUNK", 64)  # many chunks even in a small file: carries across chunk ends


pytestmark = pytest.mark.usefixtures("both_paths")


def test_iis10_file_every_line_in_one_bucket_with_offsets() -> None:
    items, tally = read_all("u_ex260517.log")
    assert tally.as_dict() == {"lines": 18, "records": 6, "directives": 9, "blank": 1, "quarantined": 2}
    assert tally.balanced() and tally.truncated_last_line
    starts = line_starts((FIXTURES / "u_ex260517.log").read_bytes())
    assert len(starts) == 18
    assert [(i.line, i.offset) for i in items] == [(n, starts[n - 1]) for n in (5, 6, 7, 14, 15, 16, 17, 18)]
    assert items[0].offset == 298  # after four CRLF-ended directive lines


def test_custom_fields_ipv6_zone_and_64_bit_win32() -> None:
    items, _ = read_all("u_ex260517.log")
    first, second, third = (i for i in items[:3] if isinstance(i, LogRecord))
    assert first.get("X-Correlation-Id") == "c-0001"
    assert first.get("cs(X-Forwarded-For)") == "198.51.100.7"
    assert third.raw_value("cs(x-forwarded-for)") == "198.51.100.7,+10.0.0.9"
    assert third.get("cs(X-Forwarded-For)") == "198.51.100.7, 10.0.0.9"
    assert first.get("c-ip") == "fe80::1%4"
    assert (first.number("sc-status"), first.number("sc-substatus"), first.number("sc-win32-status")) == (401, 2, 5)
    assert second.number("sc-win32-status") == 2148074254
    big = items[4]
    assert isinstance(big, LogRecord) and big.number("sc-win32-status") == 18446744073709551615
    assert big.get("c-ip") == "2001:db8::5"


def test_dash_empty_plus_space_raw_kept() -> None:
    items, _ = read_all("u_ex260517.log")
    first, third = items[0], items[2]
    assert isinstance(first, LogRecord) and isinstance(third, LogRecord)
    assert first.raw_value("cs-username") == "-" and first.get("cs-username") == ""
    assert third.get("cs-username") == "CONTOSO\\alice"
    assert first.raw_value("cs(User-Agent)") == "Mozilla/5.0+(Windows+NT+10.0)"
    assert first.get("cs(User-Agent)") == "Mozilla/5.0 (Windows NT 10.0)"
    assert first.get("cs-uri-query") == "q=a+b"  # + is the URL's own in a query
    assert third.get("cs(Referer)") == "https://app.example/"


def test_mid_file_fields_change_starts_a_new_schema() -> None:
    items, _ = read_all("u_ex260517.log")
    before, after = items[0], items[3]
    assert isinstance(before, LogRecord) and isinstance(after, LogRecord)
    assert len(before.schema.fields) == 17 and len(after.schema.fields) == 10
    assert before.schema.date == "2026-05-17 10:00:00" and after.schema.date == "2026-05-17 11:00:00"
    assert after.get("cs-method") == "GET" and after.get("s-ip") is None
    assert after.schema.kind is LogKind.W3C and after.schema.software == "Microsoft Internet Information Services 10.0"


def test_run_of_spaces_is_one_separator() -> None:
    items, _ = read_all("u_ex260517.log")
    double = items[3]  # "::1%0  - GET": a double space before cs-username
    assert isinstance(double, LogRecord) and double.line == 14
    assert double.get("c-ip") == "::1%0" and double.raw_value("cs-username") == "-"
    assert double.get("X-Correlation-Id") == "c-0002"


def test_wrong_count_nul_and_truncated_last_line() -> None:
    items, _ = read_all("u_ex260517.log")
    short, nul, last = items[5], items[6], items[7]
    assert isinstance(short, Quarantined) and short.line == 16
    assert short.reason == "9 values but #Fields names 10"
    assert short.text == "2026-05-17 11:00:07 2001:db8::5 - GET /short 200 0 c-0004"
    assert isinstance(nul, Quarantined) and nul.line == 17 and nul.reason == "NUL bytes in the line"
    assert isinstance(last, LogRecord) and last.line == 18 and last.get("X-Correlation-Id") == "c-0006"


def test_truncated_last_line_that_does_not_fit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "u_ex1.log"
    path.write_bytes(
        b"#Fields: date time cs-uri-stem sc-status\r\n2026-05-17 10:00:00 /a 200\r\n2026-05-17 10:00:01 /b"
    )
    tally = Tally()
    items = list(read(expand([str(path)])[0], tally))
    assert isinstance(items[-1], Quarantined) and items[-1].line == 3
    assert items[-1].reason.startswith("3 values but #Fields names 4 (the last line has no line end")
    assert tally.truncated_last_line and tally.lines == 3 and tally.balanced()


def test_no_date_field_takes_the_day_from_date_directive() -> None:
    items, tally = read_all("ex260516_nodate.log")
    assert tally.as_dict() == {"lines": 8, "records": 3, "directives": 5, "blank": 0, "quarantined": 0}
    a, a2, b = items
    assert isinstance(a, LogRecord) and isinstance(a2, LogRecord) and isinstance(b, LogRecord)
    assert a.logged_at() == datetime.datetime(2026, 5, 16, 23, 59, 58, tzinfo=datetime.UTC)
    assert a2.get("sc-status") == "304"  # a trailing space after the last value
    assert b.line == 8 and b.logged_at() == datetime.datetime(2026, 5, 17, 0, 0, 1, tzinfo=datetime.UTC)
    assert a.schema.fields[-1] == "sc-status"  # "#Fields: ... sc-status " (IIS 6 writes a trailing space)


def test_advanced_logging_quoted_values() -> None:
    items, tally = read_all("advanced.log")
    assert tally.as_dict() == {"lines": 9, "records": 3, "directives": 5, "blank": 0, "quarantined": 1}
    x, q, r, bad = items
    assert isinstance(x, LogRecord) and x.schema.kind is LogKind.ADVANCED
    assert x.schema.date == "2026-05-17 09:00:00.125"
    assert x.raw_value("s-contentpath") == '"C:\\inetpub\\wwwroot\\x y.htm"'
    assert x.get("s-contentpath") == "C:\\inetpub\\wwwroot\\x y.htm"
    assert x.get("cs(User-Agent)") == "Mozilla/5.0 (X11; Linux)"
    assert x.get("X-Correlation-Id") == "c-0100"
    assert x.logged_at() == datetime.datetime(2026, 5, 17, 9, 0, 1, 500000, tzinfo=datetime.UTC)
    assert isinstance(q, LogRecord) and q.get("s-contentpath") == 'C:\\inetpub\\say "hi".htm'
    assert isinstance(r, LogRecord) and r.get("s-contentpath") == "C:\\inetpub\\r.htm" and r.get("sc-status") == "200"
    assert isinstance(bad, Quarantined) and bad.line == 9 and bad.reason == "8 values but #Fields names 7"


def test_httperr_fields_and_reasons() -> None:
    items, tally = read_all("httperr1.log")
    assert tally.as_dict() == {"lines": 7, "records": 3, "directives": 4, "blank": 0, "quarantined": 0}
    length, idle, offline = items
    assert isinstance(length, LogRecord) and length.schema.kind is LogKind.HTTPERR
    assert length.get("s-reason") == "FieldLength" and length.number("sc-status") == 400
    assert length.get("cs-uri") == "/api/orders?q=a+b"  # the query's + kept
    assert isinstance(idle, LogRecord) and idle.get("s-reason") == "Timer_ConnectionIdle"
    assert idle.get("c-ip") == "fe80::2%11" and idle.number("sc-status") is None
    assert isinstance(offline, LogRecord) and offline.get("s-queuename") == "DefaultAppPool"


def test_non_utf8_bytes_shown_with_replacement_characters() -> None:
    items, tally = read_all("legacy_ansi.log")
    (record,) = items
    assert isinstance(record, LogRecord) and tally.balanced()
    assert record.get("cs-uri-stem") == "/caf\ufffd.htm"
    assert record.get("cs-username") == "CONTOSO\\j\ufffdr\ufffdme"


def test_data_before_fields_and_empty_fields() -> None:
    items, tally = read_all("before_fields.log")
    assert tally.as_dict() == {"lines": 6, "records": 1, "directives": 2, "blank": 1, "quarantined": 2}
    early, ok, lost = items
    assert isinstance(early, Quarantined) and (early.line, early.offset) == (1, 0)
    assert early.reason == "data before any #Fields directive"
    assert isinstance(ok, LogRecord) and ok.line == 3 and ok.get("cs-uri-stem") == "/ok"
    assert isinstance(lost, Quarantined) and lost.reason == "the #Fields directive on line 4 names no fields"


def test_utf8_bom_before_the_first_directive() -> None:
    items, tally = read_all("bom.log")
    assert tally.as_dict() == {"lines": 3, "records": 1, "directives": 2, "blank": 0, "quarantined": 0}
    (record,) = items
    assert isinstance(record, LogRecord) and record.schema.software == "Microsoft Internet Information Services 10.0"
    assert record.offset == 102


def test_lone_cr_is_not_a_line_end_and_crcrlf_is_one() -> None:
    items, tally = read_all("lone_cr.log")
    assert tally.lines == 3 and tally.balanced()
    joined, last = items
    assert isinstance(joined, Quarantined) and joined.line == 2
    assert joined.reason == BARE_CR.format(n=1, s="")
    assert isinstance(last, LogRecord) and last.line == 3 and last.get("cs-uri-stem") == "/c"


BARE_CR = "bare CR line ends (old Mac or a rewritten file): {n} line{s} hidden in this one; convert with tr '\\r' '\\n'"


def test_a_file_with_cr_only_line_ends_is_one_quarantined_line_not_a_directive() -> None:
    """qa4 #1: the whole file read as one #Version directive and its records vanished without a word."""
    items, tally = read_all("cr_only.log")
    assert tally.as_dict() == {"lines": 1, "records": 0, "directives": 0, "blank": 0, "quarantined": 1}
    (line,) = items
    assert isinstance(line, Quarantined) and line.reason.startswith(BARE_CR.format(n=4, s="s"))


def test_a_stray_cr_inside_a_record_quarantines_it() -> None:
    items, tally = read_all("stray_cr.log")
    assert (tally.records, tally.quarantined) == (2, 1)
    assert [i.line for i in items if isinstance(i, Quarantined)] == [3]


def test_progress_reports_bytes_up_to_the_size() -> None:
    source = expand([str(FIXTURES / "u_ex260517.log")])[0]
    seen: list[int] = []
    list(read(source, progress=seen.append))
    assert seen and seen == sorted(seen) and seen[-1] == source.size()


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ('a "b c" d', ("a", '"b c"', "d")),
        ('"x ""y"" z" -', ('"x ""y"" z"', "-")),
        ("a  b ", ("a", "b")),
        ('k="v" "open', ('k="v"', '"open')),
        ('"" -', ('""', "-")),
    ],
)
def test_split_values(line: str, tokens: tuple[str, ...]) -> None:
    assert split_values(line) == tokens


def test_resume_at_offset_with_the_schema_in_force() -> None:
    path = FIXTURES / "u_ex260517.log"
    source = expand([str(path)])[0]
    full = list(read(source))
    at = full[3]  # line 14, under the second #Fields
    tally = Tally()
    rest = list(read(source, tally, start=at.offset))
    assert rest == full[3:]
    assert isinstance(rest[0], LogRecord) and len(rest[0].schema.fields) == 10
    assert rest[0].schema.date == "2026-05-17 11:00:00"
    assert tally.lines == 5 and tally.balanced()
    first = list(read(source, start=full[1].offset))
    assert first == full[1:] and isinstance(first[0], LogRecord) and len(first[0].schema.fields) == 17


def test_resume_past_the_end_and_in_a_bom_file() -> None:
    path = FIXTURES / "bom.log"
    source = LogSource(path, None, "bom.log", False)
    assert list(read(source, start=path.stat().st_size + 10)) == []
    (record,) = list(read(source, start=102))
    assert isinstance(record, LogRecord) and record.line == 3 and record.schema.fields[0] == "date"


def test_a_tab_separated_line_says_tabs_not_spaces(tmp_path: Path) -> None:
    """qa4 #27: "1 value but #Fields names 4" did not say why."""
    path = tmp_path / "tabs.log"
    path.write_bytes(b"#Fields: date time cs-uri-stem sc-status\n2026-05-17\t10:00:00\t/a\t200\n")
    (line,) = [i for s in expand([str(path)]) for i in read(s)]
    assert isinstance(line, Quarantined) and line.reason.startswith("1 value but #Fields names 4 (tabs, not spaces")
