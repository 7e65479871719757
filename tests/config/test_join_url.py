"""join_url: the gateway URL from a profile and a request path, joined as a user expects."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.engine.target import join_url


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://h/dev/orders", "", "https://h/dev/orders"),
        ("https://h/dev/orders", "/", "https://h/dev/orders"),
        ("https://h/dev/orders/", "", "https://h/dev/orders/"),  # the base as given: no slash taken away either
        ("https://h/dev/orders", "/42", "https://h/dev/orders/42"),
        ("https://h/dev/orders", "42", "https://h/dev/orders/42"),
        ("https://h/dev/orders/", "/42", "https://h/dev/orders/42"),
        ("https://h/dev/orders//", "//42", "https://h/dev/orders/42"),
        ("https://h/dev/orders", "/42/", "https://h/dev/orders/42/"),
        ("https://h", "/whoami", "https://h/whoami"),
        ("https://h/", "/", "https://h/"),
        ("https://h/dev/orders?v=2", "", "https://h/dev/orders?v=2"),
        ("https://h/dev/orders?v=2", "/", "https://h/dev/orders?v=2"),
        ("https://h/dev/orders?v=2", "/42", "https://h/dev/orders/42?v=2"),
        ("https://h/dev/orders?v=2", "/42?x=1&y=2", "https://h/dev/orders/42?v=2&x=1&y=2"),
        ("https://h/dev/orders", "/42?x=1", "https://h/dev/orders/42?x=1"),
        ("https://h/dev/orders", "?x=1", "https://h/dev/orders?x=1"),
        ("https://h/dev/orders#top", "/42#frag", "https://h/dev/orders/42"),
        ("http://127.0.0.1:8123", "/prod/whoami", "http://127.0.0.1:8123/prod/whoami"),
    ],
)
def test_examples(base: str, path: str, expected: str) -> None:
    assert join_url(base, path) == expected


def test_the_reported_defects() -> None:
    # "/dev/orders is sent as /dev/orders/" and "with a query string the path lands inside the query"
    assert join_url("https://h/dev/orders", "/") == "https://h/dev/orders"
    assert httpx.URL(join_url("https://h/dev/orders?v=2", "/42")).path == "/dev/orders/42"


_segment = st.text(alphabet="abcXYZ019-._~%", min_size=1, max_size=8)
_segments = st.lists(_segment, max_size=4)
_query = st.lists(st.tuples(_segment, _segment), max_size=3).map(lambda kv: "&".join(f"{k}={v}" for k, v in kv))


@given(
    base_parts=_segments,
    base_slash=st.booleans(),
    base_query=_query,
    path_parts=_segments,
    lead=st.integers(0, 2),
    trail=st.booleans(),
    path_query=_query,
)
def test_joined_path_and_query(
    base_parts: list[str],
    base_slash: bool,
    base_query: str,
    path_parts: list[str],
    lead: int,
    trail: bool,
    path_query: str,
) -> None:
    base_path = "".join(f"/{p}" for p in base_parts) + ("/" if base_slash else "")
    base = f"https://gw.example{base_path}" + (f"?{base_query}" if base_query else "")
    path_path = "/" * lead + "/".join(path_parts) + ("/" if trail and path_parts else "")
    path = path_path + (f"?{path_query}" if path_query else "")

    url = join_url(base, path)
    main, _, query = url.partition("?")

    assert query == "&".join(q for q in (base_query, path_query) if q)
    if not path_parts:
        assert main == f"https://gw.example{base_path}"  # an empty or "/" path keeps the base as given
    else:
        assert main == "https://gw.example" + "".join(f"/{p}" for p in [*base_parts, *path_parts]) + (
            "/" if trail else ""
        )
        assert "//" not in main.removeprefix("https://")  # exactly one slash between
    assert url.startswith("https://gw.example")
    assert "#" not in url
