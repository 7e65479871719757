"""Where Baton disagreed with public JWT sources (bench/conformance_tokens.py): one own-fixture test per fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from jwtkit import Keys, access_claims, b64, sign

from console.engine.tokens import inspect_token, jwks_from_file, jwks_from_json, key_from_pem
from console.errors import KeyLoadError, TokenDecodeError
from console.model import SignatureStatus

SECRET = os.urandom(64)  # binary, like RFC 7515 A.1's key: not UTF-8


def hs256(secret: bytes = SECRET, **header: object) -> str:
    return sign({"alg": "HS256", **header}, access_claims(), secret, "HS256")


def oct_jwk(secret: bytes = SECRET, **extra: str) -> dict[str, str]:
    return {"kty": "oct", "k": b64(secret), **extra}


# -- oct keys in a key set the user holds ---------------------------------------------------------


def test_an_oct_jwk_in_a_jwks_file_verifies_hmac(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [oct_jwk(kid="h1")]}))
    report = inspect_token(hs256(kid="h1"), keys=jwks_from_file(path))
    assert report.signature.status is SignatureStatus.VALID
    assert "token.jwks_symmetric_key" not in report.codes()


def test_an_oct_jwk_verifies_only_its_own_alg_and_secret() -> None:
    keys = jwks_from_json(json.dumps({"keys": [oct_jwk(alg="HS512")]}), "inline JWKS", allow_symmetric=True)
    report = inspect_token(hs256(), keys=keys)
    assert report.signature.status is SignatureStatus.INVALID and "token.alg_key_mismatch" in report.codes()
    keys = jwks_from_json(json.dumps({"keys": [oct_jwk(os.urandom(64))]}), "inline JWKS", allow_symmetric=True)
    assert inspect_token(hs256(), keys=keys).signature.status is SignatureStatus.INVALID


def test_a_published_jwks_still_refuses_oct_keys(keys: Keys) -> None:
    doc = json.dumps({"keys": [keys.jwk(keys.rsa, "k1", "RS256"), oct_jwk(kid="h1")]})
    keyset = jwks_from_json(doc, "https://idp.example/jwks.json")
    assert keyset.kids() == ["k1"] and not keyset.symmetric
    assert [f.code for f in keyset.findings] == ["token.jwks_symmetric_key"]
    assert b64(SECRET) not in repr(keyset.findings)


@pytest.mark.parametrize(
    "bad,message",
    [
        ({"kty": "oct"}, 'without a "k" value'),
        ({"kty": "oct", "k": "not base64!"}, '"k" is not base64url'),
        ({"kty": "oct", "k": ""}, 'without a "k" value'),
    ],
)
def test_a_broken_oct_jwk_is_named_without_echo(bad: dict[str, str], message: str) -> None:
    with pytest.raises(KeyLoadError, match=message) as info:
        jwks_from_json(json.dumps({"keys": [bad]}), "inline JWKS", allow_symmetric=True)
    assert "base64!" not in str(info.value)


def test_key_wrapping_keys_are_skipped_not_refused() -> None:
    """RFC 7517 A.3's set holds an A128KW key beside the HMAC key: an encryption key, like use=enc."""
    doc = json.dumps({"keys": [oct_jwk(os.urandom(16), alg="A128KW"), oct_jwk(kid="h1")]})
    keyset = jwks_from_json(doc, "inline JWKS", allow_symmetric=True)
    assert keyset.kids() == ["h1"]
    assert inspect_token(hs256(), keys=keyset).signature.status is SignatureStatus.VALID


# -- payloads that are not JWT claims, explained by their header ----------------------------------


def test_b64_false_is_named_not_reported_as_bad_json() -> None:
    header = b64(json.dumps({"alg": "HS256", "b64": False, "crit": ["b64"]}).encode())
    for payload in ("", "foo"):
        with pytest.raises(TokenDecodeError, match=r"b64: false \(RFC 7797"):
            inspect_token(f"{header}.{payload}.{b64(b'x' * 32)}")


def test_a_compressed_jws_payload_is_named() -> None:
    import zlib

    header = b64(json.dumps({"alg": "HS256", "zip": "DEF"}).encode())
    payload = b64(zlib.compress(json.dumps(access_claims()).encode())[2:-4])
    with pytest.raises(TokenDecodeError, match=r"zip 'DEF'.*JWE-only"):
        inspect_token(f"{header}.{payload}.{b64(b'x' * 32)}")


def test_a_pss_salt_of_the_wrong_length_is_explained(keys: Keys) -> None:
    """RFC 7518 §3.5: the PSS salt is as long as the hash; golang-jwt verifies any salt for compatibility."""
    signing_input = f"{b64(json.dumps({'alg': 'PS256'}).encode())}.{b64(json.dumps(access_claims()).encode())}"
    signature = keys.rsa.sign(
        signing_input.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
        hashes.SHA256(),
    )
    report = inspect_token(f"{signing_input}.{b64(signature)}", keys=key_from_pem(keys.pem(keys.rsa), "pub.pem"))
    assert report.signature.status is SignatureStatus.INVALID
    assert "PSS salt of another length, which RFC 7518 §3.5 forbids" in report.signature.detail
    other = sign({"alg": "PS256"}, access_claims(), keys.rsa_other, "PS256")
    report = inspect_token(other, keys=key_from_pem(keys.pem(keys.rsa), "pub.pem"))
    assert "salt" not in report.signature.detail


def test_a_binary_secret_starting_with_a_brace_is_a_secret() -> None:
    """1 in 256 random keys starts with the byte '{': only a JSON object is refused as a would-be JWK."""
    from console.engine.tokens import hmac_key

    secret = b"{" + os.urandom(63)
    report = inspect_token(hs256(secret), keys=hmac_key(secret, "file:key.bin"))
    assert report.signature.status is SignatureStatus.VALID
    with pytest.raises(KeyLoadError, match="looks like a public key or JWK"):
        hmac_key(b' {"kty": "RSA", "n": "x", "e": "AQAB"}\n', "file:jwk.json")
