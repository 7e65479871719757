"""Properties: decoding arbitrary input raises only TokenDecodeError (HYPOTHESIS_PROFILE=deep for 100,000)."""

from __future__ import annotations

import base64
import contextlib
import json

from hypothesis import given
from hypothesis import strategies as st

from console.engine.tokens import decode_token, inspect_token
from console.errors import TokenDecodeError
from console.sanitize import inert, is_inert


def seg(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
segments = st.one_of(
    st.binary(max_size=64).map(seg),
    json_values.map(lambda v: seg(json.dumps(v).encode())),
    st.dictionaries(
        st.sampled_from(["alg", "kid", "crit", "jku", "exp", "nbf", "iat", "aud", "iss", "b64"]),
        json_values,
        max_size=5,
    ).map(lambda d: seg(json.dumps(d).encode())),
    st.text(max_size=30),
)
token_like = st.lists(segments, min_size=1, max_size=6).map(".".join)


@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_the_declared_error(text: str) -> None:
    try:
        report = inspect_token(text)
    except TokenDecodeError as exc:
        assert "\n" not in str(exc)
    else:
        assert report.token.raw == text


@given(token_like)
def test_token_shaped_input_raises_only_the_declared_error(text: str) -> None:
    try:
        report = inspect_token(text)
    except TokenDecodeError:
        return
    assert isinstance(report.ok, bool)
    for finding in report.findings:
        assert finding.code.startswith("token.")


@given(st.binary(max_size=200))
def test_arbitrary_bytes_as_latin1_raise_only_the_declared_error(data: bytes) -> None:
    with contextlib.suppress(TokenDecodeError):
        decode_token(data.decode("latin-1"))


@given(st.text())
def test_sanitised_text_never_holds_a_control_character(text: str) -> None:
    shown = inert(text)
    assert is_inert(shown)
    assert not any(0x80 <= ord(c) <= 0x9F or ord(c) < 0x20 or ord(c) == 0x7F for c in shown)
