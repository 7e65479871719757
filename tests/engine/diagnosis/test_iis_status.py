"""The IIS status catalogue and the readers for IIS detailed/custom pages, ASP.NET errors and http.sys pages."""

from __future__ import annotations

import pytest
from responsekit import load

from console.engine.iis import meaning, page_lines, read_error_page


@pytest.mark.parametrize(
    ("status", "sub", "words"),
    [
        (401, 2, "no enabled authentication method"),
        (401, 3, "ACL"),
        (403, 7, "Client certificate required"),
        (404, 10, "Request header too long"),
        (500, 19, "web.config"),
        (503, 0, "Application pool"),
        (401, None, "substatus unknown"),
        (401, 77, "substatus unknown"),
        (418, None, "HTTP 418"),
    ],
)
def test_meaning(status: int, sub: int | None, words: str) -> None:
    assert words in meaning(status, sub)


def test_detailed_page() -> None:
    page = read_error_page(load("iis_direct_401_2").body)
    assert page is not None
    assert (page.kind, page.status, page.substatus, page.line) == (
        "detailed",
        401,
        2,
        "HTTP Error 401.2 - Unauthorized",
    )
    assert page.description.startswith("You are not authorized to view this page")
    # 0x80070005 wraps Win32 error 5; "Not yet determined" is no user at all.
    assert (page.win32_status, page.logon_method, page.logon_user) == (5, None, None)


def test_sspi_error_codes_are_kept_whole() -> None:
    body = load("iis_direct_401_2").body.replace("0x80070005", "0x8009030e")
    page = read_error_page(body)
    assert page is not None and page.win32_status == 2148074254  # SEC_E_NO_CREDENTIALS, as the W3C log shows it


def test_custom_page_has_no_substatus() -> None:
    page = read_error_page(load("rest_iis_custom_401").body)
    assert page is not None
    assert (page.kind, page.status, page.substatus) == ("custom", 401, None)
    assert page.line == "401 - Unauthorized: Access is denied due to invalid credentials."
    assert page.description.startswith("You do not have permission")


def test_httpsys_page() -> None:
    page = read_error_page(load("httpsys_direct_400_too_long").body)
    assert page is not None
    assert (page.kind, page.status, page.line) == ("httpsys", 400, "Bad Request - Request Too Long")
    assert page.description == "The size of the request headers is too long."


def test_aspnet_error_page() -> None:
    body = (
        "<html><head><title>Runtime Error</title></head><body><span><H1>Server Error in '/' Application."
        "<hr width=100% size=1 color=silver></H1><h2> <i>Runtime Error</i> </h2></span></body></html>"
    )
    page = read_error_page(body)
    assert page is not None
    assert (page.kind, page.line, page.description) == ("aspnet", "Server Error in '/' Application.", "Runtime Error")


@pytest.mark.parametrize(
    "body",
    [
        '{"message":"Unauthorized"}',
        "plain text",
        "",
        "<html><body><h1>Welcome</h1></body></html>",
        "<h2>401 - Unauthorized</h2>",  # a heading alone, without IIS's "Server Error" banner, is not IIS's page
    ],
)
def test_other_bodies_are_not_iis_pages(body: str) -> None:
    assert read_error_page(body) is None


def test_page_text_drops_markup_scripts_and_styles_and_unescapes_entities() -> None:
    lines = page_lines(
        '<style>h1{color:red}</style><script>x("<h2>pwned</h2>")</script>'
        "<h1>A&nbsp;&amp;&nbsp;B</h1>\n<p>  &lt;b&gt;  not bold </p>"
    )
    assert lines == ["A & B", "<b> not bold"]
