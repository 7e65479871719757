"""The key → line locator: tables, dotted keys, quoted keys, inline tables, multi-line strings."""

from __future__ import annotations

from console.config.locate import Locator, split_key

TEXT = '''\
name = "x"
gateway.url = "https://a.example"
description = """
kind = "not a key, inside a string"
"""

[identity]
flow = "static"
"quoted.key" = 1

[ propagation ]
headers = { "X-User-Id" = "sub", 'X-B' = "a = b, c = d", Plain = "x" }
nested = { a = { b = 1 }, c = 2 }

[aws.extra]
region = "eu-west-1"
'''


def test_split_key_handles_quotes_and_dots() -> None:
    assert split_key("a . \"b.c\" . 'd'") == ("a", "b.c", "d")


def test_lines_of_keys_and_tables() -> None:
    where = Locator(TEXT)
    assert where.line_of(("name",)) == 1
    assert where.line_of(("gateway", "url")) == 2
    assert where.line_of(("gateway",)) == 2
    assert where.line_of(("kind",)) is None  # inside a multi-line string
    assert where.line_of(("identity",)) == 7
    assert where.line_of(("identity", "flow")) == 8
    assert where.line_of(("identity", "quoted.key")) == 9
    assert where.line_of(("propagation",)) == 11
    assert where.line_of(("aws", "extra", "region")) == 16
    assert where.line_of(("aws",)) == 15


def test_inline_table_keys_share_their_line_and_strings_do_not_count() -> None:
    where = Locator(TEXT)
    assert where.line_of(("propagation", "headers", "X-User-Id")) == 12
    assert where.line_of(("propagation", "headers", "X-B")) == 12
    assert where.line_of(("propagation", "headers", "Plain")) == 12
    assert where.line_of(("propagation", "headers", "c")) is None  # 'c = d' is inside a string
    assert where.line_of(("propagation", "nested", "a", "b")) == 13
    assert where.line_of(("propagation", "nested", "c")) == 13


def test_line_near_falls_back_to_the_table() -> None:
    where = Locator(TEXT)
    assert where.line_near(("identity", "token")) == 7
    assert where.line_near(("iis", "url")) is None


def test_escaped_keys_are_decoded_as_tomllib_decodes_them() -> None:
    assert split_key('"\\u001b[2Jk" . "a\\tb" . "\\U0001F600" . "q\\"x"') == ("\x1b[2Jk", "a\tb", "\U0001f600", 'q"x')
    where = Locator('"\\u001bk" = 1\n[gateway]\nurl = "x"\n"\\u00e9t\\u00e9" = 2\n')
    assert where.line_of(("\x1bk",)) == 1
    assert where.line_of(("gateway", "été")) == 4
