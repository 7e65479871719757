"""API Gateway access logs: the sandbox's own format read back, CloudWatch prefixes, and every line accounted for."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.logs.gateway_access import GatewayRecord, clf_time, parse_line, read_gateway
from console.engine.logs.model import LogInputError, Quarantined, Tally
from console.engine.logs.sources import LogSource, expand
from console.sandbox.gateway.logs import access_line

RID = "a1335dfd-5bcc-4e1b-aa45-f6726cb95816"


def _write(tmp_path: Path, lines: list[str] | bytes, name: str = "access.log") -> LogSource:
    path = tmp_path / name
    data = lines if isinstance(lines, bytes) else "".join(f"{line}\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return expand([str(path)])[0]


def _read(source: LogSource) -> tuple[list[GatewayRecord | Quarantined], Tally]:
    tally = Tally()
    return list(read_gateway(source, tally)), tally


def test_the_sandbox_access_line_reads_back_with_dashes_as_empty(tmp_path: Path) -> None:
    ctx = {
        "requestId": RID,
        "extendedRequestId": "UBuxiEZSIAMFQ1Q=",
        "sourceIp": "203.0.113.8",
        "requestTimeEpoch": datetime.datetime(2026, 5, 17, 10, 0, 0, tzinfo=datetime.UTC).timestamp(),
        "httpMethod": "GET",
        "resourcePath": "/{proxy+}",
        "path": "/prod/orders/42",
        "status": 200,
        "sub": "alice-sub",
        "principalId": None,  # a Cognito authorizer has no principalId: API Gateway logs "-"
        "integrationStatus": 200,
    }
    (record,), tally = _read(_write(tmp_path, [access_line(ctx)]))
    assert isinstance(record, GatewayRecord)
    assert (record.request_id, record.extended_request_id, record.correlation_id) == (RID, "UBuxiEZSIAMFQ1Q=", None)
    assert record.caller == "alice-sub" and record.callers == ("alice-sub",)
    assert (record.status, record.integration_status, record.error_type) == (200, 200, None)
    assert (record.method, record.path) == ("GET", "/prod/orders/42")
    assert record.time == datetime.datetime(2026, 5, 17, 10, 0, 0, tzinfo=datetime.UTC)
    assert record.raw["principalId"] == "-" and (record.line, record.offset) == (1, 0)
    assert tally.as_dict() == {"lines": 1, "records": 1, "directives": 0, "blank": 0, "quarantined": 0}


def test_callers_come_from_every_key_people_use_in_order_and_nested_objects() -> None:
    from console.engine.logs.gateway_access import extract

    nested = {"requestId": RID, "authorizer": {"principalId": "user|42", "claims": {"sub": "s-1"}}}
    assert extract(nested).callers == ("s-1", "user|42")
    flat = {"requestId": RID, "claims.sub": "s-2", "authorizerPrincipalId": "p", "user": "-", "caller": "AIDA:x"}
    assert extract(flat).callers == ("s-2", "p", "AIDA:x")
    assert extract({"requestId": RID, "principalId": "same", "sub": "same"}).callers == ("same",)


def test_ids_status_and_method_in_the_other_shapes_people_log() -> None:
    from console.engine.logs.gateway_access import extract

    fields = extract(
        {
            "requestId": "UUID_REPLACED_INVALID_REQUEST_ID",
            "extendedRequestId": "Mc7=",
            "status": 403,
            "routeKey": "POST /orders",
            "requestTimeEpoch": "1779012000000",
            "correlationId": "c-9",
            "errorResponseType": "ACCESS_DENIED",
        }
    )
    assert fields.request_id is None  # API Gateway's placeholder for a bad client override is not an id
    assert (fields.extended_request_id, fields.correlation_id, fields.status) == ("Mc7=", "c-9", 403)
    assert (fields.method, fields.path, fields.error_type) == ("POST", "POST /orders", "ACCESS_DENIED")
    assert clf_time(fields.time) == datetime.datetime(2026, 5, 17, 10, 0, tzinfo=datetime.UTC)
    assert clf_time("17/May/2026:12:00:00 +0200") == datetime.datetime(2026, 5, 17, 10, 0, tzinfo=datetime.UTC)
    assert clf_time("1779012000.5") == datetime.datetime(2026, 5, 17, 10, 0, 0, 500000, tzinfo=datetime.UTC)
    assert clf_time("yesterday") is None


@pytest.mark.parametrize(
    "prefix",
    [
        "2026-05-17T10:00:00.000Z ",
        "2022-04-23T18:37:47.070+09:00\t",
        "Tue Jun 23 02:21:45 UTC 2020 : ",
        "1779012000000\t",
        "api-logs/stream-1\t2026-05-17T10:00:00.000Z\t",
    ],
)
def test_a_cloudwatch_timestamp_prefix_is_skipped(prefix: str) -> None:
    assert parse_line(prefix + json.dumps({"requestId": RID})) == {"requestId": RID}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"requestId":"' + RID + '","status":"2', "truncated JSON"),
        ('{"requestId":"' + RID + '",', "truncated JSON"),
        ('["requestId"]', "JSON list, not an object"),
        ('"just a string"', "JSON str, not an object"),
        ("42", "JSON int, not an object"),
        ("plain words", "no JSON object"),
        ('{"a":"b"} trailing', "text after the JSON object"),
        ('{"a": nope}', "not valid JSON"),
        ('hello 2026 {"a":"b"}', "not a CloudWatch timestamp prefix"),
        (
            'Tue Jun 23 02:21:45 UTC 2020 : Endpoint response body before transformations: {"a":"b"}',
            "not a CloudWatch timestamp prefix",
        ),  # an execution-log message is not an access record
        (f"({RID}) Starting execution for request: {RID}", "an execution-log line"),
    ],
)
def test_lines_that_are_not_access_records_are_quarantined_with_a_reason(line: str, reason: str) -> None:
    result = parse_line(line)
    assert isinstance(result, str) and reason in result


def test_every_physical_line_lands_in_one_bucket_with_its_line_and_offset(tmp_path: Path) -> None:
    good = json.dumps({"requestId": RID})
    data = (
        good + "\r\n" + "\r\n" + "   \n" + '{"requestId":"x",' + "\n" + "\x00\x01binary\x00\n" + '["x"]\n' + good
    ).encode()
    path = tmp_path / "access.log"
    path.write_bytes(data)  # past expand(), which refuses NUL bytes near the start of a file as binary
    items, tally = _read(LogSource(path, None, "access.log", False))
    assert tally.as_dict() == {"lines": 7, "records": 2, "directives": 0, "blank": 2, "quarantined": 3}
    assert tally.balanced() and tally.truncated_last_line  # the last line has no line end
    quarantined = [i for i in items if isinstance(i, Quarantined)]
    assert [(q.line, q.offset) for q in quarantined] == [(4, len(good) + 8), (5, len(good) + 26), (6, len(good) + 36)]
    assert "truncated JSON" in quarantined[0].reason and "binary" in quarantined[1].reason
    assert "\x00" not in quarantined[1].text
    assert [i.line for i in items if isinstance(i, GatewayRecord)] == [1, 7]


def test_a_byte_that_is_not_utf8_keeps_the_record_with_a_replacement_character(tmp_path: Path) -> None:
    data = b'{"requestId":"' + RID.encode() + b'","userAgent":"caf\xe9"}\n'
    (record,), tally = _read(_write(tmp_path, data))
    assert isinstance(record, GatewayRecord) and record.raw["userAgent"] == "caf\ufffd"
    assert tally.records == 1


def test_gzip_input_reads_through_log_source(tmp_path: Path) -> None:
    source = _write(tmp_path, [json.dumps({"requestId": RID, "sub": "alice"}), ""], name="access.log.gz")
    items, tally = _read(source)
    assert [i.caller for i in items if isinstance(i, GatewayRecord)] == ["alice"]
    assert (tally.lines, tally.blank) == (2, 1)


def test_a_vanished_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    source = _write(tmp_path, [json.dumps({"requestId": RID})])
    source.path.unlink()
    with pytest.raises(LogInputError, match=r"access\.log"):
        list(read_gateway(source))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=60), max_size=12))
def test_arbitrary_bytes_never_raise_and_every_line_is_counted(lines: list[bytes]) -> None:
    import tempfile

    data = b"\n".join(line.replace(b"\n", b"") for line in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.log"
        path.write_bytes(data)
        tally = Tally()
        items = list(read_gateway(LogSource(path, None, "access.log", False), tally))
    assert tally.balanced()
    assert tally.lines == data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    assert len(items) == tally.records + tally.quarantined
