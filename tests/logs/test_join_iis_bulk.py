"""The IIS side of a join read in bulk (join_iisscan runs, join_iis column work) gives exactly what reading every line
by the reader's rules gives (join_iisscan.BULK off): same IisSide lists, quarantined lines, tallies and warnings."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.logs import join_iisscan
from console.engine.logs.join_iis import read_iis
from console.engine.logs.join_report import IisSide, JoinReport
from console.engine.logs.join_workers import Scanner
from console.engine.logs.sources import expand

USERS = ["-", "alice", "CONTOSO\\bob", "a+b", '"q+u"', '"x"', '""', '"', 'ab"', "caf\xe9"]
VALUES: dict[str, list[str]] = {
    "date": ["2026-05-17", "2026-05-18", "-"],
    "time": ["10:00:00", "23:59:59", "-"],
    "s-ip": ["10.0.0.1"],
    "cs-method": ["GET", "POST", "-"],
    "cs-uri-stem": ["/orders", "/a+b", "-"],
    "cs-uri": ["/orders?x=1"],
    "cs-uri-query": ["-", "page=1"],
    "cs-username": USERS,
    "X-User-Sub": USERS,
    "cs(X-User)": USERS,
    "cs(User-Agent)": ["AmazonAPIGateway_abc123", "AmazonAPIGateway_", "AmazonAPIGateway_x-y", "Mozilla/5.0+(X)", "-"],
    "sc-status": ["200", "401", "2x0", "4011", "-"],
    "sc-substatus": ["0", "2"],
    "sc-win32-status": ["0", "5", "2148074254"],
    "time-taken": ["0", "15", "300", "-", "99999999999999", "1x", "\u0663"],
    "X-Correlation-Id": ["-", "k1", "k2", '"k3"', '""', '"', 'k"4', "a+b", "k\xe9"],
    "s-reason": ["Timer_ConnectionIdle", "-"],
}
FULL = [
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "cs-username",
    "cs(User-Agent)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
    "X-Correlation-Id",
]
MUTATIONS = ["extra", "short", "double", "hole", "lead", "tail", "trail", "merge", "tab", "space", "cr", "nul"]
MUTATIONS += ["badbyte", "vt"]
DIRECTIVES = [
    "#Date: 2026-05-17 00:00:00",
    "#Version: 1.0",
    "#Software: Microsoft Internet Information Services 10.0",
    "#Software: Microsoft HTTP API 2.0",  # HTTPERR
    "#Software: Microsoft Internet Information Services Advanced Logging",
]


def _fields() -> st.SearchStrategy[list[str]]:
    shuffled = st.permutations(FULL).map(list)
    without = st.lists(st.sampled_from(FULL), unique=True).map(lambda gone: [f for f in FULL if f not in gone])
    any_fields = st.lists(st.sampled_from(sorted(VALUES)), unique=True, min_size=1, max_size=12)
    return st.one_of(st.just(FULL), shuffled, without, any_fields)


def _line_of(values: list[str], how: str) -> bytes:
    """A record's line, or one broken as ``how`` says (some breaks keep the field count: a value emptied, two lines
    run together short of one field)."""
    at = len(values) // 2
    if how in ("hole", "lead", "tail") and len(values) > 1:
        values = values.copy()
        values[{"hole": at, "lead": 0, "tail": -1}[how]] = ""
    line = " ".join(values).encode("utf-8", "surrogateescape")
    changes = {
        "extra": line + b" x",
        "short": line.rpartition(b" ")[0],
        "double": line.replace(b" ", b"  ", 1),
        "merge": line + b" " + line.partition(b" ")[2],  # its line end lost; with a line of one token, adds up
        "tab": b"\t" + line,
        "space": b" " + line,
        "trail": line + b" ",
        "cr": line.replace(b" ", b"\r ", 1),
        "nul": line + b"\0",
        "badbyte": line.replace(b" ", b"\xff ", 1),
        "vt": b"\x0b" + line,
    }
    return changes.get(how, line)


@st.composite
def w3c_files(draw: st.DrawFn) -> bytes:
    """A W3C file of schema blocks with every quirk: odd values, broken lines, directives, mixed line ends."""
    crlf = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    lines: list[bytes] = []
    for _ in range(draw(st.integers(1, 4))):
        lines += [d.encode() for d in draw(st.lists(st.sampled_from(DIRECTIVES), max_size=2))]
        fields = draw(_fields())
        lines.append(("#Fields: " + " ".join(fields)).encode())
        usual = [draw(st.sampled_from(VALUES[f])) for f in fields]  # most lines alike, as in a real log
        odds = draw(st.sampled_from([0, 3, 30]))  # of a broken line: none, many, a few
        for _ in range(draw(st.integers(0, 40))):
            if draw(st.integers(0, 30)) == 0:
                blanks = b" ".join([draw(st.sampled_from([b"\t", b"\x0b", b"\x0c"]))] * len(fields))  # fields, blank
                odd = [b"", b"   ", b"x", b"\r", b"#Fields: time X-Correlation-Id", blanks]
                lines.append(draw(st.sampled_from(odd)))
                continue
            values = [
                v if draw(st.integers(0, 7)) else draw(st.sampled_from(VALUES[f]))
                for f, v in zip(fields, usual, strict=True)
            ]
            broken = odds and draw(st.integers(0, odds)) == 0
            lines.append(_line_of(values, draw(st.sampled_from(MUTATIONS)) if broken else ""))
    ends = [(draw(st.sampled_from([b"\n", b"\r\n"])) if crlf == "mixed" else crlf.encode()) for _ in lines]
    body = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    if draw(st.booleans()):  # a last line still being written
        body = body[: -len(ends[-1])]
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + body


Result = tuple[object, ...]


def read_both(path: Path, user_field: str | None = None) -> Iterator[Result]:
    """read_iis in bulk, then line by line: its three lists, the quarantined lines, tallies and warning fields."""
    for bulk in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(join_iisscan, "BULK", bulk)
            report = JoinReport()
            sides, httperr, blind = read_iis(
                expand([str(path)]), "X-Correlation-Id", user_field, report, Scanner([], None, ()), None
            )
            assert all(type(s) is IisSide for s in [*sides, *httperr, *blind])
            yield sides, httperr, blind, report.quarantined, report.iis_tallies, report.not_joinable_fields


@settings(max_examples=400, deadline=None)
@given(
    w3c_files(),
    st.sampled_from([1, 60, 500, 1 << 16]),
    st.sampled_from([64, 1000, 1 << 20]),
    st.sampled_from([None, "X-User-Sub", "cs(X-User)"]),
)
def test_bulk_read_is_the_line_by_line_read(body: bytes, run: int, chunk: int, user_field: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(join_iisscan, "RUN", run)  # runs cut anywhere
        patch.setattr(join_iisscan, "CHUNK", chunk)  # and lines straddling chunks
        path = Path(folder) / "u_ex1.log"
        path.write_bytes(body)
        bulk, careful = read_both(path, user_field)
        assert bulk == careful


def _line(key: str = "k1", user: str = "alice", agent: str = "AmazonAPIGateway_abc123", taken: str = "15") -> str:
    return f"2026-05-17 10:00:00 10.0.0.1 GET /orders page=1 {user} {agent} 401 2 5 {taken} {key}"


_HEAD = "#Fields: " + " ".join(FULL)
_AFTER = "#Version: 1.0\n" + _line(key="k8") + "\n"
"""A run of its own after a broken one (which, in one piece, is read line by line)."""
_SHORT = "#Fields: date time X-Correlation-Id\n2026-05-17 10:00:00 k9"
_CR = _line().replace("GET", "G\rET")
_NO_DATE = "#Date: 2026-05-17 00:00:00\n#Fields: time cs-method cs-uri-stem sc-status sc-substatus sc-win32-status X-Id"


@pytest.mark.parametrize(
    "text",
    [
        _HEAD + "\r\n" + "".join(_line(key=k) + "\r\n" for k in ["k1", "-", "k2", "-", "-", "k3"]),  # few `-` keys
        _HEAD + "\n" + "".join(_line(key="-") + "\n" for _ in range(40)) + _line() + "\n",  # mostly `-` keys
        _HEAD + "\n" + "".join(_line(key=k) + "\n" for k in ['"abc"', "k1", '""', '"', 'a"', '"b']),  # quoted keys
        _HEAD + "\n" + "".join(_line(user=u) + "\n" for u in ["a+b", "-", '"c+d"', "e", '"', 'f"g', "-"]),  # users
        _HEAD + "\n" + "".join(_line(user=u) + "\n" for u in ["-"] * 30 + ["x"] * 3),  # mostly no user
        _HEAD.replace("cs-username", "cs-username X-User-Sub")
        + "\n"
        + "".join(_line(user=f"{u} {s}") + "\n" for u, s in [("-", "sub+1"), ("bob", "-"), ("-", "-"), ("-", '"q"')]),
        _NO_DATE.replace("X-Id", "X-Correlation-Id") + "\r\n" + "10:00:00 GET /a 200 0 0 k1\r\n" * 3,  # no date field
        _HEAD.replace(" cs(User-Agent)", "").replace(" time-taken", "")
        + "\n"
        + "2026-05-17 10:00:00 10.0.0.1 GET /orders page=1 alice 401 2 5 k1\n" * 3,  # no agent, no time-taken
        "#Software: Microsoft HTTP API 2.0\n#Fields: date time cs-uri sc-status s-reason X-Correlation-Id\n"
        + "2026-05-17 10:00:00 /a 503 Timer_ConnectionIdle k1\n" * 3
        + "#Software: Microsoft Internet Information Services 10.0\n"
        + _HEAD
        + "\n"
        + _line()
        + "\n",  # HTTPERR (read line by line), then IIS
        _HEAD + "\r\n" + _line() + "\r\n" + _line(key="k\udcff") + "\r\n" + _line(),  # a bad byte, a truncated line
        _HEAD + "\n" + _line() + "\r\n" + _line(key="k2") + "\n" + _line(key="k3") + "\r\n",  # mixed line ends
        f"{_HEAD}\n{_line()}\n{_SHORT}\n{_HEAD}\n{_line()}\n",  # the schema changes mid-file
        _HEAD + "\n" + _line(agent="Mozilla/5.0+(X)", taken="99999999999999") + "\n" + _line(taken="\u0663") + "\n",
        _HEAD + "\n" + "".join(_line(key="-" if n in (0, 9) else f"k{n}") + "\n" for n in range(20)),  # `-` first
        _HEAD + "\n" + " ".join(["\t"] * len(FULL)) + "\n" + _AFTER,  # a blank line, with all its fields
        f"{_HEAD}\n{_line()} {_line().partition(' ')[2]}\nx\n{_line()}\n{_AFTER}",  # two lines as one, a token
        f"{_HEAD}\n{_line()}\n{_line().replace(' GET ', '  ').replace('alice', 'alice x')}\n{_AFTER}",  # a hole
        f"{_HEAD}\r\n{_line()}\r\n{_CR}\r\n{_line()}\r\n{_AFTER}",  # a CR in a value
    ],
)
def test_bulk_read_of_each_quirk_is_the_line_by_line_read(tmp_path: Path, text: str) -> None:
    path = tmp_path / "u_ex1.log"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    taken: list[int] = []  # the quirk must go through the bulk path, else the comparison proves nothing
    columns = join_iisscan.columns

    def spy(*args: object) -> object:
        out = columns(*args)  # type: ignore[arg-type]
        taken.append(out is not None)
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(join_iisscan, "columns", spy)
        bulk, careful = read_both(path)
    assert any(taken)
    assert bulk == careful
    assert bulk[0] or bulk[1]
