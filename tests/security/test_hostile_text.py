"""Hostile text on every error path Baton owns reaches stdout/stderr inert: no ESC, OSC, C1, bidi or surrogate.

Payloads: OSC 52 (clipboard write), OSC 0 (window title), CSI 2J (clear screen), the C1 CSI byte 0x9b and a
right-to-left override. Each enters where a user or a server can put it: a token endpoint's error body, a
redirect Location, a key file name, a secret reference, a profile key name and the token text itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hostile_peers import answer, serve
from hypothesis import given
from hypothesis import strategies as st

from console.cli import main
from console.errors import BatonError, KeyLoadError, TraceError
from console.model.enums import HopName
from console.sanitize import inert, is_inert

HOSTILE = "\x1b]52;c;cHduZWQ=\x1b\\\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil"
IN_HEADER = "\x9b31m\u202eevil\u2066"  # HTTP field values may carry C1 and non-ASCII (obs-text), not C0
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_inert(*streams: str) -> None:
    for text in streams:
        found = RAW.search(text)
        assert found is None, f"raw {found.group(0)!r} reached the output: {text!r}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def profile(tmp_path: Path, gateway: str, extra: str = "", name: str = "hostile") -> str:
    path = tmp_path / "p.toml"
    path.write_text(
        f'name = "{name}"\ndescription = "d"\nenvironment = "dev"\n\n[gateway]\nurl = "{gateway}"\n'
        f'kind = "rest"\nauth = "none"\n\n[propagation]\nheaders = {{ "X-User-Sub" = "sub" }}\n{extra}',
        encoding="utf-8",
    )
    return str(path)


# -- the sanitiser and the error tree ----------------------------------------------------------

# st.text() leaves surrogates out (they cannot be encoded): mix them, C0, C1 and bidi in on purpose.
NASTY = st.one_of(
    st.sampled_from("\x1b\x9b\x07\x85\u202e\u2066\u200b\ufeff\n\r\t\x00\x7f"),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.characters(),
)
TEXT = st.text(alphabet=NASTY)


def test_lone_surrogates_are_shown_not_raised() -> None:
    shown = inert("sub \ud800 and \udfff")
    assert shown == "sub <U+D800> and <U+DFFF>"
    shown.encode("utf-8")  # strict: would raise on a surrogate


@given(TEXT)
def test_inert_never_raises_and_its_output_is_inert(text: str) -> None:
    shown = inert(text)
    assert is_inert(shown) and RAW.search(shown) is None
    shown.encode("utf-8")


@given(TEXT, TEXT, TEXT)
def test_every_baton_error_line_is_inert(message: str, where: str, hint: str) -> None:
    line = BatonError(message, where=where or None, hint=hint or None).one_line()
    assert RAW.search(line) is None and "\n" not in line
    line.encode("utf-8")
    assert str(BatonError(message)) == BatonError(message).one_line()


def test_trace_error_keeps_its_hop_and_is_inert() -> None:
    exc = TraceError(f"the token endpoint answered 400 {HOSTILE}", hop=HopName.CLIENT)
    assert exc.hop is HopName.CLIENT and exc.one_line().startswith("client: the token endpoint answered 400 ")
    assert_inert(exc.one_line())
    assert "\\x1b]52" in exc.one_line() and "\\x9b" in exc.one_line() and "<U+202E>" in exc.one_line()


# -- error paths, end to end ---------------------------------------------------------------------


def test_token_endpoint_error_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_CLIENT_SECRET", "client-secret-value-1234")
    body = json.dumps({"error": HOSTILE, "error_description": HOSTILE}).encode()
    with serve(answer(400, body, (("Content-Type", "application/json"),))) as idp:
        extra = (
            f'\n[identity]\nflow = "client_credentials"\ntoken_url = "{idp}/oauth2/token"\n'
            'client_id = "abc"\nclient_secret = "env:BATON_TEST_CLIENT_SECRET"\n'
        )
        for argv in ([], ["--json"]):
            code, out, err = run(
                capsys,
                "trace",
                "--no-color",
                "--timeout",
                "5",
                "--profile",
                profile(tmp_path, f"{idp}/api", extra),
                *argv,
            )
            assert code == 3, err
            assert "token endpoint answered 400" in err
            assert_inert(out, err)


def test_jwks_redirect_location(capsys: pytest.CaptureFixture[str]) -> None:
    location = f"https://evil.example/{IN_HEADER}"
    with serve(answer(302, b"", (("Location", location),))) as jwks:
        code, out, err = run(capsys, "decode", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "--jwks", f"{jwks}/jwks.json")
    assert code == 2 and "302 redirect to https://evil.example/" in err
    assert_inert(out, err)


def test_gateway_redirect_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(answer(302, b"", (("Location", f"https://evil.example/{IN_HEADER}"),))) as gateway:
        for argv in ([], ["--json"]):
            _code, out, err = run(capsys, "trace", "--no-color", "--profile", profile(tmp_path, gateway), *argv)
            assert_inert(out, err)


@pytest.mark.parametrize("option", ["--key", "--jwks"])
def test_key_file_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:
    missing = tmp_path / f"key{HOSTILE}.pem"
    code, out, err = run(capsys, "decode", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", option, str(missing))
    assert code == 2
    assert_inert(out, err)


@pytest.mark.parametrize(
    "reference", [f"env:BATON_NOT_SET_{HOSTILE}", f"file:/nonexistent/{HOSTILE}", f"vault:{HOSTILE}", HOSTILE]
)
def test_secret_references(capsys: pytest.CaptureFixture[str], reference: str) -> None:
    code, out, err = run(capsys, "decode", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "--secret", reference)
    assert code == 2 and err.startswith("baton")
    assert_inert(out, err)


def test_profile_key_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = json.dumps(HOSTILE)  # a TOML basic string holds the same escapes as JSON
    path = profile(tmp_path, "http://127.0.0.1:9", f"\n[identity]\n{key} = 1\n")
    code, out, err = run(capsys, "trace", "--no-color", "--profile", path)
    assert code == 2
    assert_inert(out, err)


@pytest.mark.parametrize("text", [HOSTILE, f"eyJhbGciOiJub25lIn0.{HOSTILE}.x", f"Bearer {HOSTILE}"])
def test_decode_input(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = run(capsys, "decode", text)
    assert code == 2
    assert_inert(out, err)


def test_decode_key_errors_are_key_load_errors() -> None:
    assert KeyLoadError.exit_code == 2


def test_profile_error_problems_are_inert() -> None:
    from console.errors import ProfileError

    error = ProfileError("is invalid", problems=[f"p.toml:3: unknown key {HOSTILE}"], where="p.toml")
    assert_inert(*error.problems, error.one_line())
