"""Conformance: each public JWT case run through `baton decode --json`; the verdict must be the one its source implies.

The cases live outside the project (../shared/conformance/tokens.json: token, keys, options and the public source of
each: RFC vectors and JWT library test suites). They carry no expected verdict: EXPECTED below is this project's
own reading of each case's source, one line per case id, with the reason. Keys are given as that file's ``about``
says: ``jwks`` → a JWKS file, ``pem`` → a PEM file, ``secret`` (UTF-8 text) and ``secret_b64u`` (raw bytes) →
``--secret file:PATH`` holding the exact bytes, ``secret_b64u_env`` → ``--secret env:VAR`` holding the raw bytes.
Run: ``.venv/bin/python bench/conformance_tokens.py [CASES.json]``; exit 0 when every case passes.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ROOT.parent / "shared" / "conformance" / "tokens.json"
ENV_VAR = "BATON_CONFORMANCE_SECRET"


@dataclass(frozen=True, slots=True)
class Expect:
    """A verdict: ``accept`` (exit 0), ``refuse`` (exit 1 with these finding codes) or ``unusable`` (exit 2)."""

    verdict: str
    codes: tuple[str, ...] = ()
    """Finding codes that must be among the refusing ones (``refuse``); for ``unusable`` a phrase of the error."""
    signature: str | None = None
    """The signature status the source implies (valid, invalid, unverified, unsupported), when it implies one."""
    why: str = ""


def ok(why: str, signature: str = "valid") -> Expect:
    return Expect("accept", signature=signature, why=why)


def refuse(*codes: str, signature: str | None = None, why: str = "") -> Expect:
    return Expect("refuse", codes, signature, why)


def unusable(phrase: str, why: str) -> Expect:
    return Expect("unusable", (phrase,), why=why)


NO_EXP = "token.exp_missing"
NO_EXP_WHY = "signature verifies per the source; Baton's default profile refuses a token without exp (security.md §7)"

EXPECTED: dict[str, Expect] = {
    # RFC 7515 / 7516 / 7520 / 7797 / 8037 vectors
    "rfc7515-a1-hs256-at-exp-window": ok("A.1 HS256 verifies; judged before its exp (2011-03-22T18:43Z)"),
    "rfc7515-a1-hs256-now": refuse("token.expired", signature="valid", why="A.1 verifies but expired in 2011"),
    "rfc7515-a1-hs256-jwks-oct": ok("RFC 7517 A.3's JWK Set holds A.1's oct key (and an A128KW key-wrap key to skip)"),
    "rfc7515-a2-rs256": ok("A.2 RS256 verifies with its RSA key, inside its validity"),
    "rfc7515-a2-rs256-now": refuse("token.expired", signature="valid", why="A.2 verifies but expired in 2011"),
    "rfc7515-a3-es256": ok("A.3 ES256 verifies with its P-256 key"),
    "rfc7515-a4-es512-nonjson": unusable(
        "payload segment is not JSON",
        "A.4's payload is the text 'Payload': a valid JWS but no JWT claims set (RFC 7519 §7.2 step 10)",
    ),
    "rfc7515-a5-alg-none": refuse("token.alg_none", signature="unsupported", why="A.5 is an Unsecured JWS"),
    "rfc7515-a2-token-with-a3-ec-key": refuse(
        "token.alg_key_mismatch", signature="invalid", why="RS256 token, only an EC key: no key may verify it"
    ),
    "rfc7515-a2-token-with-rfc7520-rsa-key": refuse(
        "token.signature_invalid", signature="invalid", why="another RSA key: the signature cannot verify"
    ),
    "rfc7520-4.1-rs256-nonjson": unusable(
        "payload segment is not JSON", "RFC 7520 §4.1 signs a text payload, not a claims set"
    ),
    "rfc8037-a4-eddsa-nonjson": unusable(
        "payload segment is not JSON", "RFC 8037 A.4 signs 'Example of Ed25519 signing', not a claims set"
    ),
    "rfc7797-b64-false-detached": unusable("b64: false", "RFC 7797 §7: b64 false is not for JWTs; detached payload"),
    "rfc7516-a1-jwe": refuse(
        "token.encrypted", signature="unsupported", why="a JWE: a JWS verifier must not accept it (RFC 8725 §3.3)"
    ),
    # OpenID Connect Core Appendix A
    "oidc-a2-valid": ok("OIDC A.2 ID token: RS256 with the A.1 key, iss and aud as given, inside exp"),
    "oidc-a2-expired-now": refuse("token.expired", signature="valid", why="exp 2011"),
    "oidc-a2-wrong-audience": refuse("token.audience_mismatch", signature="valid", why="aud s6BhdRkqt3 only"),
    "oidc-a2-wrong-issuer-https": refuse(
        "token.issuer_mismatch",
        signature="valid",
        why="iss is http://…; issuers compare exactly (OIDC §3.1.3.7 step 2)",
    ),
    "oidc-a2-iat-in-future": refuse("token.not_yet_valid", signature="valid", why="judged an hour before iat"),
    "oidc-a2-unknown-kid": refuse("token.kid_unknown", signature="unverified", why="the kid is not in the set"),
    "oidc-a2-kid-token-with-draft-key": refuse(
        "token.signature_invalid", signature="invalid", why="the draft key is another RSA key"
    ),
    "oidc-a3-draft-token-draft-key": ok("the draft's token verifies with the draft's own key"),
    # Firebase (google/firebase sample ID token with its certificate)
    "firebase-valid": ok("Firebase ID token verifies with its x509 certificate inside its hour"),
    "firebase-expired-now": refuse("token.expired", signature="valid", why="an hour-long token from 2016"),
    "firebase-other-cert": refuse("token.signature_invalid", signature="invalid", why="another certificate's key"),
    "firebase-wrong-audience": refuse("token.audience_mismatch", signature="valid", why="aud is the project id"),
    "firebase-wrong-issuer": refuse("token.issuer_mismatch", signature="valid", why="iss names another project"),
    # golang-jwt test suite
    "golang-jwt-rs256": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-rs384": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-rs512": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-rs256-tampered": refuse("token.signature_invalid", signature="invalid", why="golang-jwt: invalid"),
    "golang-jwt-ps256-max-salt": refuse(
        "token.signature_invalid",
        signature="invalid",
        why="PSS salt is not the hash length: RFC 7518 §3.5; golang-jwt's own "
        "rsa_pss.go says it accepts it only for backward compatibility",
    ),
    "golang-jwt-ps256-tampered": refuse("token.signature_invalid", signature="invalid", why="golang-jwt: invalid"),
    "golang-jwt-es256": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-es384": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-es512": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "golang-jwt-es256-der-signature": refuse(
        "token.signature_invalid",
        signature="invalid",
        why="a DER signature, not R||S (RFC 7518 §3.4); golang-jwt: invalid",
    ),
    "golang-jwt-ed25519-alg-ED25519": refuse(
        "token.alg_unsupported",
        signature="unsupported",
        why="alg 'ED25519' is registered nowhere (EdDSA, or RFC 9864 'Ed25519'); "
        "alg compares case-sensitively (RFC 8725bis)",
    ),
    "golang-jwt-none-stripped-rs256": refuse(
        "token.signature_empty", signature="invalid", why="RS256 header, signature stripped (CVE-2020-28042 shape)"
    ),
    "golang-jwt-hs384-float-exp": ok("HS384 verifies; a fractional exp is a valid NumericDate (RFC 7519 §2)"),
    "golang-jwt-hs256-tampered": refuse("token.signature_invalid", signature="invalid", why="golang-jwt: invalid"),
    "golang-jwt-zip-def-payload": unusable("zip", "zip is a JWE header (RFC 7516 §4.1.3); golang-jwt: invalid claim"),
    "golang-jwt-aud-number": refuse(
        "token.claim_type_invalid", why="aud must be a string or strings (RFC 7519 §4.1.3)"
    ),
    # pyjwt test suite
    "pyjwt-hs256-valid": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "pyjwt-payload-not-json": unusable("payload segment is not JSON", "pyjwt: DecodeError"),
    "pyjwt-payload-not-object": unusable("not an object", "claims must be a JSON object (RFC 7519 §7.2)"),
    "pyjwt-aud-number": refuse("token.claim_type_invalid", signature="valid", why="pyjwt: InvalidAudienceError"),
    "pyjwt-aud-list-number": refuse("token.claim_type_invalid", signature="valid", why="pyjwt: InvalidAudienceError"),
    "pyjwt-exp-not-a-number": refuse("token.claim_type_invalid", signature="valid", why="exp must be a NumericDate"),
    "pyjwt-iat-not-a-number": refuse("token.claim_type_invalid", signature="valid", why="iat must be a NumericDate"),
    "pyjwt-nbf-not-a-number": refuse("token.claim_type_invalid", signature="valid", why="nbf must be a NumericDate"),
    "pyjwt-alg-lowercase-hs256": refuse(
        "token.alg_unsupported", signature="unsupported", why="alg values are case-sensitive (RFC 7515 §4.1.1)"
    ),
    "pyjwt-header-without-alg": refuse("token.alg_unsupported", signature="unsupported", why="alg is required"),
    "pyjwt-kid-not-string": refuse("token.kid_unknown", why="kid must be a string (RFC 7515 §4.1.4); pyjwt refuses"),
    "pyjwt-es256-valid": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "pyjwt-rs384-valid-cert": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "pyjwt-ghsa-eddsa-good": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "pyjwt-ghsa-hs256-with-ed25519-pubkey": refuse(
        "token.alg_confusion", signature="invalid", why="GHSA-ffqj-6fqr-9h24: public key as HMAC secret"
    ),
    "pyjwt-ghsa-es256-good": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "pyjwt-ghsa-hs256-with-ec-pubkey": refuse(
        "token.alg_confusion", signature="invalid", why="GHSA-ffqj-6fqr-9h24: public key as HMAC secret"
    ),
    "pyjwt-b64-false-detached": unusable("b64: false", "pyjwt: DecodeError without detached content"),
    # auth0/node-jsonwebtoken test suite
    "jsonwebtoken-expired-at-clock": refuse("token.expired", signature="valid", why="exp equal to now is expired"),
    "jsonwebtoken-expired-within-tolerance": ok("expired 1 s before the clock, clockTolerance 5 s accepts it"),
    "jsonwebtoken-maxage-cannot-extend-exp": refuse("token.expired", signature="valid", why="maxAge never extends exp"),
    "jsonwebtoken-es256-with-rsa-key": refuse(
        "token.alg_key_mismatch", signature="invalid", why="ES256 token, RSA key: the key fixes the algorithm"
    ),
    "jsonwebtoken-rs256-with-dsa-key": unusable("DSAPublicKey", "a DSA key can verify no JWS algorithm"),
    "jsonwebtoken-hs256-signed-with-pub-pem": refuse(
        "token.alg_confusion", signature="invalid", why="CVE-2016-10555 / CVE-2022-23540 shape"
    ),
    "jsonwebtoken-malicious-kid-hs256": refuse(
        "token.alg_confusion", signature="invalid", why="HS256 over the certificate's public key"
    ),
    "jsonwebtoken-exp-string": refuse("token.claim_type_invalid", signature="valid", why="exp must be a number"),
    "jsonwebtoken-exp-false": refuse("token.claim_type_invalid", signature="valid", why="a boolean is no NumericDate"),
    "jsonwebtoken-exp-true": refuse("token.claim_type_invalid", signature="valid", why="a boolean is no NumericDate"),
    "jsonwebtoken-exp-object": refuse("token.claim_type_invalid", signature="valid", why="exp must be a number"),
    "jsonwebtoken-exp-zero": refuse("token.expired", signature="valid", why="exp 0 is 1970: expired"),
    "jsonwebtoken-empty-claims": refuse(NO_EXP, signature="unverified", why="no key and no exp"),
    # panva/jose test suite
    "jose-signjwt-zero-secret": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "jose-unrecognised-crit": refuse("token.crit_unsupported", signature="valid", why="RFC 7515 §4.1.11 MUST reject"),
    "jose-b64-false-in-jwt": unusable("b64: false", "jose: 'Signed JWTs cannot use unencoded payload'"),
    "jose-hs256-empty-signature": refuse("token.signature_empty", signature="invalid", why="empty third segment"),
    "jose-jwtio-default-token": refuse(NO_EXP, signature="valid", why=NO_EXP_WHY),
    "jose-jwtio-default-token-wrong-secret": refuse(
        "token.signature_invalid", signature="invalid", why="another secret"
    ),
    "rfc7515-a1-binary-secret-env": ok("A.1's 64-byte binary key given through an environment variable"),
}


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def argv_for(case: dict[str, Any], tmp: Path) -> list[str]:
    """`baton decode --json` arguments for a case; keys are written to ``tmp`` or the environment."""
    given = case["input"]
    argv = ["decode", "--json", given["token"]]
    keys = given.get("keys") or {}
    if "jwks" in keys:
        jwks = keys["jwks"] if isinstance(keys["jwks"], str) else json.dumps(keys["jwks"])
        (tmp / "jwks.json").write_text(jwks, encoding="utf-8")
        argv += ["--jwks", str(tmp / "jwks.json")]
    if "pem" in keys:
        (tmp / "key.pem").write_text(keys["pem"], encoding="utf-8")
        argv += ["--key", str(tmp / "key.pem")]
    if "secret" in keys or "secret_b64u" in keys:
        raw = keys["secret"].encode("utf-8") if "secret" in keys else _b64u(keys["secret_b64u"])
        (tmp / "secret.bin").write_bytes(raw)
        argv += ["--secret", f"file:{tmp / 'secret.bin'}"]
    if "secret_b64u_env" in keys:
        os.environb[ENV_VAR.encode()] = _b64u(keys["secret_b64u_env"])
        argv += ["--secret", f"env:{ENV_VAR}"]
    options = case.get("options") or {}
    for option, flag in (
        ("server_date", "--server-date"),
        ("issuer", "--issuer"),
        ("leeway", "--leeway"),
        ("max_age", "--max-age"),
    ):
        if option in options:
            argv += [flag, str(options[option])]
    for audience in options.get("audience") or ():
        argv += ["--audience", audience]
    return argv


def run_case(case: dict[str, Any]) -> tuple[int, dict[str, Any] | None, str]:
    """Exit code, the --json document (None when there is none) and stderr of one in-process run."""
    from console.cli import main

    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv_for(case, Path(tmp)))
        except SystemExit as exc:  # argparse refusing an option
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:  # a crash is a result too: report it, run the other cases
            code = -1
            err.write(f"crashed: {type(exc).__name__}: {exc}")
        finally:
            os.environb.pop(ENV_VAR.encode(), None)
    try:
        doc = json.loads(out.getvalue()) if out.getvalue().strip() else None
    except ValueError:
        doc = None
    return code, doc, err.getvalue()


def judge(expect: Expect, code: int, doc: dict[str, Any] | None, err: str) -> str | None:
    """None when Baton's answer is the expected verdict; otherwise what differs."""
    if expect.verdict == "unusable":
        if code != 2 or not all(p in err for p in expect.codes):
            return f"expected exit 2 naming {expect.codes}, got exit {code}: {err.strip()[:160]}"
        return None
    if doc is None:
        return f"no JSON document (exit {code}): {err.strip()[:160]}"
    refusing = [f["code"] for f in doc["findings"] if f["severity"] == "error"]
    status = doc["signature"]["status"]
    want = 0 if expect.verdict == "accept" else 1
    if code != want:
        return f"expected exit {want}, got {code} (refusing: {refusing})"
    missing = [c for c in expect.codes if c not in refusing]
    if missing:
        return f"expected {missing} among the refusing findings, got {refusing}"
    if expect.signature is not None and status != expect.signature:
        return f"expected signature {expect.signature}, got {status}"
    return None


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else CASES
    try:
        cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot read the cases from {path}: {type(exc).__name__}; pass the path of tokens.json")
        return 2
    passed = failed = 0
    for case in cases:
        expect = EXPECTED.get(case["id"])
        if expect is None:
            print(f"FAIL {case['id']}: no expected verdict written for this case")
            failed += 1
            continue
        problem = judge(expect, *run_case(case))
        if problem is None:
            passed += 1
            print(f"ok   {case['id']} ({expect.verdict}: {expect.why})")
        else:
            failed += 1
            print(f"FAIL {case['id']}: {problem}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
