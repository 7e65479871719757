"""Properties of `baton decode`'s renderers over hostile claims: never raise, and the output is inert.

Claim names and values, header values and a kid are drawn from text rich in ESC, OSC, CSI, C1, bidi
controls, zero-width characters and lone surrogates; they travel the real way, JSON-encoded in a token's
segments, through decode and inspect, into the human renderer and the --json document.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from console.commands.decode import render_text, report_json
from console.commands.style import Style
from console.engine.tokens import hmac_key, inspect_token
from console.model.expectations import Expectations

PIECES = [
    "\x1b]52;c;cHduZWQ=\x1b\\",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\x85",
    "\u2028",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x7f",
    "[@click=app.quit]x[/]",
]
CHARS = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr), st.sampled_from("\x1b\x9b\x07\u202e"))
HOSTILE = st.one_of(st.text(alphabet=CHARS, max_size=40), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.one_of(HOSTILE, st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(HOSTILE, inner, max_size=3)),
    max_leaves=8,
)
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]")
SECRET = b"k" * 32


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _token(header: dict[str, Any], claims: dict[str, Any]) -> str:
    import hashlib
    import hmac

    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


@given(
    claims=st.dictionaries(HOSTILE, VALUES, max_size=6),
    extra=st.dictionaries(HOSTILE, VALUES, max_size=3),
    kid=HOSTILE,
    sub=HOSTILE,
    iss=HOSTILE,
    aud=HOSTILE,
    verified=st.booleans(),
)
def test_human_and_json_output_of_hostile_claims(
    claims: dict[str, Any], extra: dict[str, Any], kid: str, sub: str, iss: str, aud: str, verified: bool
) -> None:
    claims = {**claims, "sub": sub, "iss": iss, "aud": aud, "exp": 4_000_000_000}
    header = {**extra, "alg": "HS256", "kid": kid, "typ": "JWT"}
    report = inspect_token(
        _token(header, claims),
        keys=hmac_key(SECRET, "env:K") if verified else None,
        expect=Expectations(issuer="https://idp.example", audiences=("api",)),
    )
    text = render_text(report, Style(color=False))
    found = RAW.search(text)
    assert found is None, f"raw {found.group(0)!r} in the human output"
    text.encode("utf-8")  # strict: any stream can take it
    document = json.dumps(report_json(report))  # what --json writes: ASCII, every control escaped
    assert document.isascii() and RAW.search(document) is None
