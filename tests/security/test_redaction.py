"""Held secrets are redacted from every string Baton prints; no part of a token's signature or a secret is shown."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from hostile_peers import Handler, echo_request, serve

from console.cli import main
from console.engine.redact import redact_headers, redact_text, redact_value
from console.engine.transport import make_client, send
from console.model.masking import fingerprint, mask_credential, mask_secret, mask_token

RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e]")
CLIENT_SECRET = "cl1ent+secret/with=odd&chars-0042"
API_KEY = "apikey-7f3c9e1d2b4a6c8e0f1a"
JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9."
    "Q2xlYXJseU5vdEFSZWFsU2lnbmF0dXJlQnV0TG9uZ0Vub3VnaF9mb3JfYV90ZXN0X29mX3RhaWxz"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def profile(tmp_path: Path, gateway: str, extra: str = "") -> str:
    path = tmp_path / "p.toml"
    path.write_text(
        f'name = "p"\ndescription = "d"\nenvironment = "dev"\n\n[gateway]\nurl = "{gateway}"\n'
        f'kind = "rest"\nauth = "none"\napi_key = "env:BATON_TEST_API_KEY"\n\n[propagation]\n'
        f'headers = {{ "X-User-Sub" = "sub" }}\n{extra}',
        encoding="utf-8",
    )
    return str(path)


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        for form in (secret, quote_plus(secret), secret[-6:]):
            assert form not in text, f"{form!r} printed"


def test_token_endpoint_echoing_the_client_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("BATON_TEST_API_KEY", API_KEY)
    with serve(echo_request(401)) as idp:
        extra = (
            f'\n[identity]\nflow = "client_credentials"\ntoken_url = "{idp}/oauth2/token"\nclient_id = "abc"\n'
            'client_secret = "env:BATON_TEST_CLIENT_SECRET"\n'
        )
        for argv in ([], ["--json"]):
            code, out, err = run(
                capsys, "trace", "--no-color", "--profile", profile(tmp_path, f"{idp}/api", extra), *argv
            )
            assert code == 3 and "the token endpoint answered 401" in err
            assert "client_secret=<redacted secret" in err  # the echo is shown, the value is not
            assert_no_secret(out + err, CLIENT_SECRET, API_KEY)


def _echo_api_key() -> Handler:
    """A gateway that echoes the caller's x-api-key under an innocent header name and in its body."""

    def handle(conn: socket.socket, request: bytes) -> None:
        key = next(
            (
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"x-api-key:")
            ),
            b"",
        )
        body = b'{"you sent": "' + key + b'"}'
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nX-Debug-Echo: key=" + key + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
        )

    return handle


def test_response_header_echoing_the_api_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_API_KEY", API_KEY)
    with serve(_echo_api_key()) as gateway:
        _code, out, err = run(capsys, "trace", "--no-color", "--json", "--profile", profile(tmp_path, gateway))
        doc = json.loads(out)
        headers = dict(doc["response"]["headers"])
        assert headers["x-debug-echo"].startswith("key=<redacted secret, ")
        assert_no_secret(out + err, API_KEY)
        _code, out, err = run(capsys, "trace", "--no-color", "--profile", profile(tmp_path, gateway))
        assert_no_secret(out + err, API_KEY)


def test_send_masks_held_secrets_in_every_header_and_the_body() -> None:
    with serve(_echo_api_key()) as gateway, make_client(5.0) as client:
        snapshot = send(client, "GET", gateway, [("x-api-key", API_KEY)], secrets=[API_KEY])
    assert API_KEY not in repr(snapshot.headers) and API_KEY not in snapshot.body


# -- masks: length and fingerprint, never a character ------------------------------------------


def test_a_token_is_shown_by_length_and_fingerprint_only() -> None:
    shown = redact_value(f"Bearer {JWT}")
    assert shown == f"Bearer <redacted JWT, {len(JWT)} chars, {fingerprint(JWT)}>"
    signature = JWT.rsplit(".", 1)[1]
    assert not any(signature[i : i + 4] in shown for i in range(len(signature) - 3))
    assert fingerprint(JWT) != fingerprint(JWT[:-1] + "x") and fingerprint(JWT).startswith("sha256:")


def test_a_secret_is_shown_by_length_only() -> None:
    assert mask_credential("hunter2-password") == mask_secret("hunter2-password") == "<redacted secret, 16 chars>"
    assert mask_credential("Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==") == "Basic <redacted secret, 28 chars>"
    assert mask_token(JWT).startswith("<redacted JWT, ")


def test_api_gateway_style_tails_are_dropped() -> None:
    """API Gateway masks as asterisks plus the last 6 characters: for a JWT those are signature characters."""
    line = f"Incoming identity: {{Authorization=********{JWT[-6:]}}} cache key Authorization=****{JWT[-6:]}"
    shown = redact_text(line)
    assert JWT[-6:] not in shown and shown.count("********") == 2


def test_held_secrets_are_masked_in_any_encoding_and_header() -> None:
    text = f"raw {CLIENT_SECRET} form {quote_plus(CLIENT_SECRET)} json {json.dumps(CLIENT_SECRET)}"
    shown = redact_text(text, [CLIENT_SECRET])
    assert_no_secret(shown, CLIENT_SECRET)
    headers = redact_headers([("X-Anything", f"v={API_KEY}"), ("Authorization", f"Bearer {JWT}")], [API_KEY])
    assert headers[0] == ("X-Anything", f"v=<redacted secret, {len(API_KEY)} chars>")
    assert JWT[-6:] not in headers[1][1]


def test_the_curl_line_hides_credentials_and_pastes_safely(tmp_path: Path) -> None:
    """Run the copied line in bash with curl replaced by printf: only $TOKEN/$X_API_KEY expand, nothing runs."""
    import shutil
    import subprocess

    from console.engine.curl import curl_command
    from console.model.trace import Trace, TraceRequest, Verdict

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash to paste into")
    marker = tmp_path / "ran"
    headers = (("X-Api-Key", API_KEY), ("X-Note", f"$(touch {marker}) `touch {marker}` \x1b]0;t\x07\u202e"))
    trace = Trace(
        trace_id="t",
        correlation_id="c-1",
        profile="p",
        request=TraceRequest(headers=headers),
        url="https://api.example/x",
        started_at=0.0,
        hops=(),
        findings=(),
        verdict=Verdict(False, None, None, ""),
    )
    line = curl_command(trace)
    assert API_KEY not in line and RAW_CONTROL.search(line) is None
    script = f'curl() {{ printf "%s\\n" "$@"; }}\nTOKEN=tok X_API_KEY=key\n{line}\n'
    result = subprocess.run([bash, "-c", script], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert "X-Api-Key: key" in result.stdout.splitlines() and not marker.exists()
    assert f"X-Note: $(touch {marker}) `touch {marker}` \x1b]0;t\x07\u202e" in result.stdout.splitlines()


def test_a_finished_trace_is_redacted_everywhere_in_one_pass() -> None:
    """Whatever a probe copied (an echo's headers, a finding quoting a URL), the held list masks it; ids, enums and
    existing masks are left as they are."""
    from console.engine.redact import redact_all
    from console.model.findings import Finding, Severity
    from console.model.trace import Hop, HopName, HopStatus, Identity, Trace, TraceRequest, Verdict

    held = [API_KEY]
    echoed = Identity(
        None,
        (("X-Debug", f"k={API_KEY}"), ("Cookie", "session=abc"), ("X-Api-Key", "<redacted secret, 9 chars>")),
        "echo",
    )
    trace = Trace(
        trace_id="t1",
        correlation_id="qa-fixed-1",
        profile="p",
        request=TraceRequest(headers=(("X-Api-Key", API_KEY),)),
        url=f"http://h/x?k={API_KEY}",
        started_at=0.0,
        hops=(Hop(HopName.IIS, HopStatus.OK, echoed, (f"saw {API_KEY}",)),),
        findings=(Finding("f.x", Severity.WARNING, "t", f"detail {API_KEY}", "fix", hop=HopName.IIS),),
        verdict=Verdict(True, None, None, f"summary {API_KEY}"),
    )
    done = redact_all(trace, held)
    assert API_KEY not in repr(done.hops) + repr(done.findings) + repr(done.verdict) + done.url
    assert dict(done.hops[0].identity.claims)["Cookie"] == "<redacted secret, 11 chars>"  # by name, any length
    assert dict(done.hops[0].identity.claims)["X-Api-Key"] == "<redacted secret, 9 chars>"  # a mask is not re-masked
    assert done.correlation_id == "qa-fixed-1" and done.hops[0].name is HopName.IIS
    assert done.request == trace.request  # the user's request is replayed as typed; output redacts it by name


def test_credential_headers_given_by_hand_are_held() -> None:
    from console.engine.redact import header_secrets

    assert set(header_secrets("Cookie", "session=COOKIESECRET4; theme=dark")) >= {"COOKIESECRET4"}
    assert "tok-123456" in header_secrets("Authorization", "Bearer tok-123456")
    assert header_secrets("X-Amz-Security-Token", "AMZSEC5") == ["AMZSEC5", "AMZSEC5"]
    assert header_secrets("X-Correlation-Id", "qa-fixed-1") == []
    assert header_secrets("Accept", "application/json") == []


def test_the_curl_line_sends_the_users_correlation_id_once() -> None:
    """With --header 'X-Correlation-Id: mine' the copied curl carried the header twice."""
    from console.engine.curl import curl_command
    from console.model.trace import Trace, TraceRequest, Verdict

    trace = Trace(
        trace_id="t",
        correlation_id="mine",
        profile="p",
        request=TraceRequest(headers=(("x-correlation-id", "mine"),)),
        url="https://api.example/x",
        started_at=0.0,
        hops=(),
        findings=(),
        verdict=Verdict(False, None, None, ""),
    )
    line = curl_command(trace)
    assert line.lower().count("x-correlation-id") == 1 and "mine" in line
