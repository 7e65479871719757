"""One regression test per pyjwt advisory in shared/domain/security.md §2.1: Baton must refuse each shape."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import serialization
from jwtkit import ISSUER, Keys, access_claims, b64, sign, unsigned

from console.engine.tokens import hmac_key, inspect_token, jwks_from_json, key_from_pem
from console.errors import KeyLoadError
from console.model import Expectations, SignatureStatus


def hs256_with(secret: bytes, claims: dict[str, object] | None = None) -> str:
    signing_input = (
        f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}."
        f"{b64(json.dumps(claims or access_claims(sub='admin')).encode())}"
    )
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def test_2015_alg_none_bypass(keys: Keys) -> None:
    """pyjwt 1.0.x: alg=None skipped verification (PRs #109/#110 added the algorithms allowlist)."""
    pem = key_from_pem(keys.pem(keys.rsa), "pub.pem")
    report = inspect_token(unsigned({"alg": "None"}, access_claims(sub="admin")), keys=pem)
    assert report.signature.status is not SignatureStatus.VALID
    assert "token.alg_none" in report.codes() and not report.ok


def test_cve_2017_11424_pkcs1_pem_as_hmac_secret(keys: Keys) -> None:
    """pyjwt 1.5.1: a PKCS#1 PEM public key could be used as the HMAC secret."""
    pkcs1 = keys.rsa.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    report = inspect_token(hs256_with(pkcs1), keys=key_from_pem(pkcs1, "pkcs1.pem"))
    assert report.codes() == ["token.alg_confusion"]
    assert "IS an HMAC made with the public key" in report.findings[0].detail
    with pytest.raises(KeyLoadError, match="looks like a public key"):
        hmac_key(pkcs1, "file:pkcs1.pem")


def test_cve_2022_29217_ssh_public_key_as_hmac_secret(keys: Keys) -> None:
    """pyjwt 2.4.0: ssh-ed25519 public keys were not blocklisted as HMAC secrets."""
    ssh = keys.ed.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    with pytest.raises(KeyLoadError, match="algorithm-confusion"):
        hmac_key(ssh, "file:id_ed25519.pub")
    ed_pem = key_from_pem(keys.pem(keys.ed), "ed.pem")
    report = inspect_token(hs256_with(ssh), keys=ed_pem)
    assert report.codes() == ["token.alg_confusion"] and not report.ok


def test_cve_2024_53861_issuer_partial_match(keys: Keys) -> None:
    """pyjwt 2.10.0: iss was compared with `in`, so "abc" matched "__abcd__"."""
    jwks = jwks_from_json(json.dumps({"keys": [keys.jwk(keys.rsa, "k1", "RS256")]}), "jwks")
    for iss in (ISSUER[:-3], ISSUER[5:], f"__{ISSUER}__"):
        text = sign({"alg": "RS256", "kid": "k1"}, access_claims(iss=iss), keys.rsa, "RS256")
        report = inspect_token(text, keys=jwks, expect=Expectations(issuer=ISSUER))
        assert report.codes() == ["token.issuer_mismatch"], iss


def test_cve_2026_32597_unknown_crit_accepted(keys: Keys) -> None:
    """pyjwt 2.12.0: unknown `crit` extensions were accepted (RFC 7515 §4.1.11 says MUST reject)."""
    jwks = jwks_from_json(json.dumps({"keys": [keys.jwk(keys.rsa, "k1", "RS256")]}), "jwks")
    text = sign({"alg": "RS256", "kid": "k1", "crit": ["exp2"], "exp2": 1}, access_claims(), keys.rsa, "RS256")
    report = inspect_token(text, keys=jwks)
    assert report.signature.status is SignatureStatus.VALID  # a valid signature does not save it
    assert "token.crit_unsupported" in report.codes() and not report.ok


def test_cve_2026_48526_jwk_json_as_hmac_secret(keys: Keys) -> None:
    """pyjwt 2.13.0: the public JWK JSON string was accepted as an HMAC secret."""
    jwk = keys.jwk(keys.rsa, "k1", "RS256")
    jwks = jwks_from_json(json.dumps({"keys": [jwk]}), "jwks")
    public_only = {k: v for k, v in jwk.items()}
    forged = hs256_with(json.dumps(public_only).encode())
    report = inspect_token(forged, keys=jwks)
    assert report.codes() == ["token.alg_confusion"]
    assert "IS an HMAC made with the public key" in report.findings[0].detail
    with pytest.raises(KeyLoadError):
        hmac_key(json.dumps(public_only).encode(), "env:JWK")


def test_cve_2020_28042_null_signature(keys: Keys) -> None:
    """jwt_tool's null-signature check: an RS256 header with an empty signature segment."""
    pem = key_from_pem(keys.pem(keys.rsa), "pub.pem")
    report = inspect_token(unsigned({"alg": "RS256"}, access_claims()), keys=pem)
    assert report.codes()[0] == "token.signature_empty" and not report.ok


def test_cve_2022_21449_psychic_signature(keys: Keys) -> None:
    """Java's ECDSA accepted r=s=0; Baton names it before any library sees it."""
    jwks = jwks_from_json(json.dumps({"keys": [keys.jwk(keys.ec256, "e1", "ES256")]}), "jwks")
    report = inspect_token(unsigned({"alg": "ES256", "kid": "e1"}, access_claims(), bytes(64)), keys=jwks)
    assert "token.ecdsa_zero_signature" in report.codes() and not report.ok


def test_pyjwk_errors_never_echo_the_secret() -> None:
    """security.md §1.3: pyjwt's PyJWK errors embed the whole JWK, symmetric k included."""
    secret = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr"
    doc = json.dumps({"keys": [{"kty": "RSA", "kid": "bad", "n": secret, "k": secret}]})
    with pytest.raises(KeyLoadError) as info:
        jwks_from_json(doc, "jwks.json")
    assert secret not in str(info.value)
