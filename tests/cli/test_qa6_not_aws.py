"""QA6 #5, #6, #15, #18: an endpoint that does not answer like AWS is an AWS failure (one line, exit 2), never an
empty API or a traceback; nothing of its body is printed; ``--json`` prints an error document on every failure."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import aws_profile_file, closed_port_url, fake_aws, moto_url, no_aws, rest_profile

__all__ = ["aws_profile_file", "closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SIGxyzSECRET"
ESC = "\x1b]0;pwned\x07"
BODIES: dict[str, tuple[int, str, bytes]] = {
    "html200": (200, "text/html", b"<html><body>captive portal</body></html>"),
    "empty403": (403, "text/plain", b""),
    "xmlesc": (
        403,
        "text/xml",
        (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied{ESC}</Code><Message>denied {ESC} "
            f"AKIAQA0000000000TEST qa-fake-secret-xyz {JWT}</Message></Error></ErrorResponse>"
        ).encode(),
    ),
    "garbage-xml": (200, "text/xml", f"<nope {JWT}".encode()),
}


@pytest.fixture(params=sorted(BODIES))
def liar(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback endpoint answering every request with one of BODIES: its URL."""
    status, ctype, body = BODIES[request.param]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _failure(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    out = capsys.readouterr()
    lines = out.err.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in out.err
    for leaked in ("SIGxyzSECRET", "qa-fake-secret", "AKIAQA0000000000TEST", "captive portal", "\x1b"):
        assert leaked not in out.err + out.out
    return lines[0], out.out


def test_5_inspect_of_a_non_aws_answer_is_an_aws_failure(
    fake_aws: Path, liar: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["aws", "inspect", "--profile", str(rest_profile(fake_aws, liar, "vqt670sp89"))]) == 2
    line, out = _failure(capsys)
    assert out == ""
    assert "findings: none" not in line
    assert line.startswith("baton: ")


def test_5_an_html_200_is_named_as_not_aws(fake_aws: Path, liar: str, capsys: pytest.CaptureFixture[str]) -> None:
    profile = rest_profile(fake_aws, liar, "vqt670sp89")
    assert main(["aws", "diff", str(profile), str(profile)]) == 2
    line, _ = _failure(capsys)
    assert "did not answer like AWS" in line or "AWS denied" in line or "AWS answered" in line


def test_6_whoami_never_crashes_on_an_unparsable_answer(
    fake_aws: Path, liar: str, aws_profile_file: object, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = aws_profile_file(region="eu-west-1", endpoint_url=liar)  # type: ignore[operator]
    assert main(["aws", "whoami", "--profile", str(profile)]) == 2
    line, out = _failure(capsys)
    assert out == "" and line.startswith("baton: sts GetCallerIdentity: ")


def test_15_json_failures_print_an_error_document_and_keep_the_stderr_line(
    fake_aws: Path, closed_port_url: str, aws_profile_file: object, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = str(rest_profile(fake_aws, closed_port_url, "anyapi"))
    aws_only = str(aws_profile_file(region="eu-west-1", endpoint_url=closed_port_url))  # type: ignore[operator]
    for argv in (
        ["aws", "inspect", "--profile", profile, "--json"],
        ["aws", "whoami", "--profile", aws_only, "--json"],
        ["aws", "diff", profile, profile, "--json"],
        ["aws", "authorize", "--profile", profile, "--token", "abc", "--json"],
    ):
        assert main(argv) == 2, argv
        out = capsys.readouterr()
        document = json.loads(out.out)
        assert document["ok"] is False and document["command"] == " ".join(argv[:2])
        assert document["error"]["exit_code"] == 2
        assert len(out.err.splitlines()) == 1 and out.err.startswith("baton: ")
        assert document["error"]["message"] in out.err


def test_18_a_tls_failure_names_the_endpoint_and_the_likely_fix(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    https = moto_url.replace("http://", "https://")
    assert main(["aws", "inspect", "--profile", str(rest_profile(fake_aws, https, "anyapi"))]) == 2
    line, _ = _failure(capsys)
    assert f"TLS handshake with {https}" in line and "http://" in line


def test_18_whoami_says_the_profile_has_no_aws_table_before_any_failure(
    fake_aws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: the call fails
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    profile = tmp_path / "noaws.toml"
    profile.write_text('name = "noaws"\nenvironment = "dev"\n[gateway]\nurl = "https://example.test/"\n')
    assert main(["aws", "whoami", "--profile", str(profile)]) == 2
    err = capsys.readouterr().err
    assert "has no [aws] table" in err
