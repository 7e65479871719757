"""One case per finding code: a token built for it must produce that code, and ok must follow severity."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from jwtkit import CLIENT_ID, ISSUER, Keys, access_claims, b64, sign, unsigned

from console.engine.tokens import (
    TOKEN_FINDINGS,
    KeySet,
    hmac_key,
    inspect_token,
    jwks_from_json,
    key_from_pem,
)
from console.model import Expectations, Severity, SignatureStatus

MANY_GROUPS = [f"g-{i:05d}" for i in range(1500)]
JWE = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn"
COGNITO = Expectations(issuer=ISSUER, audiences=(CLIENT_ID,), token_use="access")
Case = tuple[str, KeySet | None, Expectations | None, dict[str, Any]]


def jwks(k: Keys, *entries: dict[str, Any]) -> KeySet:
    return jwks_from_json(json.dumps({"keys": list(entries)}), "test JWKS")


def rs(k: Keys, claims: dict[str, Any] | bytes | None = None, header: dict[str, Any] | bytes | None = None) -> str:
    return sign(header or {"alg": "RS256", "kid": "k1", "typ": "JWT"}, claims or access_claims(), k.rsa, "RS256")


def good_set(k: Keys) -> KeySet:
    return jwks(k, k.jwk(k.rsa, "k1", "RS256"))


CASES: dict[str, Callable[[Keys], Case]] = {
    "token.encrypted": lambda k: (JWE, None, None, {}),
    "token.not_jwt": lambda k: ("2YotnFZFEjr1zCsicMWpAA9xkq3u", None, None, {}),
    "token.not_utf8": lambda k: (
        sign(
            json.dumps({"alg": "RS256", "kid": "k1"}).encode("utf-16"),
            json.dumps(access_claims()).encode("utf-16"),
            k.rsa,
            "RS256",
        ),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.duplicate_claim": lambda k: (
        rs(k, claims=json.dumps(access_claims())[:-1].encode() + b', "sub": "admin"}'),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.too_large_for_iis": lambda k: (
        rs(k, access_claims(**{"cognito:groups": MANY_GROUPS})),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.alg_none": lambda k: (unsigned({"alg": "none"}, access_claims()), good_set(k), COGNITO, {}),
    "token.alg_unsupported": lambda k: (
        unsigned({"alg": "HS999"}, access_claims(), b"x" * 32),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.untrusted_key_header": lambda k: (
        sign({"alg": "RS256", "kid": "k1", "jku": "https://evil.example/jwks"}, access_claims(), k.rsa, "RS256"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.kid_suspicious": lambda k: (
        sign({"alg": "RS256", "kid": "../../../../dev/null"}, access_claims(), k.rsa, "RS256"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.crit_unsupported": lambda k: (
        sign({"alg": "RS256", "kid": "k1", "crit": ["x-unknown"], "x-unknown": 1}, access_claims(), k.rsa, "RS256"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.signature_unverified": lambda k: (rs(k), None, COGNITO, {}),
    "token.signature_empty": lambda k: (rs(k).rsplit(".", 1)[0] + ".", good_set(k), COGNITO, {}),
    "token.signature_invalid": lambda k: (
        sign({"alg": "RS256", "kid": "k1"}, access_claims(), k.rsa_other, "RS256"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.ecdsa_zero_signature": lambda k: (
        unsigned({"alg": "ES256", "kid": "e1"}, access_claims(), bytes(64)),
        jwks(k, k.jwk(k.ec256, "e1", "ES256")),
        COGNITO,
        {},
    ),
    "token.alg_confusion": lambda k: (_hmac_forged(k), good_set(k), COGNITO, {}),
    "token.alg_key_mismatch": lambda k: (
        sign({"alg": "RS384", "kid": "k1"}, access_claims(), k.rsa, "RS384"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.kid_unknown": lambda k: (
        sign({"alg": "RS256", "kid": "rotated-2"}, access_claims(), k.rsa_other, "RS256"),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.hmac_secret_weak": lambda k: (
        sign({"alg": "HS256"}, access_claims(), b"short-secret", "HS256"),
        hmac_key(b"short-secret", "env:TEST"),
        COGNITO,
        {},
    ),
    "token.jwks_symmetric_key": lambda k: (
        rs(k),
        jwks(k, k.jwk(k.rsa, "k1", "RS256"), {"kty": "oct", "kid": "h1", "k": b64(b"s" * 32)}),
        COGNITO,
        {},
    ),
    "token.jwks_duplicate_kid": lambda k: (
        rs(k),
        jwks(k, k.jwk(k.rsa, "k1", "RS256"), k.jwk(k.rsa_other, "k1", "RS256")),
        COGNITO,
        {},
    ),
    "token.kid_ambiguous": lambda k: (
        sign({"alg": "RS256", "kid": "k1"}, access_claims(), k.rsa_other, "RS256"),
        jwks(k, k.jwk(k.rsa, "k1", "RS256"), k.jwk(k.rsa_other, "k1", "RS256")),
        COGNITO,
        {},
    ),
    "token.expired": lambda k: (rs(k, access_claims(exp=int(time.time()) - 7200)), good_set(k), COGNITO, {}),
    "token.expired_within_leeway": lambda k: (
        rs(k, access_claims(exp=int(time.time()) - 30)),
        good_set(k),
        Expectations(issuer=ISSUER, leeway=120),
        {},
    ),
    "token.not_yet_valid": lambda k: (rs(k, access_claims(nbf=int(time.time()) + 600)), good_set(k), COGNITO, {}),
    "token.too_old": lambda k: (
        rs(k, access_claims(iat=int(time.time()) - 7200)),
        good_set(k),
        Expectations(max_age=3600),
        {},
    ),
    "token.exp_missing": lambda k: (rs(k, access_claims(exp=None)), good_set(k), COGNITO, {}),
    "token.claim_type_invalid": lambda k: (rs(k, access_claims(exp="tomorrow")), good_set(k), COGNITO, {}),
    "token.issuer_mismatch": lambda k: (rs(k, access_claims(iss=ISSUER[:-1])), good_set(k), COGNITO, {}),
    "token.audience_mismatch": lambda k: (rs(k, access_claims(client_id="someone-else")), good_set(k), COGNITO, {}),
    "token.wrong_token_use": lambda k: (
        rs(k, access_claims(token_use="id", aud=CLIENT_ID, client_id=None)),
        good_set(k),
        COGNITO,
        {},
    ),
    "token.scope_missing": lambda k: (rs(k), good_set(k), Expectations(scopes=("orders/admin",)), {}),
    "token.claim_missing": lambda k: (rs(k), good_set(k), Expectations(required_claims=("email",)), {}),
    "token.clock_skew": lambda k: (rs(k), good_set(k), COGNITO, {"server_date": time.time() + 40}),
}


def _hmac_forged(k: Keys) -> str:
    return sign({"alg": "HS256", "kid": "k1"}, access_claims(), b"unrelated-but-long-enough-secret-xx", "HS256")


def test_every_catalogued_code_has_a_case() -> None:
    assert set(CASES) == set(TOKEN_FINDINGS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_finding_code_is_produced(code: str, keys: Keys) -> None:
    text, keyset, expect, extra = CASES[code](keys)
    report = inspect_token(text, keys=keyset, expect=expect, **extra)
    found = report.finding(code)
    assert found is not None, f"{code} not in {report.codes()}"
    entry = TOKEN_FINDINGS[code]
    assert (found.severity, found.title, found.fix) == (entry.severity, entry.title, entry.fix)
    assert found.detail
    if entry.severity is Severity.ERROR:
        assert not report.ok


def test_healthy_token_has_no_findings(keys: Keys) -> None:
    report = inspect_token(rs(keys), keys=good_set(keys), expect=COGNITO)
    assert report.codes() == []
    assert report.ok
    assert report.signature.status is SignatureStatus.VALID
    assert report.signature.kid == "k1"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_in_any_casing_is_refused(alg: str, keys: Keys) -> None:
    report = inspect_token(unsigned({"alg": alg}, access_claims()), keys=good_set(keys), expect=COGNITO)
    assert report.codes()[0] == "token.alg_none"
    assert report.signature.status is SignatureStatus.UNSUPPORTED
    assert not report.ok


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u", "x5c"])
def test_untrusted_key_headers_are_named_and_never_fetched(
    header: str, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def no_network(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the engine opened a connection because of a token header")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    attacker = keys.rsa_other
    value: Any = {
        "jwk": keys.jwk(attacker, "evil"),
        "jku": "https://evil.example/jwks.json",
        "x5u": "https://evil.example/cert.pem",
        "x5c": ["MIIBevil"],
    }[header]
    text = sign({"alg": "RS256", "kid": "k1", header: value}, access_claims(sub="admin"), attacker, "RS256")
    report = inspect_token(text, keys=good_set(keys), expect=COGNITO)
    assert "token.untrusted_key_header" in report.codes()
    assert header in report.finding("token.untrusted_key_header").detail  # type: ignore[union-attr]
    assert report.signature.status is SignatureStatus.INVALID  # the attacker's own key was not used


@pytest.mark.parametrize(
    "kid", ["../../../../dev/null", "/dev/null", "|sleep 10", "x' UNION SELECT '1';--", "k" * 10_000, 0, None, []]
)
def test_hostile_kids_are_flagged_and_only_looked_up(kid: Any, keys: Keys) -> None:
    text = sign({"alg": "RS256", "kid": kid}, access_claims(), keys.rsa, "RS256")
    report = inspect_token(text, keys=good_set(keys), expect=COGNITO)
    assert "token.kid_suspicious" in report.codes() or kid is None
    assert not report.ok or kid is None
    detail = " ".join(f.detail for f in report.findings)
    assert len(detail) < 2000  # a 10 kB kid is truncated in messages


def test_kid_unknown_lists_the_kids_the_set_has(keys: Keys) -> None:
    keyset = jwks(keys, keys.jwk(keys.rsa, "k1", "RS256"), keys.jwk(keys.ec256, "k2", "ES256"))
    text = sign({"alg": "RS256", "kid": "rotated-3"}, access_claims(), keys.rsa_other, "RS256")
    report = inspect_token(text, keys=keyset, expect=COGNITO)
    detail = report.finding("token.kid_unknown").detail  # type: ignore[union-attr]
    assert "'rotated-3'" in detail and "'k1'" in detail and "'k2'" in detail


def test_alg_confusion_says_when_the_hmac_secret_is_the_public_key(keys: Keys) -> None:
    keyset = key_from_pem(keys.pem(keys.rsa), "key file pub.pem")
    forged = _forge_with(keys.pem(keys.rsa))  # pyjwt refuses to sign with a PEM as the HMAC secret
    report = inspect_token(forged, keys=keyset, expect=COGNITO)
    assert report.codes() == ["token.alg_confusion"]
    assert "IS an HMAC made with the public key" in report.findings[0].detail
    assert report.signature.status is SignatureStatus.INVALID


def _forge_with(secret: bytes) -> str:
    import hashlib
    import hmac

    claims = json.dumps(access_claims(sub="admin")).encode()
    signing_input = f"{b64(json.dumps({'alg': 'HS256'}).encode())}.{b64(claims)}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def test_expired_within_leeway_is_accepted_and_says_so(keys: Keys) -> None:
    text = rs(keys, access_claims(exp=int(time.time()) - 30))
    report = inspect_token(text, keys=good_set(keys), expect=Expectations(issuer=ISSUER, leeway=60))
    assert report.ok
    assert "inside the 60 s leeway" in report.finding("token.expired_within_leeway").detail  # type: ignore[union-attr]


def test_expired_detail_says_how_long_ago(keys: Keys) -> None:
    text = rs(keys, access_claims(exp=int(time.time()) - 7200))
    detail = inspect_token(text, keys=good_set(keys), expect=COGNITO).finding("token.expired").detail  # type: ignore[union-attr]
    assert detail.startswith("expired 2 h ago at ")


@pytest.mark.parametrize("bad_exp", [b'"tomorrow"', b"true", b"1e309", b"-1"])
def test_malformed_time_claims_are_type_errors(bad_exp: bytes, keys: Keys) -> None:
    claims = (
        b'{"sub":"a","iss":"'
        + ISSUER.encode()
        + b'","client_id":"'
        + CLIENT_ID.encode()
        + b'","token_use":"access","exp":'
        + bad_exp
        + b"}"
    )
    report = inspect_token(rs(keys, claims), keys=good_set(keys), expect=COGNITO)
    assert "token.claim_type_invalid" in report.codes()
    assert not report.ok


def test_iat_in_the_future_is_not_yet_valid(keys: Keys) -> None:
    text = rs(keys, access_claims(iat=int(time.time()) + 600))
    report = inspect_token(text, keys=good_set(keys), expect=COGNITO)
    assert "token.not_yet_valid" in report.codes()


def test_homoglyph_issuer_shows_the_code_points(keys: Keys) -> None:
    text = rs(keys, access_claims(iss=ISSUER.replace("o", "\u043e", 1)))
    detail = inspect_token(text, keys=good_set(keys), expect=COGNITO).finding("token.issuer_mismatch").detail  # type: ignore[union-attr]
    assert "U+043E" in detail


def test_id_token_checked_as_access_names_both_kinds(keys: Keys) -> None:
    text = rs(keys, access_claims(token_use="id", aud=CLIENT_ID, client_id=None))
    detail = inspect_token(text, keys=good_set(keys), expect=COGNITO).finding("token.wrong_token_use").detail  # type: ignore[union-attr]
    assert detail == "expected an access token, got an id token"


def test_cognito_access_token_audience_is_its_client_id(keys: Keys) -> None:
    report = inspect_token(rs(keys), keys=good_set(keys), expect=COGNITO)
    assert "token.audience_mismatch" not in report.codes()


def test_aud_list_matches_on_any_member(keys: Keys) -> None:
    text = rs(keys, access_claims(aud=["api://other", CLIENT_ID]))
    assert inspect_token(text, keys=good_set(keys), expect=COGNITO).ok


def test_scope_missing_names_missing_and_granted(keys: Keys) -> None:
    report = inspect_token(rs(keys), keys=good_set(keys), expect=Expectations(scopes=("orders/read", "admin")))
    detail = report.finding("token.scope_missing").detail  # type: ignore[union-attr]
    assert detail.startswith("missing admin;") and "orders/read" in detail


def test_clock_skew_judges_by_the_server_clock(keys: Keys) -> None:
    now = time.time()
    text = rs(keys, access_claims(exp=int(now) + 60))
    report = inspect_token(text, keys=good_set(keys), expect=COGNITO, now=now, server_date=now + 120)
    assert "token.expired" in report.codes() and "token.clock_skew" in report.codes()
    assert report.clock_skew == pytest.approx(120)


@pytest.mark.parametrize("key_name,alg", [("ec256", "ES256"), ("ed", "EdDSA"), ("rsa", "PS256")])
def test_other_algorithms_verify(key_name: str, alg: str, keys: Keys) -> None:
    private = getattr(keys, key_name)
    text = sign({"alg": alg, "kid": "x"}, access_claims(), private, alg)
    jwk = keys.jwk(private, "x")
    report = inspect_token(text, keys=jwks(keys, jwk), expect=COGNITO)
    assert report.signature.status is SignatureStatus.VALID, report.codes()


def test_hmac_verifies_with_a_strong_secret(keys: Keys) -> None:
    secret = b"s" * 32
    text = sign({"alg": "HS256"}, access_claims(), secret, "HS256")
    report = inspect_token(text, keys=hmac_key(secret, "env:X"), expect=COGNITO)
    assert report.signature.status is SignatureStatus.VALID and report.codes() == []


def test_jwe_is_never_judged_valid() -> None:
    report = inspect_token("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn")
    assert report.signature.status is SignatureStatus.UNSUPPORTED
    assert "RSA-OAEP" in report.findings[0].detail
    assert report.token.claims == {}


@pytest.mark.parametrize(
    "kid",
    [
        "/Q2iDj3woPW4yEN8PxwrghUpgww8Zvu9ny6qYVE49fg=",
        "fgjhlkhj/Ypnk+Hb2q1Qz0w7NlVh1M8yGq0xgRPJxks=",
        "k1",
        "rotated-2",
        "2021-key_01",
    ],
)
def test_ordinary_kids_are_not_suspicious(kid: str, keys: Keys) -> None:
    """Regression: a base64 kid starting with '/' (1 in 64 Cognito kids) was flagged as a path."""
    text = sign({"alg": "RS256", "kid": kid}, access_claims(), keys.rsa, "RS256")
    report = inspect_token(text, keys=jwks(keys, keys.jwk(keys.rsa, kid, "RS256")), expect=COGNITO)
    assert report.codes() == []
