"""`baton logs join`: one verdict per request for every category, identities compared sensibly, nothing dropped."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logkit import DEFAULT_FIELDS, HTTPERR_FIELDS, HTTPERR_SOFTWARE, Block, row, write_w3c

from console.engine.logs.gateway_access import CORRELATION_KEYS, GatewayRecord, read_gateway
from console.engine.logs.join import join
from console.engine.logs.join_gateway import scan_range
from console.engine.logs.join_output import CSV_HEADER, csv_row, row_dict
from console.engine.logs.join_report import JoinReport, JoinRow
from console.engine.logs.join_verdict import JoinVerdict, same_caller, same_name
from console.engine.logs.model import Quarantined, Tally
from console.engine.logs.sources import LogSource, expand

FIELDS = (*DEFAULT_FIELDS, "X-Correlation-Id", "X-User-Sub")
V = JoinVerdict


def gw(**values: object) -> str:
    """One access-log line in the sandbox's format; absent values are "-" as API Gateway writes them."""
    base: dict[str, object] = {
        "requestId": "-",
        "extendedRequestId": "-",
        "requestTime": "17/May/2026:10:00:00 +0000",
        "httpMethod": "GET",
        "path": "/prod/orders",
        "status": "200",
        "principalId": "-",
        "sub": "-",
        "integrationStatus": "200",
        "errorResponseType": "-",
    }
    return json.dumps(base | values, separators=(",", ":"))


def iis(key: str = "-", user: str = "-", status: str = "200", sub: str = "0", **more: str) -> tuple[str, ...]:
    values = {
        "X-Correlation-Id": key,
        "X-User-Sub": user,
        "sc-status": status,
        "sc-substatus": sub,
        "cs-uri-stem": "/orders",
    }
    return row(FIELDS, values | more)


def sources(
    tmp_path: Path,
    gateway: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    name: str = "u_ex260517.log",
    fields: Sequence[str] = FIELDS,
) -> tuple[list[LogSource], list[LogSource]]:
    gpath = tmp_path / "access.log"
    gpath.write_text("".join(f"{line}\n" for line in gateway))
    ipath = write_w3c(tmp_path / name, [Block(fields, rows)])
    return expand([str(gpath)]), expand([str(ipath)])


def run(tmp_path: Path, gateway: Sequence[str], rows: Sequence[Sequence[str]], **options: object) -> JoinReport:
    g, i = sources(tmp_path, gateway, rows)
    return join(g, i, **options)  # type: ignore[arg-type]


def by_key(report: JoinReport) -> Mapping[str | None, JoinRow]:
    return {r.key: r for r in report.rows}


def test_each_verdict_category(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        [
            gw(requestId="r-intact", sub="alice"),
            gw(requestId="r-lost", sub="bob"),
            gw(requestId="r-altered", sub="carol"),
            gw(requestId="r-refused", sub="dave"),
            gw(requestId="r-missing", sub="erin", integrationStatus="200"),
            gw(requestId="r-gw-refused", status="401", integrationStatus="-", errorResponseType="UNAUTHORIZED"),
            gw(requestId="r-throttled", status="429", integrationStatus="-"),
            gw(requestId="r-timeout", status="504", integrationStatus="-", errorResponseType="INTEGRATION_TIMEOUT"),
        ],
        [
            iis("r-intact", "alice"),
            iis("r-lost", "-"),
            iis("r-altered", "admin"),
            iis("r-refused", "dave", status="401", sub="2"),
            # Half an hour from any gateway request, a browser's agent: nothing says they came through the gateway.
            iis("r-nobody-sent-this", "mallory", time="10:30:00"),
            iis("-", "mallory", time="10:30:00"),
        ],
    )
    rows = by_key(report)
    assert rows["r-intact"].verdict is V.INTACT and rows["r-intact"].iis_user == "alice"
    assert rows["r-lost"].verdict is V.LOST and rows["r-lost"].gateway_caller == "bob"
    assert rows["r-altered"].verdict is V.ALTERED and rows["r-altered"].iis_user == "admin"
    assert rows["r-refused"].verdict is V.REFUSED_AT_IIS and rows["r-refused"].iis_status == "401.2.0"
    assert rows["r-missing"].verdict is V.MISSING_AT_IIS and rows["r-missing"].iis is None
    assert rows["r-gw-refused"].verdict is V.REFUSED_AT_GATEWAY
    assert rows["r-throttled"].verdict is V.REFUSED_AT_GATEWAY  # 429 and no integration status: the gateway's own
    assert rows["r-timeout"].verdict is V.MISSING_AT_IIS  # the backend was called: IIS should have a line
    assert rows["r-nobody-sent-this"].verdict is V.BYPASSED
    assert rows[None].verdict is V.BYPASSED and "no correlation value" in rows[None].note
    assert report.counts == {
        V.INTACT: 1,
        V.LOST: 1,
        V.ALTERED: 1,
        V.REFUSED_AT_IIS: 1,
        V.MISSING_AT_IIS: 2,
        V.REFUSED_AT_GATEWAY: 2,
        V.BYPASSED: 2,
    }
    assert report.complete and report.warnings() == []


def test_a_caller_at_iis_the_gateway_never_authenticated_is_altered(tmp_path: Path) -> None:
    report = run(tmp_path, [gw(requestId="r-1"), gw(requestId="r-2")], [iis("r-1", "admin"), iis("r-2")])
    rows = by_key(report)
    assert rows["r-1"].verdict is V.ALTERED and "did not authenticate" in rows["r-1"].note
    assert rows["r-2"].verdict is V.INTACT  # an open route stayed open: no caller at either hop


def test_missing_at_iis_says_the_log_may_not_be_flushed_yet(tmp_path: Path) -> None:
    late_line = gw(requestId="late", requestTime="17/May/2026:10:05:00 +0000")
    report = run(tmp_path, [late_line], [iis("x", time="10:00:00")])
    (late,) = [r for r in report.rows if r.key == "late"]
    assert late.verdict is V.MISSING_AT_IIS and "flush" in late.note


@pytest.mark.parametrize(
    ("gateway", "iis_user", "kind"),
    [
        ("alice", "alice", "same"),
        ("alice", "ALICE", "same"),  # Windows accounts and UPNs are case-insensitive
        (r"corp\Alice", r"CORP\alice", "same"),
        (r"\alice", "alice", "same"),  # an empty realm is no realm
        ("alice", r"CORP\alice", "name"),  # a realm on one side only: nobody can say which realm the other meant
        ("alice", "alice@evil.example", "name"),
        ("alice@corp.example.com", "alice", "name"),
        (r"x\y\alice", "alice", "name"),
        (r"CORP\alice", "alice@corp.example.com", "name"),  # the NetBIOS name need not be the first DNS label
        ("alice@contoso.evil.com", r"CONTOSO\alice", "name"),  # a domain merely starting with it: unverified
        (r"CORP\alice", r"OTHER\alice", None),
        ("alice@corp.example.com", "alice@evil.example", None),
        (r"CORP\alice", "alice@other.example", None),
        ("alice", "alicia", None),
        ("alice", r"CORP\bob", None),
    ],
)
def test_identity_comparison(gateway: str, iis_user: str, kind: str | None) -> None:
    same, name = same_caller(gateway, iis_user), same_name(gateway, iis_user)
    assert ("same" if same is not None else "name" if name is not None else None) == kind


@pytest.mark.parametrize(
    ("gateway", "iis_user"),
    [("alice@contoso.evil.com", r"CONTOSO\alice"), ("alice", r"FABRIKAM\alice"), ("alice@contoso.com", "alice")],
)
def test_the_same_name_in_an_unverified_realm_is_never_intact(tmp_path: Path, gateway: str, iis_user: str) -> None:
    report = run(tmp_path, [gw(requestId="r", sub=gateway)], [iis("r", iis_user)])
    (only,) = report.rows
    assert only.verdict is V.NAME_ONLY and only.verdict.words == "same name, realm not verified"
    assert report.counts == {V.NAME_ONLY: 1}


def test_case_notes_only_when_the_case_differs() -> None:
    assert same_caller("Alice", "alice") == "same caller; only the letter case differs"
    assert "letter case" not in (same_caller(r"\alice", "alice") or "letter case")
    assert "letter case" not in (same_caller("alice@", "alice") or "letter case")


def test_iis_serving_a_request_the_gateway_refused_is_a_bypass(tmp_path: Path) -> None:
    refused = gw(requestId="P", sub="pat", status="403", integrationStatus="-", errorResponseType="ACCESS_DENIED")
    report = run(tmp_path, [refused], [iis("P", "pat")])
    (only,) = report.rows
    assert only.verdict is V.BYPASSED and only.gateway is not None
    assert "the gateway answered 403 itself" in only.note and "copied correlation id" in only.note


def test_any_logged_gateway_caller_matching_iis_is_intact(tmp_path: Path) -> None:
    # A Lambda authorizer's principalId and the sub it put in its context can differ; IIS got the sub.
    report = run(tmp_path, [gw(requestId="r", principalId="user|42", sub="alice")], [iis("r", "Alice")])
    (only,) = report.rows
    assert only.verdict is V.INTACT and only.gateway_caller == "alice" and "letter case" in only.note


def test_negotiate_401_then_200_is_one_request_judged_by_its_final_line(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        [gw(requestId="r", sub="alice")],
        [iis("r", "-", status="401", sub="2", **{"sc-win32-status": "5"}), iis("r", "ALICE")],
    )
    (only,) = report.rows
    assert only.verdict is V.INTACT and only.iis is not None and only.iis.duplicates == 1
    assert only.iis.line == 6 and "final of 2 IIS lines" in only.note
    assert report.iis_duplicates == 1 and any("final one" in w for w in report.warnings())


def test_a_repeated_gateway_key_keeps_the_last_record_and_says_so(tmp_path: Path) -> None:
    report = run(tmp_path, [gw(requestId="r", sub="old"), gw(requestId="r", sub="alice")], [iis("r", "alice")])
    only, earlier = report.rows  # the earlier request keeps a row of its own (see the test below)
    assert earlier.gateway is not None and earlier.gateway.line == 1 and earlier.verdict is V.MISSING_AT_IIS
    assert only.verdict is V.INTACT and only.gateway is not None and only.gateway.line == 2
    assert only.gateway.duplicates == 1 and report.gateway_duplicates == 1
    assert any("repeat an earlier key" in w for w in report.warnings())


def test_the_key_order_is_correlation_id_then_request_id_then_extended_id(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        [
            gw(requestId="rid-1", correlationId="corr-1", sub="a"),
            gw(requestId="rid-2", sub="b"),
            gw(requestId="UUID_REPLACED_INVALID_REQUEST_ID", extendedRequestId="Ext+1=", sub="c"),
            gw(sub="nobody-can-join-me"),
        ],
        [iis("corr-1", "a"), iis("rid-2", "b"), iis("Ext+1=", "c")],  # a "+" in an id is not a space
    )
    assert {r.key: r.verdict for r in report.rows} == {"corr-1": V.INTACT, "rid-2": V.INTACT, "Ext+1=": V.INTACT}
    assert report.gateway_unkeyed == 1 and any("no correlation id" in w for w in report.warnings())


def test_named_keys_and_identity_fields(tmp_path: Path) -> None:
    fields = (*DEFAULT_FIELDS, "cs(X-Request-Id)", "cs(X-Remote-Identity)")
    g, i = sources(
        tmp_path,
        [gw(requestId="rid", traceKey="t-1", sub="alice")],
        [row(fields, {"cs(X-Request-Id)": "t-1", "cs(X-Remote-Identity)": "alice", "cs-username": "svc"})],
        fields=fields,
    )
    plain = join(g, i, iis_key="X-Request-Id", gateway_key="traceKey")
    assert [(r.verdict, r.iis_user) for r in plain.rows] == [(V.ALTERED, "svc")]  # cs-username comes first
    named = join(g, i, iis_key="X-Request-Id", gateway_key="traceKey", iis_user_field="X-Remote-Identity")
    assert [(r.verdict, r.iis_user) for r in named.rows] == [(V.INTACT, "alice")]


def test_http_sys_refusals_match_forwarded_requests_by_method_path_and_time(tmp_path: Path) -> None:
    gpath = tmp_path / "access.log"
    gpath.write_text(
        gw(
            requestId="r",
            sub="alice",
            path="/prod/orders",
            requestTime="17/May/2026:10:00:01 +0000",
            status="400",
            integrationStatus="400",
        )
        + "\n"
    )
    refused = row(
        HTTPERR_FIELDS, {"cs-uri": "/orders", "sc-status": "400", "s-reason": "FieldLength", "time": "10:00:02"}
    )
    epath = write_w3c(tmp_path / "httperr1.log", [Block(HTTPERR_FIELDS, [refused], software=HTTPERR_SOFTWARE)])
    report = join(expand([str(gpath)]), expand([str(epath)]))
    (only,) = report.rows
    assert only.verdict is V.REFUSED_AT_IIS and "FieldLength" in only.note and "matched by" in only.note
    assert (report.httperr_records, report.httperr_matched) == (1, 1)


def test_quarantined_lines_make_the_report_partial_and_say_where(tmp_path: Path) -> None:
    report = run(tmp_path, [gw(requestId="r", sub="a"), '{"requestId":"cut', "[1]"], [iis("r", "a")])
    assert [r.verdict for r in report.rows] == [V.INTACT]
    assert not report.complete
    assert [(q.line, q.reason.split(" (")[0]) for q in report.quarantined] == [
        (2, "truncated JSON"),
        (3, "JSON list, not an object"),
    ]
    assert report.warnings() == [f"{report.gateway_tallies[0].source}: 2 of 3 lines quarantined (not joined)"]
    summary = report.summary()
    assert summary["complete"] is False and summary["gateway_inputs"][0]["quarantined"] == 2  # type: ignore[index]


def test_gzip_inputs_and_output_shapes(tmp_path: Path) -> None:
    import gzip

    gpath = tmp_path / "access.log.gz"
    gpath.write_bytes(gzip.compress((gw(requestId="r", sub="alice") + "\n").encode()))
    ipath = write_w3c(tmp_path / "u_ex260517.log.gz", [Block(FIELDS, [iis("r", "-")])])
    report = join(expand([str(gpath)]), expand([str(ipath)]))
    (only,) = report.rows
    data = row_dict(only)
    assert data["verdict"] == "lost" and data["time"] == "2026-05-17T10:00:00Z"
    assert data["gateway_at"] == f"{gpath}:1" and data["iis_at"] == f"{ipath}:5"
    assert csv_row(only)[:3] == ["r", "lost", "2026-05-17T10:00:00Z"] and len(csv_row(only)) == len(CSV_HEADER)
    assert report.summary()["verdicts"] == {v.value: int(v is V.LOST) for v in JoinVerdict}
    assert V.REFUSED_AT_IIS.words == "refused at IIS"


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh interpreter"])
def test_worker_processes_give_exactly_what_one_reader_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    from console.engine.logs import join_workers

    monkeypatch.setattr(join_workers, "can_fork", lambda: fork)
    lines = [gw(requestId=f"r-{n % 40}", sub=f"u{n}") for n in range(120)]  # keys repeat across the ranges
    lines[7] = ""
    lines[61] = '{"requestId":'
    lines[90] = '{"requestId":"r-nan","status":NaN}'  # json reads NaN, orjson does not: the careful path decides
    lines[91] = '{"requestId":"r-\\ud800","sub":"x"}'  # a lone surrogate: json reads it, orjson does not
    rows = [iis(f"r-{n}", f"u{n + 80}") for n in range(0, 40, 3)]
    g, i = sources(tmp_path, lines, rows)
    serial = join(g, i, workers=0)
    parallel = join(g, i, workers=2)
    assert {type(w).__name__ for w in _started(monkeypatch, g, i)} == {"_Forked" if fork else "_Worker"}
    assert parallel.rows == serial.rows
    assert [t.as_dict() for t in parallel.tallies] == [t.as_dict() for t in serial.tallies]
    assert (parallel.gateway_duplicates, parallel.quarantined) == (serial.gateway_duplicates, serial.quarantined)
    assert serial.gateway_duplicates == 116 - 40 and [q.line for q in serial.quarantined] == [62]
    assert {"r-nan", "r-\ud800"} <= {r.key for r in serial.rows}


def test_this_process_reads_the_ranges_no_worker_took_and_the_order_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers take ranges from the front, the joining process (its IIS reading done) from the back: the merge is
    still in file order (the last record of a key wins, retries counted as by one reader)."""
    from console.engine.logs import join_workers

    lines = [gw(requestId=f"r-{n % 50}", sub=f"u{n}") for n in range(300)]  # keys repeat across every range
    rows = [iis(f"r-{n}", f"u{n + 250}") for n in range(0, 50, 4)]
    g, i = sources(tmp_path, lines, rows)
    serial = join(g, i, workers=0)
    seen = _ranges_read(monkeypatch)
    parallel = join(g, i, workers=2)
    (local, started), total = seen[0], 2 * join_workers.SPLIT
    assert local >= 1 and started >= 1 and local + started == total  # both read, every range once
    assert parallel.rows == serial.rows and parallel.gateway_duplicates == serial.gateway_duplicates == 250
    assert [t.as_dict() for t in parallel.tallies] == [t.as_dict() for t in serial.tallies]


def test_a_worker_done_with_its_range_takes_the_next_one_while_iis_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no progress bar (output piped, as in a runbook) the scanner is still polled while the IIS logs are read:
    workers that finished their first ranges go on with the next, so both cores work (they sat idle before)."""
    import time

    from console.engine.logs import join as join_module
    from console.engine.logs import join_workers

    lines = [gw(requestId=f"r-{n}", sub=f"u{n}") for n in range(600)]
    g, i = sources(tmp_path, lines, [iis("r-1", "u1")])
    real_read = join_module.read_iis

    def read_after_the_first_ranges(*args: object, **kwargs: object) -> object:
        scanner: join_workers.Scanner = args[4]  # type: ignore[assignment]
        deadline = time.monotonic() + 30
        while any(w.running() for w in scanner.running) and time.monotonic() < deadline:
            time.sleep(0.01)  # the first ranges are done: a poll now starts the next ones
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(join_module, "read_iis", read_after_the_first_ranges)
    seen = _ranges_read(monkeypatch)
    report = join(g, i, workers=2)  # no progress callback
    local, started = seen[0]
    assert started > 2 and local + started == 2 * join_workers.SPLIT
    assert report.rows == join(g, i, workers=0).rows


def _ranges_read(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Filled, per join with workers, with (ranges this process read, ranges workers were started for)."""
    from console.engine.logs import join_workers

    seen: list[tuple[int, int]] = []
    real = join_workers.Scanner._collect

    def collect(self: join_workers.Scanner, progress: object) -> object:
        scan = real(self, progress)  # type: ignore[arg-type]
        seen.append((len(self.local), len(self.running)))
        return scan

    monkeypatch.setattr(join_workers.Scanner, "_collect", collect)
    return seen


def _started(monkeypatch: pytest.MonkeyPatch, g: list[LogSource], i: list[LogSource]) -> list[object]:
    """The worker objects a join with two workers starts."""
    from console.engine.logs import join_workers

    started: list[object] = []
    real = join_workers.Scanner.poll

    def poll(self: join_workers.Scanner) -> None:
        real(self)
        started[:] = self.running

    monkeypatch.setattr(join_workers.Scanner, "poll", poll)
    join(g, i, workers=2)
    return started


def test_json_rows_are_row_dict_as_json(tmp_path: Path) -> None:
    import io

    from console.engine.logs.join_output import json_rows

    report = run(
        tmp_path,
        [gw(requestId="r-1", sub="alice"), gw(requestId="r-2", sub="b\u00e9\u2028"), gw(requestId="r-\udc80")],
        [iis("r-1", "alice"), iis("r-x", "mallory", time="10:30:00")],  # far from r-2/r-3: a bypass, its own row
    )
    out = io.BytesIO()
    json_rows(report.rows, out)
    assert json.loads(b"[" + out.getvalue() + b"]") == [row_dict(r) for r in report.rows]
    assert len(report.rows) == 4


_LINE = st.one_of(
    st.binary(max_size=40),
    st.builds(lambda k, v: json.dumps({"requestId": k, "sub": v}).encode(), st.text(max_size=8), st.text(max_size=8)),
    st.sampled_from(
        [
            b'{"requestId":"r"} x',
            b'{"requestId":"r"',
            b"[1]",
            b"\xef\xbb\xbf{}",
            b'{"a":"\xe9"}',
            b'{\x00"a":"b"}',
            b"  ",
            b"\r",
            b'{"requestId":"r"}\x0c',
            b'{"requestId": 7}',
            b'{"requestId":"r","n":NaN}',  # json reads these and orjson does not (or reads them otherwise):
            b'{"requestId":"\\ud800"}',  # the careful path must decide, as read_gateway does
            b'{"requestId":"r","n":123456789012345678901234567890}',
            b'{"requestId":"r","n":1e999}',
            b'{"requestId":"a","requestId":"b"}',
        ]
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_LINE, max_size=10), st.booleans())
def test_the_join_reads_gateway_lines_exactly_as_read_gateway_does(lines: list[bytes], final_end: bool) -> None:
    data = b"\n".join(line.replace(b"\n", b"") for line in lines) + (b"\n" if final_end and lines else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.log"
        path.write_bytes(data)
        source = LogSource(path, None, "access.log", False)
        expected = Tally()
        items = list(read_gateway(source, expected))
        tally, kept, unkeyed, _dups, _blob = scan_range(source, 0, None, None, CORRELATION_KEYS)
    assert tally.as_dict() == expected.as_dict() and tally.truncated_last_line == expected.truncated_last_line
    assert [(q.line, q.reason) for q in kept] == [(q.line, q.reason) for q in items if isinstance(q, Quarantined)]
    records = [r for r in items if isinstance(r, GatewayRecord)]
    assert unkeyed == sum(1 for r in records if not (r.correlation_id or r.request_id or r.extended_request_id))


def test_the_sandbox_logs_join_and_its_direct_traffic_is_bypassed(tmp_path: Path) -> None:
    import datetime

    from console.sandbox.gateway.logs import access_line
    from console.sandbox.w3c_log import W3cLog

    now = datetime.datetime(2026, 5, 17, 10, 0, 0, tzinfo=datetime.UTC)
    rid = "0b6c4a4e-1d0e-4a43-9d2e-7c1f3f5b2a10"
    gpath = tmp_path / "access_20260517.log"
    ctx = {
        "requestId": rid,
        "extendedRequestId": "Ab+c=",
        "correlationId": rid,
        "requestTimeEpoch": now.timestamp(),
        "httpMethod": "GET",
        "path": "/prod/orders",
        "status": 200,
        "sub": "alice",
        "integrationStatus": 200,
    }
    gpath.write_text(access_line(ctx) + "\n")
    log = W3cLog(tmp_path / "W3SVC1")
    common = ["127.0.0.1", "GET", "/orders", "-", "443", "-", "127.0.0.1", "curl/8", "-", "200", "0", "0", "3"]
    log.write([*common, rid, "alice"], now)  # through the gateway
    log.write([*common, "-", "admin"], now)  # straight to IIS, around the gateway
    log.close()
    report = join(expand([str(gpath)]), expand([str(tmp_path / "W3SVC1")]))
    assert [(r.verdict, r.iis_user) for r in report.rows] == [(V.INTACT, "alice"), (V.BYPASSED, "admin")]


@pytest.mark.parametrize("failure", ["no process", "worker died"])
def test_when_workers_fail_the_join_reads_the_gateway_logs_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    from console.engine.logs import join_workers

    g, i = sources(tmp_path, [gw(requestId=f"r-{n}", sub="a") for n in range(30)], [iis("r-3", "a")])
    expected = join(g, i, workers=0)
    if failure == "no process":

        def refuse(*_args: object) -> None:
            raise OSError("fork: resource temporarily unavailable")

        monkeypatch.setattr(join_workers._Worker, "__init__", refuse)
    else:

        def died(self: object) -> None:
            raise RuntimeError("gateway log worker failed (exit -9)")

        monkeypatch.setattr(join_workers._Worker, "result", died)
    report = join(g, i, workers=2)
    assert report.rows == expected.rows and [t.as_dict() for t in report.tallies] == [
        t.as_dict() for t in expected.tallies
    ]


def test_batons_own_probes_are_not_a_bypass(tmp_path: Path) -> None:
    # A trace sends its warm-up and spoof check straight to IIS on purpose, with ids derived from the trace's own
    # (console.engine.target.derived_correlation_id): they are Baton's probes, never the security finding.
    from console.engine.target import derived_correlation_id

    trace = "qa.run.1"  # a user's own id may hold dots
    report = run(
        tmp_path,
        [gw(correlationId=trace, sub="alice")],
        [
            iis(derived_correlation_id(trace, "warmup1"), "-"),
            iis(trace, "alice"),
            iis(derived_correlation_id(trace, "spoof-check"), "-", status="401", sub="2"),
            iis(derived_correlation_id("no-such-trace", "spoof-check"), "-"),  # no gateway record: a bypass
            iis(f"{trace}.admin-backdoor", "admin"),  # not a probe Baton sends: a bypass
        ],
    )
    rows = by_key(report)
    for probe in ("qa.run.1.warmup1", "qa.run.1.spoof-check"):
        assert rows[probe].verdict is V.BATON_PROBE and "Baton's own probe" in rows[probe].note
    assert rows[trace].verdict is V.INTACT
    assert rows["no-such-trace.spoof-check"].verdict is V.BYPASSED
    assert rows["qa.run.1.admin-backdoor"].verdict is V.BYPASSED
    assert report.counts == {V.INTACT: 1, V.BATON_PROBE: 2, V.BYPASSED: 2}
    assert V.BATON_PROBE.words == "Baton's own probe"
    assert report.summary()["verdicts"]["baton_probe"] == 2  # type: ignore[index]


def test_a_probe_after_its_trace_was_joined_is_still_batons_own(tmp_path: Path) -> None:
    # The trace's own IIS line comes first and is joined (its key on one line only, so the join keeps no bookkeeping
    # for it): a probe derived from it later in the log is still recognised as Baton's, never a bypass.
    from console.engine.target import derived_correlation_id

    trace = "qa.run.2"
    report = run(
        tmp_path,
        [gw(correlationId=trace, sub="alice")],
        [iis(trace, "alice"), iis(derived_correlation_id(trace, "warmup1"), "-")],
    )
    rows = by_key(report)
    assert rows[trace].verdict is V.INTACT
    assert rows["qa.run.2.warmup1"].verdict is V.BATON_PROBE
    assert report.counts == {V.INTACT: 1, V.BATON_PROBE: 1}


NO_KEY_FIELDS = (*DEFAULT_FIELDS, "X-User-Sub")  # the common real log: the correlation field is a custom one


def test_an_iis_log_without_the_correlation_field_is_not_joinable_never_bypassed(tmp_path: Path) -> None:
    # Every IIS line is in a schema that cannot carry the key: nothing can be joined, nothing is a bypass, and the
    # gateway's requests are not "missing at IIS" either (their lines may well be there). One request each.
    report = run_fields(
        tmp_path,
        [gw(requestId=f"r-{n}", sub="alice", requestTime=f"17/May/2026:10:00:0{n} +0000") for n in range(3)],
        [
            row(NO_KEY_FIELDS, {"X-User-Sub": "alice", "cs-uri-stem": "/orders", "time": f"10:00:0{n}"})
            for n in range(3)
        ],
        NO_KEY_FIELDS,
    )
    assert report.counts == {V.NOT_JOINABLE: 3}
    assert len(report.rows) == 3 and all(r.gateway is not None and r.iis is None for r in report.rows)
    assert report.iis_not_joinable == 3
    assert report.summary()["requests"] == 3 and report.summary()["iis_not_joinable"] == 3
    assert not report.complete  # a join that could not be made is not passed off as complete
    said = [w for w in report.warnings() if "X-Correlation-Id" in w]
    assert len(said) == 1  # said once, with the fix the trace gives
    assert "RequestHeader" in said[0] and "integration.request.header.X-Correlation-Id" in said[0]
    assert "context.requestId" in said[0]
    # A labelled guess by time, method and path may be offered, never a verdict.
    assert all("time-window guess, not a verdict" in r.note and "0 s apart" in r.note for r in report.rows)


def test_mixed_iis_logs_judge_what_can_be_judged(tmp_path: Path) -> None:
    # 10:00 the site logged the correlation field; at 11:00 a config change dropped it (a new #Fields mid-file).
    keyed = [iis("r-1", "alice", time="10:00:01"), iis("r-sneaky", "mallory", time="10:00:02")]
    unkeyed = [row(NO_KEY_FIELDS, {"X-User-Sub": "bob", "time": "11:00:01"})] * 2
    gpath = tmp_path / "access.log"
    gateway = [
        gw(requestId="r-1", sub="alice", requestTime="17/May/2026:10:00:01 +0000"),
        gw(requestId="r-2", sub="carol", requestTime="17/May/2026:10:00:05 +0000"),  # no line, and none unkeyed then
        gw(requestId="r-3", sub="bob", requestTime="17/May/2026:11:00:01 +0000"),  # its line may be an unkeyed one
    ]
    gpath.write_text("".join(f"{line}\n" for line in gateway))
    ipath = write_w3c(tmp_path / "u_ex260517.log", [Block(FIELDS, keyed), Block(NO_KEY_FIELDS, unkeyed)])
    report = join(expand([str(gpath)]), expand([str(ipath)]))
    rows = by_key(report)
    assert rows["r-1"].verdict is V.INTACT
    assert rows["r-sneaky"].verdict is V.BYPASSED  # its schema had the field: no gateway record is a real finding
    assert rows["r-2"].verdict is V.MISSING_AT_IIS
    assert rows["r-3"].verdict is V.NOT_JOINABLE
    assert report.counts == {V.INTACT: 1, V.BYPASSED: 1, V.MISSING_AT_IIS: 1, V.NOT_JOINABLE: 1}
    assert report.iis_not_joinable == 2 and len(report.rows) == 4


def run_fields(
    tmp_path: Path, gateway: Sequence[str], rows: Sequence[Sequence[str]], fields: Sequence[str]
) -> JoinReport:
    g, i = sources(tmp_path, gateway, rows, fields=fields)
    return join(g, i)


def _reader_view(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[int, int]]]:
    """What the W3C reader gives for the join's fields: (line, key, user, status, method, path, time) per record."""
    from console.engine.logs.identity import field_position, iis_user
    from console.engine.logs.reader import read

    (source,) = expand([str(path)])
    tally = Tally(source.label)
    records, quarantined = [], []
    for item in read(source, tally):
        if isinstance(item, Quarantined):
            quarantined.append((item.line, item.offset, item.reason, item.text))
            continue
        at = field_position(item.schema, "X-Correlation-Id")
        key = item.raw[at] if at is not None else None
        user = iis_user(item)
        status = ".".join(
            item.raw[i]
            for n in ("sc-status", "sc-substatus", "sc-win32-status")
            if (i := item.schema.position(n)) is not None
        )
        if key is not None and len(key) > 1 and key[0] == '"' == key[-1]:
            key = key[1:-1]  # Advanced Logging's quotes are not part of the id
        day = item.raw_value("date") or (item.schema.date or "").split(" ")[0]
        clock = item.raw_value("time")
        records.append(
            (
                item.line,
                None if key in (None, "-") else key,
                user[0] if user else None,
                status,
                item.raw_value("cs-method") or "",
                item.raw_value("cs-uri-stem") or "",
                f"{day} {clock}" if day and clock else None,
            )
        )
    totals = [
        (tally.lines, tally.records),
        (tally.directives, tally.blank),
        (tally.quarantined, tally.truncated_last_line),
    ]
    return records, quarantined, totals  # type: ignore[return-value]


def _join_view(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[int, int]]]:
    from console.engine.logs.join_iis import read_iis
    from console.engine.logs.join_workers import Scanner

    report = JoinReport()
    sides, httperr, blind = read_iis(expand([str(path)]), "X-Correlation-Id", None, report, Scanner([], None, ()), None)
    assert not httperr
    records = [
        (s.line, s.key, s.user, s.status, s.method, s.path, s.time)
        for s in sorted([*sides, *blind], key=lambda s: s.line)
    ]
    quarantined = [(q.line, q.offset, q.reason, q.text) for q in report.quarantined]
    (tally,) = report.iis_tallies
    totals = [
        (tally.lines, tally.records),
        (tally.directives, tally.blank),
        (tally.quarantined, tally.truncated_last_line),
    ]
    return records, quarantined, totals  # type: ignore[return-value]


_JOIN_FIELDS = "date time cs-method cs-uri-stem cs-username sc-status sc-substatus sc-win32-status X-Correlation-Id"
_PLAIN = "2026-05-17 10:00:01 GET /orders alice 200 0 0 r-1"


@pytest.mark.parametrize(
    "body",
    [
        f"#Fields: {_JOIN_FIELDS}\r\n" + f"{_PLAIN}\r\n" * 5,  # the usual: every data run in bulk
        f"\ufeff#Fields: {_JOIN_FIELDS}\n{_PLAIN}\n{_PLAIN}\r\n{_PLAIN}\r\r\n",  # BOM, LF and CRLF mixed, CRCRLF
        f"#Fields: {_JOIN_FIELDS}\n{_PLAIN}\n {_PLAIN}\n\t{_PLAIN}\n\n{_PLAIN} \n{_PLAIN}  x\n",  # blank-ish, extra
        f"#Fields: {_JOIN_FIELDS}\n{_PLAIN}\n" + _PLAIN.replace("GET", "G\rET") + f"\n{_PLAIN}\x00\n",  # CR, NUL
        f"#Fields: {_JOIN_FIELDS}\n" + _PLAIN.replace("alice", "al\xe9+ice") + "\n" + _PLAIN.replace("r-1", '"r 2"'),
        f"{_PLAIN}\n#Fields: date time cs-method\n2026-05-17 10:00:01 GET\n#Fields: {_JOIN_FIELDS}\n{_PLAIN}",
        f"#Fields: {_JOIN_FIELDS}\n" + _PLAIN.replace(" 200 ", " 200  ") + "\n" + _PLAIN.replace("r-1", "-") + "\n",
    ],
)
def test_the_joins_bulk_iis_read_is_the_readers(tmp_path: Path, body: str) -> None:
    path = tmp_path / "u_ex1.log"
    path.write_bytes(body.encode("utf-8", "surrogateescape").replace(b"\xc3\xa9", b"\xe9"))  # and a bad UTF-8 byte
    assert _join_view(path) == _reader_view(path)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                _PLAIN,
                f"#Fields: {_JOIN_FIELDS}",
                "#Fields: time X-Correlation-Id",
                "10:00:00 k",
                "",
                " ",
                "\t" + _PLAIN,
                _PLAIN + " ",
                _PLAIN + "\r",
                "a  b",
                "\x00",
                "\xff\xfe",
                "#Date: 2026-05-17 00:00:00",
                "x" * 3,
            ]
        ),
        max_size=30,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_the_joins_bulk_iis_read_is_the_readers_on_any_lines(lines: list[str], end: str, final_end: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u_ex1.log"
        text = "#Version: 1.0" + end + end.join(lines) + (end if final_end and lines else "")
        path.write_bytes(text.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf\xc3\xbe", b"\xff\xfe"))
        assert _join_view(path) == _reader_view(path)


def test_json_rows_in_batches_are_each_row_as_json(tmp_path: Path) -> None:
    # A value holding "},{" must not be taken for a boundary between rows: its batch is written a row at a time.
    import io

    from console.engine.logs.join_output import json_rows

    report = run(tmp_path, [gw(requestId="r-},{", sub='x"},{"y')] + [gw(requestId=f"r{n}") for n in range(5)], [])
    out = io.BytesIO()
    json_rows(report.rows, out)
    expected = b",\n  ".join(
        json.dumps(row_dict(r), ensure_ascii=False, separators=(",", ":")).encode() for r in report.rows
    )
    assert out.getvalue() == b"\n  " + expected


@pytest.mark.parametrize(
    ("key", "probe"),
    [
        ("t.warmup2", True),
        ("t.spoof-check", True),
        ("t.warmup", False),  # a warm-up always has its number
        ("t.warmup\u0662", False),  # an Arabic-Indic digit is not one trace.py writes
        ("t.spoof-check2", False),
        ("other.warmup1", False),  # not derived from an id the gateway logged
    ],
)
def test_probe_ids_are_the_purposes_trace_derives(key: str, probe: bool) -> None:
    from console.engine.logs.join_verdict import is_baton_probe
    from console.engine.target import PROBE_PURPOSES

    assert PROBE_PURPOSES == ("warmup", "spoof-check")
    assert is_baton_probe(key, frozenset({"t"})) is probe


def test_the_joins_bulk_iis_read_is_the_readers_across_chunks(tmp_path: Path) -> None:
    # Lines straddle the 1 MB chunks; a bad line, a blank one and a new #Fields land in different chunks.
    lines = [f"#Fields: {_JOIN_FIELDS}"]
    for n in range(30_000):
        lines.append(_PLAIN.replace("r-1", f"r-{n}" + "x" * (n % 97)))
        if n % 7919 == 0:
            lines += ["", _PLAIN + " extra", "#Fields: date time cs-method cs-uri-stem sc-status X-Correlation-Id"]
            lines.append(f"#Fields: {_JOIN_FIELDS}")
    path = tmp_path / "u_ex1.log"
    path.write_text("\r\n".join(lines) + "\r\n" + _PLAIN)  # and a last line still being written
    assert path.stat().st_size > 2 << 20
    assert _join_view(path) == _reader_view(path)


_VALUES = st.sampled_from(["-", "", "alice", "bob", "200", "401", "GET /orders", "17/May/2026:10:00:00 +0000", "٢٠٠"])
_KEYS = st.sampled_from(
    [
        "requestId",
        "extendedRequestId",
        "correlationId",
        "sub",
        "principalId",
        "user",
        "caller",
        "status",
        "integrationStatus",
        "errorResponseType",
        "httpMethod",
        "path",
        "routeKey",
        "requestTime",
        "other",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=12), st.sampled_from(["-", "UUID_REPLACED_INVALID_REQUEST_ID", "r-1"]))
def test_the_joins_gateway_tuple_is_what_extract_reads(obj: dict[str, str], request_id: str) -> None:
    from console.engine.logs.gateway_fields import extract
    from console.engine.logs.gateway_rows import KEYLESS, join_row

    obj = {**obj, "requestId": request_id, "claims": {"sub": "carol"}} if request_id != "r-1" else obj
    f = extract(obj, CORRELATION_KEYS)
    key = f.correlation_id or f.request_id or f.extended_request_id
    made = join_row(obj, CORRELATION_KEYS)(obj, "g.log", 3)
    if key is None:
        assert made is KEYLESS
        return
    fields = (f.request_id, f.callers, f.status, f.integration_status, f.error_type, f.method, f.path, f.time)
    assert made == (key, ("g.log", 3, key, *fields, 0))


def test_a_repeated_gateway_key_is_still_one_row_per_gateway_request(tmp_path: Path) -> None:
    # A client retry reusing its correlation id: two gateway requests, one IIS line.
    report = run(
        tmp_path,
        [gw(requestId="rid-H", correlationId="H", sub="alice"), gw(requestId="rid-H2", correlationId="H", sub="alice")],
        [iis("H", "alice")],
    )
    assert len(report.rows) == 2 and sum(report.counts.values()) == 2
    by_rid = {r.gateway.request_id: r for r in report.rows if r.gateway is not None}
    assert by_rid["rid-H2"].verdict is V.INTACT
    assert by_rid["rid-H"].verdict is V.MISSING_AT_IIS and "same key" in by_rid["rid-H"].note


def test_bypasses_sharing_one_correlation_id_count_per_line(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        [gw(requestId="via-gw", sub="alice")],
        [iis("via-gw", "alice"), iis("same-id", "admin", **{"cs-uri-stem": "/d"}), iis("same-id", "admin")],
    )
    bypassed = [r for r in report.rows if r.verdict is V.BYPASSED]
    assert len(bypassed) == 2 and report.counts[V.BYPASSED] == 2
    assert {r.iis.path for r in bypassed if r.iis is not None} == {"/d", "/orders"}
