"""What the user gives `baton trace` by hand (--header, --path, --method, their own correlation id): validated,
sent as given, printed as sent, and never printed back when it is a credential."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from loopback import peer, read_request

from console.cli import main
from console.engine.target import ClientPlan, Target
from console.engine.trace import is_own_correlation_id, run_trace
from console.errors import UsageError
from console.model.expectations import Expectations
from console.model.profile import Environment, GatewayAuth, GatewayKind
from console.model.trace import TraceRequest

API_KEY, COOKIE, AMZ = "HDRSECRET3-k", "COOKIESECRET4", "AMZSEC5-sess"
PATH_KEY, PATH_TOKEN = "PATHSECRET1", "PATHTOK2-q"


class EchoPeer:
    """An IIS echo that reflects every header it received (as a debugging echo endpoint does), and keeps the
    raw request heads so a test can see what went on the wire."""

    def __init__(self) -> None:
        self.heads: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, conn: socket.socket) -> None:
        head = read_request(conn).split(b"\r\n\r\n")[0].decode("latin-1")
        with self.lock:
            self.heads.append(head)
        headers = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
        body = json.dumps({"headers": headers, "user": None, "auth_type": "Anonymous"}).encode()
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: Microsoft-IIS/10.0\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    def header_lines(self, name: str) -> list[str]:
        return [line for head in self.heads for line in head.split("\r\n") if line.lower().startswith(name.lower())]


def profile(tmp_path: Path, url: str, environment: str = 'environment = "dev"\n') -> str:
    path = tmp_path / "given.toml"
    path.write_text(
        f'{environment}[gateway]\nurl = "{url}/gw/orders"\nkind = "http"\nauth = "none"\n\n'
        '[propagation]\nheaders = { "X-User-Id" = "sub" }\n\n[iis]\necho_path = "/_echo"\n',
        encoding="utf-8",
    )
    return str(path)


def trace(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["trace", "--no-color", "--timeout", "5", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- #8: credentials given by hand never come back -------------------------------------------------------


def test_credentials_in_headers_and_the_path_query_are_sent_but_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    echo = EchoPeer()
    given = [
        "--path",
        f"/x?api_key={PATH_KEY}&token={PATH_TOKEN}&page=2",
        "--header",
        f"X-Api-Key: {API_KEY}",
        "--header",
        f"Cookie: session={COOKIE}",
        "--header",
        f"X-Amz-Security-Token: {AMZ}",
    ]
    with peer(echo) as port:
        path = profile(tmp_path, f"http://127.0.0.1:{port}")
        _code, text, text_err = trace(capsys, "--profile", path, *given)
        _code, out, err = trace(capsys, "--profile", path, "--json", *given)
    for secret in (API_KEY, COOKIE, AMZ, PATH_KEY, PATH_TOKEN):
        assert secret not in text + text_err + out + err, secret
        assert any(secret in head for head in echo.heads), f"{secret} was not sent"
    doc = json.loads(out)
    assert doc["request"]["url"].endswith("/gw/orders/x?api_key=<redacted>&token=<redacted>&page=2")
    assert "x?api_key=<redacted>&token=<redacted>&page=2" in text.splitlines()[0]
    assert "query carries credentials ('api_key'=…, 'token'=…)" in err
    seen = {k: v for hop in doc["hops"] if hop["identity"] for k, v in hop["identity"]["values"].items()}
    assert seen.get("X-Api-Key", "").startswith("<redacted")  # the echo reflected them: masked, not dropped


def test_a_short_query_credential_is_masked_by_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Values under 6 characters are below what value masking matches; the name still says what it is."""
    with peer(EchoPeer()) as port:
        _code, out, _err = trace(
            capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), "--path", "/x?sig=ab1"
        )
    assert "ab1" not in out.splitlines()[0] and "sig=<redacted>" in out.splitlines()[0]


# -- #14: what HTTP cannot carry is a usage error, before anything is sent -------------------------------


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--method", "G\x1b[2JET"], "--method 'G\\x1b[2JET' is not an HTTP method"),
        (["--method", "GE T"], "--method 'GE T' is not an HTTP method"),
        (["--header", "X-B: a\r\nX-Injected: 1"], "--header X-B: the value contains a line break (CR or LF)"),
        (["--header", "X-B: a\x1b[2Jb"], "--header X-B: the value contains the control character U+001B"),
        (["--header", "X-B: caf\u00e9"], "--header X-B: the value is not ASCII"),
        (["--header", "X\x1bB: a"], "--header 'X\\x1bB': not a header name"),
        (["--path", "/a\x1b[2Jb"], "--path: contains the control character U+001B"),
    ],
)
def test_what_http_cannot_carry_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    echo = EchoPeer()
    with peer(echo) as port:
        code, out, err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), *argv)
    assert code == 2, err
    assert message in err and "did not answer with HTTP" not in err and "Traceback" not in err
    assert "\x1b" not in out + err  # the escape never reaches the terminal
    assert echo.heads == []  # nothing was sent


def _target(url: str) -> Target:
    return Target(
        profile="t",
        environment=Environment.DEV,
        gateway_url=url,
        gateway_kind=GatewayKind.HTTP,
        auth=GatewayAuth.NONE,
        client=ClientPlan(flow="none"),
        expect=Expectations(),
    )


@pytest.mark.parametrize(
    "request_",
    [
        TraceRequest(method="G\x1bET"),
        TraceRequest(path="/a\x1b[2J"),
        TraceRequest(headers=(("X-B", "a\r\nb"),)),
    ],
)
def test_the_engine_refuses_bad_input_as_a_usage_error(request_: TraceRequest) -> None:
    """The console's request bar goes straight to the engine: bad input must be UsageError (shown as what the
    user got wrong), not TraceError ("the gateway did not answer with HTTP")."""
    echo = EchoPeer()
    with peer(echo) as port, pytest.raises(UsageError):
        run_trace(_target(f"http://127.0.0.1:{port}"), request_, resolve=lambda _ref: "")
    assert echo.heads == []


# -- #20: the user's correlation id wins ----------------------------------------------------------------


def test_the_users_correlation_id_is_the_one_sent_shown_and_searched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import console.engine.trace as engine

    searched: list[str] = []
    real = engine.search_logs

    def spy(query: Any, *args: Any, **kw: Any) -> Any:
        searched.append(query.correlation_id)
        return real(query, *args, **kw)

    monkeypatch.setattr(engine, "search_logs", spy)
    echo = EchoPeer()
    log = tmp_path / "u_ex.log"
    log.write_text("#Fields: date time cs-uri-stem cs-username x-correlation-id\n", encoding="utf-8")
    with peer(echo) as port:
        path = profile(tmp_path, f"http://127.0.0.1:{port}")
        Path(path).write_text(Path(path).read_text() + f'log_path = "{log}"\nlog_wait = 0\n')
        _code, out, err = trace(capsys, "--profile", path, "--json", "--header", "X-Correlation-Id: qa-fixed-1")
    doc = json.loads(out)
    assert doc["correlation_id"] == "qa-fixed-1"
    assert ["X-Correlation-Id", "qa-fixed-1"] in doc["request"]["headers"]  # not a secret: never redacted
    assert echo.header_lines("X-Correlation-Id:") == ["X-Correlation-Id: qa-fixed-1"]  # sent once, the user's
    assert searched == ["qa-fixed-1"]
    assert "X-Correlation-Id 'qa-fixed-1' is yours" in err


def test_ids_derived_from_a_dotted_user_id_are_still_own() -> None:
    assert is_own_correlation_id("qa.run.1.warmup1", {"qa.run.1"})
    assert is_own_correlation_id("qa.run.1", {"qa.run.1"})
    assert not is_own_correlation_id("qa.run.2", {"qa.run.1"})
    assert is_own_correlation_id("0f1e.spoof-check", {"0f1e"})


# -- #15: the URL printed is the URL sent ----------------------------------------------------------------


@pytest.mark.parametrize(
    "given,sent", [("/../admin", "/gw/admin"), ("/a b", "/gw/orders/a%20b"), ("/a/./b/../c", "/gw/orders/a/c")]
)
def test_the_printed_url_is_the_url_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, sent: str
) -> None:
    echo = EchoPeer()
    with peer(echo) as port:
        _code, out, _err = trace(capsys, "--profile", profile(tmp_path, f"http://127.0.0.1:{port}"), "--path", given)
    assert echo.heads[0].split("\r\n")[0] == f"GET {sent} HTTP/1.1"
    assert out.splitlines()[0].endswith(f"GET http://127.0.0.1:{port}{sent}")


# -- #16: one warning line for an unset environment, naming the key ---------------------------------------


def test_an_unset_environment_is_one_line_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with peer(EchoPeer()) as port:
        path = profile(tmp_path, f"http://127.0.0.1:{port}", environment="")
        _code, _out, err = trace(capsys, "--profile", path)
    lines = [line for line in err.splitlines() if "environment" in line]
    assert lines == [
        f"baton: {path}: environment: warning: not set: treated as production; say which it is: "
        'environment = "dev", "staging" or "production" (no spoof check, production safety rules)'
    ]
