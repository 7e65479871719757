"""`baton decode` as a user runs it: output, exit codes 0/1/2, JSON shape, and nothing leaked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from console.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from jwtkit import CLIENT_ID, ISSUER, access_claims, b64, sign


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_file(tmp_path_factory: pytest.TempPathFactory, key: rsa.RSAPrivateKey) -> Path:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", alg="RS256")
    path = tmp_path_factory.mktemp("keys") / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return path


def token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    return sign({"alg": "RS256", "kid": "k1"}, access_claims(**claims), key, "RS256")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["decode", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_healthy_token_exits_0_and_shows_header_claims_times(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey, jwks_file: Path
) -> None:
    code, out, err = run(capsys, token(key), "--jwks", str(jwks_file), "--issuer", ISSUER, "--audience", CLIENT_ID)
    assert code == 0, out + err
    assert "Header" in out and '"RS256"' in out
    assert '"alice"' in out
    assert "expires in 5 min" in out
    assert "✓ valid" in out
    assert "✓ no finding refuses this token" in out


def test_refused_token_exits_1_with_finding_and_fix(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey, jwks_file: Path
) -> None:
    expired = token(key, exp=int(time.time()) - 7200)
    code, out, _ = run(capsys, expired, "--jwks", str(jwks_file))
    assert code == 1
    assert "token.expired" in out and "expired 2 h ago" in out and "fix: Get a new token" in out
    assert "✗ would be refused: token.expired" in out


def test_json_document_is_stable_and_carries_no_signature(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey, jwks_file: Path
) -> None:
    text = token(key)
    code, out, _ = run(capsys, text, "--jwks", str(jwks_file), "--audience", "wrong", "--json")
    doc = json.loads(out)
    assert code == 1
    assert list(doc)[:6] == ["ok", "kind", "header", "claims", "signature", "findings"]
    assert doc["ok"] is False
    assert doc["signature"] == {"status": "valid", "alg": "RS256", "kid": "k1"}
    assert [f["code"] for f in doc["findings"]] == ["token.audience_mismatch"]
    assert set(doc["findings"][0]) == {"code", "severity", "title", "detail", "fix"}
    signature_segment = text.rsplit(".", 1)[1]
    assert signature_segment not in out and signature_segment[:16] not in out
    assert text not in out


def test_human_output_never_prints_the_signature_segment(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey
) -> None:
    text = token(key)
    _, out, _ = run(capsys, text)
    assert text.rsplit(".", 1)[1][:12] not in out
    assert "UNVERIFIED" in out and "? unverified" in out


def test_stdin_and_bearer_prefix(key: rsa.RSAPrivateKey) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "console.cli", "decode", "-", "--json"],
        input=f"Authorization: Bearer {token(key)}\n",
        capture_output=True,
        text=True,
        check=False,
    )
    doc = json.loads(result.stdout)
    assert result.returncode == 0
    assert "removed the 'Authorization:' header name" in doc["notes"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "argv,message",
    [
        (["not a token at all"], "character ' ' at position 4 cannot appear in a token"),
        (["a.b"], "2 dot-separated segments"),
        (["eyJ.e30.", "--key", "/nonexistent/key.pem"], "/nonexistent/key.pem: key file does not exist"),
        (["eyJ.e30.", "--jwks", "/no/such/jwks.json"], "is neither a URL, an existing file, nor JSON"),
        (["eyJ.e30.", "--jwks", '{"keys": 3}'], 'inline JWKS: has no "keys" list'),
        (["eyJ.e30.", "--leeway", "soon"], "argument --leeway: 'soon' is not a number of seconds"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) if argv[-1] == "soon" else _no_raise():
        code, _out, err = run(capsys, *argv)
        assert code == 2
        assert message in err
        assert err.count("\n") == 1 and "Traceback" not in err
        return
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


class _no_raise:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_pem_that_is_a_private_key_is_refused_without_echo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, key: rsa.RSAPrivateKey
) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = tmp_path / "private.pem"
    path.write_bytes(pem)
    code, out, err = run(capsys, token(key), "--key", str(path))
    assert code == 2 and "holds a private key" in err
    assert pem.decode().splitlines()[1][:20] not in err + out


def test_secret_reference_value_never_appears(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "x7Qp2-very-secret-hmac-value-0123456789"
    monkeypatch.setenv("BATON_TEST_HMAC", secret)
    text = sign({"alg": "HS256"}, access_claims(), secret.encode(), "HS256")
    code, out, err = run(capsys, text, "--secret", "env:BATON_TEST_HMAC")
    assert code == 0, out + err
    assert "env:BATON_TEST_HMAC" in out
    assert secret not in out + err
    code, out, err = run(capsys, text[:-3] + "AAA", "--secret", "env:BATON_TEST_HMAC", "--json")
    assert code == 1 and secret not in out + err


def test_missing_secret_reference_is_named(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATON_NOPE", raising=False)
    code, _, err = run(capsys, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "--secret", "env:BATON_NOPE")
    assert code == 2 and "BATON_NOPE" in err


MARKUP = "[@click=app.quit]Verify token[/] [link=https://evil.example]y[/link] [bold]x"
ESCAPES = "\x1b]52;c;ZXZpbA==\x1b\\\x1b[2J\x9b31m\u202egnp.exe"


def test_markup_and_escapes_in_claims_print_as_literal_text(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey
) -> None:
    text = sign({"alg": "RS256", "kid": "k1"}, access_claims(sub=MARKUP, name=ESCAPES), key, "RS256")
    code, out, _ = run(capsys, text, "--no-color")
    assert code == 0
    assert json.dumps(MARKUP) in out  # the markup is shown verbatim, not interpreted
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "\\u001b]52;c;ZXZpbA==" in out and "\\x9b31m" in out and "<U+202E>" in out


def test_json_output_escapes_control_characters(capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey) -> None:
    text = sign({"alg": "RS256", "kid": "k1"}, access_claims(name=ESCAPES), key, "RS256")
    _, out, _ = run(capsys, text, "--json")
    assert "\x1b" not in out and "\x9b" not in out
    assert json.loads(out)["claims"]["name"] == ESCAPES  # the data itself is intact


def test_header_too_large_for_iis(capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey) -> None:
    big = token(key, **{"cognito:groups": [f"g{i:05d}" for i in range(2000)]})
    code, out, _ = run(capsys, big, "--json")
    assert code == 1 and "token.too_large_for_iis" in out


def test_jwe_and_opaque_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn")
    assert code == 1 and "encrypted JWT (JWE)" in out and "token.encrypted" in out
    code, out, _ = run(capsys, "2YotnFZFEjr1zCsicMWpAA9xkq3u")
    assert code == 1 and "opaque token" in out and "token.not_jwt" in out


def test_b64_helper_round_trip() -> None:
    assert b64(b"{}") == "e30"


def test_server_date_judges_by_the_server_clock_and_reports_skew(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey
) -> None:
    from email.utils import formatdate

    text = token(key, exp=int(time.time()) + 60)
    server_date = formatdate(time.time() + 600, usegmt=True)  # the server runs 10 minutes ahead
    code, out, _ = run(capsys, text, "--server-date", server_date, "--json")
    doc = json.loads(out)
    codes = [f["code"] for f in doc["findings"]]
    assert code == 1 and "token.expired" in codes and "token.clock_skew" in codes
    skew = next(f for f in doc["findings"] if f["code"] == "token.clock_skew")
    assert "10 min ahead of this machine's" in skew["detail"]


def test_bad_server_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey) -> None:
    code, _, err = run(capsys, token(key), "--server-date", "yesterday")
    assert code == 2 and "is not an HTTP date" in err


# -- numbers, raw secret bytes, surrogates ---------------------------------------------------------


@pytest.mark.parametrize(
    "option,value",
    [
        ("--leeway", "nan"),
        ("--leeway", "inf"),
        ("--leeway", "-5"),
        ("--max-age", "nan"),
        ("--max-age", "-inf"),
        ("--leeway", "1e999"),
    ],
)
def test_nan_inf_and_negative_seconds_are_refused(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey, option: str, value: str
) -> None:
    """nan makes every comparison false, so `--leeway nan` let an expired token exit 0."""
    expired = token(key, exp=int(time.time()) - 7200)
    with pytest.raises(SystemExit) as info:
        main(["decode", expired, f"{option}={value}"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"argument {option}: '{value}' is not usable: give a finite number of seconds, 0 or more" in err


@pytest.mark.parametrize(
    "option,value,limit",
    [
        ("--leeway", "1e300", "86400 seconds (1 day)"),
        ("--leeway", "86401", "86400 seconds (1 day)"),
        ("--max-age", "1e300", "1000000000000000 seconds"),
    ],
)
def test_absurd_leeway_and_max_age_are_refused(
    capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey, option: str, value: str, limit: str
) -> None:
    """`--leeway 1e300` made a token expired 15 years ago "✓ no finding refuses this token", exit 0."""
    expired = token(key, exp=1300000000, iat=1299990000)  # 2011
    with pytest.raises(SystemExit) as info:
        main(["decode", expired, f"{option}={value}"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"argument {option}: '{value}' is too large: give at most {limit}" in err


def test_a_huge_max_age_never_extends_exp(capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey) -> None:
    """A 1,000-year max-age (as JWT libraries' own suites use) is a usable option and still refuses an expired token."""
    expired = token(key, exp=1300000000, iat=1299990000)  # 2011
    code, out, _ = run(capsys, expired, "--max-age", "31536000000", "--no-color")
    assert code == 1 and "token.expired" in out


def test_a_day_of_leeway_is_still_accepted(capsys: pytest.CaptureFixture[str], key: rsa.RSAPrivateKey) -> None:
    code, out, _ = run(capsys, token(key, exp=int(time.time()) - 3600), "--leeway", "86400", "--no-color")
    assert code == 0 and "leeway" in out


HMAC_KEY = bytes(range(256))[::-1][:64]  # not UTF-8 (0xff, 0xfe, …), as binary HMAC keys are


def hs256(**claims: Any) -> str:
    return sign({"alg": "HS256"}, access_claims(**claims), HMAC_KEY, "HS256")


def test_secret_file_holds_raw_key_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "hmac.key"
    path.write_bytes(HMAC_KEY)
    code, out, err = run(capsys, hs256(), "--secret", f"file:{path}", "--json")
    assert code == 0, err
    assert json.loads(out)["signature"]["status"] == "valid"


def test_secret_env_holds_raw_key_bytes() -> None:
    env = {**os.environb, b"BATON_TEST_HMAC": HMAC_KEY}
    result = subprocess.run(
        [sys.executable, "-m", "console.cli", "decode", hs256(), "--secret", "env:BATON_TEST_HMAC", "--json"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert b"Traceback" not in result.stderr and result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["signature"]["status"] == "valid"


def test_an_oct_key_in_an_inline_jwks_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    jwks = json.dumps({"keys": [{"kty": "oct", "k": b64(HMAC_KEY), "alg": "HS256"}]})
    code, out, _ = run(capsys, hs256(), "--jwks", jwks, "--json")
    assert code == 0 and json.loads(out)["signature"]["status"] == "valid"


@pytest.mark.parametrize("as_json", [False, True])
def test_lone_surrogates_in_claims_print_without_a_traceback(as_json: bool) -> None:
    """`{"sub":"\\ud800"}` crashed the human output with exit 1, the code that means "refused"."""
    text = sign({"alg": "HS256"}, b'{"sub": "\\ud800x\\udfff", "exp": 9999999999, "n\\ud83d": 1}', HMAC_KEY, "HS256")
    env = {**os.environb, b"BATON_TEST_HMAC": HMAC_KEY}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "console.cli",
            "decode",
            text,
            "--secret",
            "env:BATON_TEST_HMAC",
            "--no-color",
            *(["--json"] if as_json else []),
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    out = result.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    if as_json:
        assert json.loads(out)["claims"]["sub"] == "\ud800x\udfff"
    else:
        assert "<U+D800>x<U+DFFF>" in out and "n<U+D83D>" in out
