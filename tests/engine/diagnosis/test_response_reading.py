"""What a response says per hop, how sure it is, and how it copes with odd headers, bodies and profiles."""

from __future__ import annotations

import builtins
import socket
from dataclasses import replace

import pytest
from responsekit import RESPONSES, load, parse

from console.engine.diagnosis.catalogue import ALL_FINDINGS
from console.engine.diagnosis.response import read_response
from console.model.trace import HOP_ORDER, HopName, HopStatus

OK, BROKEN, NOT, UNK = HopStatus.OK, HopStatus.BROKEN, HopStatus.NOT_REACHED, HopStatus.UNKNOWN


def statuses(name: str, **kw: str) -> list[HopStatus]:
    return [o.status for o in read_response(load(name), **kw).observations]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # client, gateway, authorizer, integration, iis
        ("rest_unauthorized", [UNK, OK, BROKEN, NOT, NOT]),
        ("rest_missing_auth_token", [UNK, BROKEN, NOT, NOT, NOT]),
        ("rest_api_key", [UNK, BROKEN, UNK, NOT, NOT]),
        ("rest_integration_timeout", [UNK, OK, OK, BROKEN, UNK]),
        ("rest_network_error", [UNK, OK, OK, BROKEN, NOT]),
        ("rest_iis_windows_auth", [UNK, OK, OK, UNK, BROKEN]),
        ("iis_direct_401_2", [UNK, UNK, UNK, UNK, BROKEN]),
        ("rest_iis_200", [UNK, OK, OK, UNK, UNK]),
        ("unrecognised_teapot", [UNK, UNK, UNK, UNK, UNK]),
    ],
)
def test_hops_before_the_producer_passed_and_after_it_were_not_reached(name: str, expected: list[HopStatus]) -> None:
    assert statuses(name) == expected


def test_one_observation_per_hop_in_order_from_the_response_probe() -> None:
    reading = read_response(load("rest_implicit_deny"), auth="lambda")
    assert [o.hop for o in reading.observations] == list(HOP_ORDER)
    assert {o.probe for o in reading.observations} == {"response"}
    gateway = reading.observations[1]
    assert gateway.confidence == "likely"
    assert gateway.evidence[0] == "passed: the request got as far as the authorizer hop"
    assert reading.observations[2].data["request_id"] == "9f1e8d7c-2b3a-4c5d-8e6f-7a8b9c0d1e2f"


def test_a_direct_iis_answer_says_the_gateway_hops_are_unknown_and_why() -> None:
    gateway = read_response(load("iis_direct_401_3")).observations[1]
    assert gateway.status is UNK
    assert "did not come through the gateway" in gateway.evidence[0]


def test_an_iis_200_leaves_the_identity_unconfirmed_and_names_the_echo() -> None:
    reading = read_response(load("rest_iis_200"))
    iis = reading.observations[-1]
    assert (reading.producer, iis.status) == (HopName.IIS, UNK)
    assert "x-amzn-Remapped-Server: Microsoft-IIS/10.0" in iis.evidence
    assert "[iis] echo_path" in reading.missing_evidence
    assert reading.iis is not None and reading.iis.status == 200


@pytest.mark.parametrize(
    ("name", "auth", "effect"),
    [
        ("rest_unauthorized", "cognito", "unauthorized"),
        ("rest_explicit_deny", "lambda", "deny"),
        ("rest_implicit_deny", "lambda", "deny"),
        ("http_insufficient_scope", "jwt", "deny"),
        ("rest_authorizer_error", "lambda", "error"),
        ("rest_api_key", None, None),
        ("rest_iis_windows_auth", None, None),
    ],
)
def test_authorizer_effect(name: str, auth: str | None, effect: str | None) -> None:
    assert read_response(load(name), auth=auth).authorizer_effect == effect


def test_remapped_windows_challenge_fills_the_iis_status() -> None:
    iis = read_response(load("rest_iis_windows_auth")).iis
    assert iis is not None
    assert (iis.status, iis.substatus, iis.server, iis.challenge) == (
        401,
        None,
        "Microsoft-IIS/10.0",
        ("Negotiate", "NTLM"),
    )
    assert ("x-amzn-Remapped-Server", "Microsoft-IIS/10.0") in iis.remapped_headers


def test_detailed_page_gives_substatus_win32_and_meaning() -> None:
    iis = read_response(load("iis_direct_401_1")).iis
    assert iis is not None
    assert (iis.substatus, iis.win32_status, iis.auth_type) == (1, 0x52E, "Basic")
    assert iis.meaning.startswith("Logon failed")


def test_httpsys_names_its_server_and_reason() -> None:
    iis = read_response(load("rest_httpsys_400_too_long")).iis
    assert iis is not None
    assert (iis.status, iis.server) == (400, "Microsoft-HTTPAPI/2.0")
    assert "request headers is too long" in iis.meaning


def test_implicit_deny_also_offers_the_cached_cross_route_explanation() -> None:
    codes = [(f.code, f.confidence) for f in read_response(load("rest_implicit_deny"), auth="lambda").findings]
    assert codes == [("authorizer.implicit_deny", "certain"), ("authorizer.cached_policy_mismatch", "possible")]


def test_header_names_match_in_any_case() -> None:
    original = load("rest_unauthorized")
    for change in (str.lower, str.upper):
        shouted = replace(original, headers=tuple((change(k), v) for k, v in original.headers))
        first = read_response(shouted).findings[0]
        assert (first.code, first.confidence) == ("authorizer.unauthorized", "certain")
        assert change("x-amzn-ErrorType") + ": UnauthorizedException" in first.evidence


def test_body_key_case_and_whitespace_do_not_matter() -> None:
    body = '{\n  "MESSAGE" :  "  User is not authorized to access\\nthis resource with an EXPLICIT deny " }'
    padded = replace(load("rest_explicit_deny"), body=body)
    first = read_response(padded, auth="lambda").findings[0]
    assert (first.code, first.confidence) == ("authorizer.explicit_deny", "certain")


def test_error_type_with_coral_suffix_is_recognised() -> None:
    odd = replace(
        load("rest_api_key"),
        headers=(("x-amzn-ErrorType", "ForbiddenException:http://internal.amazon.com/coral/com.amazonaws.gateway/"),),
    )
    assert read_response(odd).findings[0].code == "gateway.api_key_missing"


def test_a_customised_body_is_flagged_and_the_error_type_decides() -> None:
    first = read_response(load("rest_customised_unauthorized"), auth="lambda").findings[0]
    assert first.evidence[1].startswith("body: customised, not API Gateway's default")
    assert "x-amzn-ErrorType alone decided" in first.detail


def test_an_unknown_error_type_is_the_gateway_but_unrecognised() -> None:
    response = parse(
        "HTTP/1.1 400 Bad Request\nx-amzn-ErrorType: SomeNewException\n"
        'x-amzn-RequestId: 1\n\n{"message": "Something new"}\n'
    )
    reading = read_response(response)
    assert reading.producer is HopName.GATEWAY
    assert (reading.findings[0].code, reading.findings[0].confidence) == ("trace.response_unrecognised", "likely")
    assert "request id 1" in reading.missing_evidence


def test_an_iis_app_answering_like_the_gateway_is_still_iis() -> None:
    # Same body as API Gateway's UNAUTHORIZED, but IIS's remapped Server header and no x-amzn-ErrorType (§7).
    assert read_response(load("rest_iis_app_json_401")).producer is HopName.IIS
    stripped = load("rest_iis_app_json_401")
    stripped = replace(
        stripped,
        headers=tuple(h for h in stripped.headers if "remapped" not in h[0].lower() and h[0] != "X-Powered-By"),
    )
    assert read_response(stripped).producer is HopName.AUTHORIZER


def test_the_profile_sharpens_or_questions_the_reading() -> None:
    deny = read_response(load("rest_explicit_deny"), auth="cognito").findings[0]
    assert deny.confidence == "likely" and "check the profile" in deny.detail
    token = read_response(load("rest_missing_auth_token"), auth="iam").findings[0]
    assert "sign it with SigV4" in token.detail
    forbidden = read_response(load("http_lambda_forbidden"), gateway_kind="http", auth="jwt").findings[0]
    assert forbidden.confidence == "possible"


def test_http_api_signals_win_over_a_rest_profile() -> None:
    reading = read_response(load("http_integration_timeout"), gateway_kind="rest")
    assert reading.findings[0].code == "gateway.integration_timeout"


def test_http_api_500_with_a_lambda_authorizer_names_both_suspects() -> None:
    reading = read_response(load("http_internal_error"), gateway_kind="http", auth="lambda")
    assert [(f.code, f.hop, f.confidence) for f in reading.findings] == [
        ("authorizer.configuration_error", "authorizer", "possible"),
        ("gateway.integration_failure", "integration", "possible"),
    ]
    assert "$context.authorizer.error" in reading.missing_evidence


def test_network_text_is_quoted_as_plain_single_lines() -> None:
    hostile = parse(
        "HTTP/1.1 401 Unauthorized\nServer: Microsoft-IIS/10.0\x1b[31m\nContent-Type: text/html\n\n"
        "<html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title>"
        '<script>document.write("<h2>999 - pwned</h2>")</script></head><body><h1>Server Error</h1>'
        "<h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>"
        "<h3>[bold red]x[/] &lt;b&gt;</h3></body></html>\n"
    )
    reading = read_response(hostile)
    lines = [line for o in reading.observations for line in o.evidence]
    assert "body: 401 - Unauthorized: Access is denied due to invalid credentials." in lines
    assert all("\x1b" not in line and "\n" not in line and "pwned" not in line for line in lines)


def test_every_recorded_response_gives_catalogued_placed_findings() -> None:
    for path in sorted(RESPONSES.glob("*.http")):
        reading = read_response(load(path.stem))
        assert reading.findings, path.stem
        for finding in reading.findings:
            assert finding.code in ALL_FINDINGS
            assert finding.hop in {h.value for h in HOP_ORDER}
            assert finding.confidence in {"certain", "likely", "possible"}
            assert finding.evidence and all(0 < len(line) <= 320 for line in finding.evidence)


def test_reading_is_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    responses = [load(p.stem) for p in sorted(RESPONSES.glob("*.http"))]

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("read_response must not do I/O")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(builtins, "open", refuse)
    for response in responses:
        assert read_response(response, auth="lambda") == read_response(response, auth="lambda")
