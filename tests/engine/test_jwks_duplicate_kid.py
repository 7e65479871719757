"""A JWKS with two keys under one kid is ambiguous (RFC 7517 §4.5): named, and verified as a kid lookup would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jwtkit import CLIENT_ID, ISSUER, Keys, access_claims, sign

from console.cli import main
from console.engine.tokens import KeySet, inspect_token, jwks_from_json
from console.model import Expectations, SignatureStatus

COGNITO = Expectations(issuer=ISSUER, audiences=(CLIENT_ID,), token_use="access")


def keyset(*entries: dict[str, Any]) -> KeySet:
    return jwks_from_json(json.dumps({"keys": list(entries)}), "test JWKS")


def duplicate_set(k: Keys) -> KeySet:
    """Two different RSA keys, both published as kid 'k1': rsa first, rsa_other second."""
    return keyset(k.jwk(k.rsa, "k1", "RS256"), k.jwk(k.rsa_other, "k1", "RS256"))


def signed_by(key: Any, kid: str = "k1") -> str:
    return sign({"alg": "RS256", "kid": kid, "typ": "JWT"}, access_claims(), key, "RS256")


def test_token_signed_by_the_second_key_under_a_duplicate_kid_is_not_valid(keys: Keys) -> None:
    report = inspect_token(signed_by(keys.rsa_other), keys=duplicate_set(keys), expect=COGNITO)
    assert not report.ok
    assert report.signature.status is not SignatureStatus.VALID
    ambiguous = report.finding("token.kid_ambiguous")
    assert ambiguous is not None, report.codes()
    assert "key #2" in ambiguous.detail and "key #1" in ambiguous.detail and "'k1'" in ambiguous.detail
    duplicate = report.finding("token.jwks_duplicate_kid")
    assert duplicate is not None and "2 keys with kid 'k1'" in duplicate.detail


def test_token_signed_by_the_first_key_verifies_and_the_set_is_still_named(keys: Keys) -> None:
    report = inspect_token(signed_by(keys.rsa), keys=duplicate_set(keys), expect=COGNITO)
    assert report.signature.status is SignatureStatus.VALID
    assert "key #1" in report.signature.detail  # which of the two verified
    assert report.codes() == ["token.jwks_duplicate_kid"]
    assert report.ok  # a warning: every verifier, first-match or try-each, accepts this token


def test_the_duplicate_is_named_even_for_a_token_with_another_kid(keys: Keys) -> None:
    k1_twice = (keys.jwk(keys.rsa_other, "k1", "RS256"), keys.jwk(keys.rsa, "k1"))
    rsa_twice = keyset(keys.jwk(keys.rsa, "k2", "RS256"), *k1_twice)
    report = inspect_token(signed_by(keys.rsa, "k2"), keys=rsa_twice, expect=COGNITO)
    assert report.signature.status is SignatureStatus.VALID
    assert report.codes() == ["token.jwks_duplicate_kid"]


def test_keys_of_different_types_under_one_kid_are_the_rfc_alternatives(keys: Keys) -> None:
    """RFC 7517 §4.5's own example: same kid, different kty; the token's alg picks one, so nothing is ambiguous."""
    both = keyset(keys.jwk(keys.ec256, "k1", "ES256"), keys.jwk(keys.rsa, "k1", "RS256"))
    report = inspect_token(signed_by(keys.rsa), keys=both, expect=COGNITO)
    assert report.signature.status is SignatureStatus.VALID
    assert report.codes() == []


@pytest.mark.parametrize("second_verifies", [True, False])
def test_decode_cli_with_a_duplicate_kid_jwks(
    second_verifies: bool, keys: Keys, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jwks = tmp_path / "dup.jwks"
    jwks.write_text(json.dumps({"keys": [keys.jwk(keys.rsa, "k1"), keys.jwk(keys.rsa_other, "k1")]}), "utf-8")
    token = signed_by(keys.rsa_other if second_verifies else keys.rsa)
    code = main(["decode", token, "--jwks", str(jwks), "--json"])
    doc = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in doc["findings"]]
    assert "token.jwks_duplicate_kid" in codes
    if second_verifies:
        assert code == 1 and doc["ok"] is False and "token.kid_ambiguous" in codes
        assert doc["signature"]["status"] != "valid"
    else:
        assert code == 0 and doc["ok"] is True and doc["signature"]["status"] == "valid"
