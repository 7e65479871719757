"""A hostile execution log cannot flood the parsed evidence: header maps, values, context keys and message texts are
capped, each with a marker saying what was left out (qa7 #10); what identity needs stays whole."""

from __future__ import annotations

import base64
import json

from console.engine.logs.apigw_exec import MAX_LINE, parse_execution_log
from console.engine.logs.apigw_headers import MAX_HEADERS, MAX_VALUE, parse_header_map, render

RID = "c0ffee00-0010-4000-8000-000000000010"


def huge_headers_line(count: int = 2000) -> str:
    """One 'Endpoint request headers' message of ~219 KB: the identity headers first, then ``count`` fillers."""
    filler = ", ".join(f"X-H{i}=" + "B" * 100 for i in range(count))
    return f"({RID}) Endpoint request headers: {{X-User-Id=alice, X-User-Email=alice@example.test, {filler}}}"


def messages(*middle: str) -> list[str]:
    return [
        f"({RID}) Starting execution for request: {RID}",
        f"({RID}) Endpoint request URI: https://iis.example.test/orders/42",
        *middle,
        f"({RID}) Received response. Status: 200, Integration latency: 9 ms",
        f"({RID}) Method completed with status: 200",
    ]


def test_a_219_kb_header_map_keeps_200_headers_and_counts_the_rest() -> None:
    line = huge_headers_line()
    assert len(line) > 200_000
    log = parse_execution_log(messages(line), RID)
    dump = log.endpoint_headers
    assert dump is not None
    assert len(dump.pairs) == MAX_HEADERS
    assert dump.get("X-User-Id") == "alice" and dump.get("X-User-Email") == "alice@example.test"
    # a header after the cut is unknown, never "not sent": the dump says it was cut, where, and how much is left out
    assert dump.truncated and dump.cut_at == dump.pairs[-1][0]
    assert "1,802 more headers not kept" in dump.tail
    assert all(len(line.text) <= MAX_LINE + 60 for line in log.lines)
    assert len(json.dumps(log.as_dict())) < 60_000


def test_a_long_value_is_cut_with_where_and_how_much() -> None:
    dump = parse_header_map("{X-User-Id=alice, X-Note=" + "n" * 10_000 + "}")
    note = dump.get("X-Note")
    assert note is not None and note.endswith("… (cut at 2,048 of 10,000 characters)")
    assert len(note) < MAX_VALUE + 60
    assert dump.get("X-User-Id") == "alice" and not dump.truncated


def test_a_credential_is_masked_before_it_is_cut() -> None:
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "alice", "pad": "p" * 6000}).encode()).decode().rstrip("=")
    jwt = f"eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJlTmV2ZXJQcmludGVk"
    dump = parse_header_map(f"{{Authorization=Bearer {jwt}, X-Forwarded={jwt}}}")
    for _name, value in dump.pairs:
        assert payload[:40] not in value and "c2lnbmF0dXJlTmV2ZXJQcmludGVk" not in value


def test_a_capped_map_is_not_rendered_as_truncated_by_api_gateway() -> None:
    dump = parse_header_map("{" + ", ".join(f"X-H{i}=v" for i in range(MAX_HEADERS + 5)) + "}")
    text = render(dump)
    assert "[TRUNCATED]" not in text and "5 more headers not kept" in text


def test_an_authorizer_context_of_300_keys_keeps_200_and_says_so() -> None:
    context = {f"k{i}": "v" for i in range(300)}
    body = json.dumps({"principalId": "alice", "context": context, "policyDocument": {"Statement": []}})
    log = parse_execution_log(
        [
            f"({RID}) Starting authorizer: az1 for request: {RID}",
            f"({RID}) Authorizer result body before parsing: {body}",
            f"({RID}) Successfully completed authorizer execution",
            *messages(),
        ],
        RID,
    )
    assert log.authorizer is not None
    pairs = log.authorizer.context
    assert len(pairs) == MAX_HEADERS + 1 and pairs[0] == ("k0", "v")
    assert pairs[-1][1] == "100 more context keys not kept"
    assert log.authorizer.principal == "alice"
