"""Decoding what people paste: normalisation notes, JWE/opaque recognition, and clear errors."""

from __future__ import annotations

import json

import pytest
from jwtkit import Keys, access_claims, b64, sign

from console.engine.tokens import MAX_TOKEN_BYTES, decode_token
from console.errors import TokenDecodeError
from console.model import TokenKind


@pytest.fixture(scope="module")
def token() -> str:
    from jwtkit import make_keys

    return sign({"alg": "RS256", "kid": "k1"}, access_claims(), make_keys().rsa, "RS256")


@pytest.mark.parametrize(
    "wrap,note",
    [
        ("Bearer {t}", "removed the 'Bearer ' prefix"),
        ("bearer   {t}\n", "removed the 'Bearer ' prefix"),
        ("Authorization: Bearer {t}", "removed the 'Authorization:' header name"),
        ('"{t}"', "removed surrounding quotes"),
        ("{a}\n{b}", "removed whitespace and line breaks inside the token"),
        (
            "curl -s https://api.example/orders \\\n  -H 'Authorization: Bearer {t}' -H 'X-Api-Key: k'",
            "took the token from the Authorization header line in the pasted text",
        ),
    ],
)
def test_pasted_forms_are_normalised_with_a_note(wrap: str, note: str, token: str) -> None:
    text = wrap.format(t=token, a=token[:40], b=token[40:])
    decoded = decode_token(text)
    assert decoded.compact == token
    assert note in decoded.notes
    assert decoded.raw == text  # the original text is kept


def test_url_encoded_token_is_decoded(token: str) -> None:
    decoded = decode_token(token.replace(".", "%2E"))
    assert decoded.compact == token
    assert any("URL-decoded" in n for n in decoded.notes)


def test_segments_and_sizes(token: str) -> None:
    decoded = decode_token(token)
    assert decoded.kind is TokenKind.JWS
    assert decoded.header == {"alg": "RS256", "kid": "k1"}
    assert decoded.claims["username"] == "alice"
    assert decoded.signature_bytes == 256
    assert decoded.size == len(token)


def test_opaque_and_jwe_are_recognised() -> None:
    assert decode_token("2YotnFZFEjr1zCsicMWpAA").kind is TokenKind.OPAQUE
    jwe = decode_token("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn")
    assert jwe.kind is TokenKind.JWE and jwe.header["enc"] == "A256GCM"


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the input is empty"),
        ("   \n", "the input is empty"),
        ("a.b", "2 dot-separated segments"),
        ("a.b.c.d", "4 dot-separated segments"),
        ("eyJ+.e30.", "header segment is not base64url: '+' at position 4"),
        ("eyJ!.e30.", "character '!' at position 4 cannot appear in a token"),
        ("eyJhbGciOiJSUzI1NiJ9.e30=.", "payload segment is not base64url: '=' at position 4"),
        (f"{b64(b'[]')}.e30.", "header segment is JSON list, not an object"),
        (f"{b64(b'{not json')}.e30.", "header segment is not JSON"),
        (f"{b64(bytes([0xFF, 0xFE, 0x7B]))}.e30.", "header segment is not UTF-8 text"),
        (b64(b"{}") + "." + b64(b'{"exp": NaN}') + ".", "payload segment is not usable JSON: NaN is not valid JSON"),
        ("caf\u00e9.e30.", "character '\\xe9' at position 4 cannot appear in a token"),
        ("x" * (MAX_TOKEN_BYTES + 1), "Baton reads tokens up to 65,536"),
    ],
)
def test_unreadable_input_gets_a_specific_error(text: str, message: str) -> None:
    with pytest.raises(TokenDecodeError) as info:
        decode_token(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_deeply_nested_claims_are_an_error_not_a_crash() -> None:
    deep = b"[" * 20000 + b"]" * 20000
    with pytest.raises(TokenDecodeError, match=r"nested too deeply|not usable JSON"):
        decode_token("e30." + b64(b'{"a":' + deep[:40000] + b"}") + ".")


def test_utf16_json_is_decoded_but_marked(keys: Keys) -> None:
    text = sign(
        json.dumps({"alg": "RS256"}).encode("utf-16-le"),
        json.dumps({"sub": "a"}).encode("utf-16-le"),
        keys.rsa,
        "RS256",
    )
    decoded = decode_token(text)
    assert decoded.claims == {"sub": "a"}
    assert decoded.encoding.startswith("utf-16")


def test_duplicate_claims_keep_every_value(keys: Keys) -> None:
    text = sign({"alg": "RS256"}, b'{"sub":"alice","sub":"admin"}', keys.rsa, "RS256")
    decoded = decode_token(text)
    assert decoded.claims["sub"] == "admin"
    assert decoded.duplicates[0].values == ("alice", "admin")
