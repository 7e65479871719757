"""The IIS catalogue: status.substatus.win32 and HTTPERR reasons decode to words an on-call engineer acts on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.engine.iis import MEANINGS, describe, httperr_reason, meaning, win32_meaning

# Domain §4.1 and the 401/403/404/500/502/503 sub-statuses of KB 943891.
DOCUMENTED = [
    *[(400, s) for s in (0, *range(1, 12), *range(601, 607))],
    *[(401, s) for s in (1, 2, 3, 4, 5, 501, 502, 503, 504)],
    *[(403, s) for s in (*range(1, 23), 501, 502, 503, 504)],
    *[(404, s) for s in (*range(0, 21), 431, 501, 502, 503, 504)],
    (405, 0),
    (413, 0),
    (413, 1),
    *[(500, s) for s in (0, 11, 12, 13, 15, 19, 21, 22, 23, 24, 50, 51, 52, 53, 100)],
    *[(502, s) for s in range(1, 8)],
    *[(503, s) for s in (0, 2, 3, 4)],
]

# Every reason phrase Microsoft documents for the HTTPERR log (KB 820729 and the Win32 HTTP Server API page).
REASONS = [
    "AppOffline",
    "AppPoolTimer",
    "AppShutdown",
    "BadRequest",
    "Client_Reset",
    "Connection_Abandoned_By_AppPool",
    "Connection_Abandoned_By_ReqQueue",
    "Connection_Dropped",
    "Connection_Dropped_List_Full",
    "ConnLimit",
    "Connections_Refused",
    "Disabled",
    "EntityTooLarge",
    "FieldLength",
    "Forbidden",
    "Header",
    "Hostname",
    "Internal",
    "Invalid_CR/LF",
    "LengthRequired",
    "N/A",
    "N/I",
    "Number",
    "Precondition",
    "QueueFull",
    "RequestLength",
    "Timer_AppPool",
    "Timer_ConnectionIdle",
    "Timer_EntityBody",
    "Timer_HeaderWait",
    "Timer_MinBytesPerSecond",
    "Timer_ReqQueue",
    "Timer_Response",
    "Timer_SslRenegotiation",
    "URL",
    "URL_Length",
    "Verb",
    "Version_N/S",
]


@pytest.mark.parametrize(("status", "sub"), DOCUMENTED)
def test_every_documented_substatus_has_a_title_and_plain_words(status: int, sub: int) -> None:
    m = describe(status, sub)
    assert m.known and m.code == f"{status}.{sub}"
    assert m.title and m.plain and "no sub-status meaning known" not in m.plain


def test_401_2_5_is_the_normal_first_leg_of_a_windows_auth_handshake() -> None:
    m = describe(401, 2, 5)
    assert (m.code, m.title, m.normal) == ("401.2.5", "Logon failed due to server configuration", True)
    assert "ERROR_ACCESS_DENIED" in m.win32_words and "Access is denied" in m.win32_words
    assert "First leg" in m.plain and "200 for the same client" in m.plain
    assert "broken" not in m.plain.casefold()


def test_401_1_with_sec_e_no_credentials_is_the_normal_ntlm_middle_leg() -> None:
    m = describe(401, 1, 2148074254)
    assert m.normal and m.code == "401.1.2148074254"
    assert "0x8009030E" in m.win32_words and "SEC_E_NO_CREDENTIALS" in m.win32_words
    assert "NTLM" in m.plain and "200 for the same client" in m.plain


def test_401_1_logon_denied_and_split_ntlm_legs_are_failures() -> None:
    denied = describe(401, 1, 2148074252)
    assert not denied.normal and "0x8009030C" in denied.win32_words and "SEC_E_LOGON_DENIED" in denied.win32_words
    split = describe(401, 1, 2148074248)
    assert not split.normal and "affinity" in split.plain and split.fix is not None and "Kerberos" in split.fix
    assert not describe(401, 1, 1326).normal and "ERROR_LOGON_FAILURE" in describe(401, 1, 1326).win32_words


def test_401_2_with_another_win32_or_without_one_is_not_called_normal() -> None:
    assert not describe(401, 2).normal
    assert not describe(401, 2, 0).normal
    assert "no enabled authentication method" in meaning(401, 2)


def test_403_14_is_a_routing_problem_with_a_fix() -> None:
    m = describe(403, 14, 0)
    assert m.title == "Directory listing denied" and "default document" in m.plain
    assert m.fix is not None and "path" in m.fix


@pytest.mark.parametrize("sub", [10, 431])
def test_request_filtering_header_limits_say_the_client_saw_404(sub: int) -> None:
    m = describe(404, sub)
    assert "too long" in m.title.casefold() and "404 Not Found" in m.plain
    assert m.fix is not None and "headerLimits" in m.fix


def test_500_19_names_the_config_file_and_win32_13_says_malformed_xml() -> None:
    m = describe(500, 19, 13)
    assert m.title == "Configuration data is invalid" and "web.config" in m.plain
    assert "ERROR_INVALID_DATA" in m.win32_words and "XML" in m.win32_words
    assert "web.config" in meaning(500, 19)


def test_502_3_with_winhttp_timeout() -> None:
    m = describe(502, 3, 12002)
    assert "Forwarder Connection Error" in m.title and "ERROR_WINHTTP_TIMEOUT" in m.win32_words
    assert m.fix is not None and "timeout" in m.fix


def test_503_2_names_the_setting() -> None:
    m = describe(503, 2)
    assert m.title == "Concurrent request limit exceeded" and m.fix is not None
    assert "appConcurrentRequestLimit" in m.fix


def test_unknown_codes_get_a_truthful_generic_answer() -> None:
    m = describe(404, 99)
    assert not m.known and m.plain.startswith("404.99: no sub-status meaning known")
    assert m.title == "Not found"
    unknown = describe(418)
    assert (unknown.known, unknown.title) == (False, "HTTP 418") and "no meaning known" in unknown.plain
    assert "no meaning known" in describe(200, 0, 4242424).win32_words


def test_a_success_with_client_gone_is_not_normal() -> None:
    assert describe(200, 0, 0).normal
    gone = describe(200, 0, 64)
    assert not gone.normal and "went away" in gone.plain and "ERROR_NETNAME_DELETED" in gone.win32_words
    assert "aborted by the local system" in describe(200, 0, 1236).win32_words
    assert "semaphore timeout" in describe(200, 0, 121).win32_words


def test_win32_values_beyond_32_bits_signed_and_wrapped_forms() -> None:
    big = describe(200, 0, 2**64 - 1)
    assert big.win32 == 2**64 - 1 and "0xFFFFFFFFFFFFFFFF" in big.win32_words
    assert win32_meaning(-2146893042).name == "SEC_E_NO_CREDENTIALS"  # a signed reading of 0x8009030E
    wrapped = win32_meaning(0x80070005)
    assert wrapped.name == "ERROR_ACCESS_DENIED" and wrapped.hex == "0x80070005"
    assert describe("401", "2", "5") == describe(401, 2, 5)  # the log's decimal text decodes the same


@given(
    st.one_of(st.none(), st.integers(), st.text(max_size=30)),
    st.one_of(st.none(), st.integers(), st.text(max_size=30)),
    st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=30)),
)
def test_garbage_never_raises(status: object, sub: object, win32: object) -> None:
    m = describe(status, sub, win32)  # type: ignore[arg-type]
    assert m.code and m.title and m.plain


@pytest.mark.parametrize("reason", REASONS)
def test_every_documented_httperr_reason_is_known(reason: str) -> None:
    r = httperr_reason(reason)
    assert r.known and r.reason == reason and r.meaning and r.who


def test_httperr_header_limits_name_the_registry_knobs() -> None:
    field, request = httperr_reason("FieldLength"), httperr_reason("RequestLength")
    for r, knob in ((field, "MaxFieldLength"), (request, "MaxRequestBytes")):
        assert r.fix is not None and knob in r.fix and r"Services\HTTP\Parameters" in r.fix
        assert (r.who, r.status, r.normal) == ("http.sys", 400, False)


def test_httperr_hostname_verb_url_and_idle_timer() -> None:
    host = httperr_reason("Hostname")
    assert host.fix is not None and "binding" in host.fix and "Host header" in host.meaning
    assert "verb" in httperr_reason("Verb").meaning and httperr_reason("Verb").status == 400
    assert "URL" in httperr_reason("URL").meaning
    idle = httperr_reason("Timer_ConnectionIdle")
    assert idle.normal and "not an error" in idle.meaning and idle.fix is None
    assert httperr_reason("Client_Reset").who == "the client"


def test_httperr_reasons_match_case_insensitively_and_unknown_ones_say_so() -> None:
    assert httperr_reason(" timer_connectionidle ").reason == "Timer_ConnectionIdle"
    unknown = httperr_reason("Request_Cancelled")
    assert not unknown.known and "no meaning known" in unknown.meaning and unknown.fix is None
    assert not httperr_reason("").known
    assert not httperr_reason(None).known  # type: ignore[arg-type]


def test_meanings_are_a_view_of_the_catalogue() -> None:
    assert len(MEANINGS) >= len(DOCUMENTED)
    for (status, sub), text in MEANINGS.items():
        assert text.startswith(describe(status, sub).title) and meaning(status, sub) == text


def test_the_shared_contract_module_offers_both_lookups() -> None:
    from console.engine.iis import catalogue

    assert catalogue.httperr_reason("FieldLength").known and catalogue.describe(401, 2, 5).normal
