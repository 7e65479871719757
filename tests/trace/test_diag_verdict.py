"""No false ✓: unrecognised errors, another request's echo, ambiguous or malformed echoes, foreign identities."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loopback import peer, read_request

from console.cli import main

Answer = Callable[[dict[str, str]], tuple[int, list[tuple[str, str]], bytes]]


def jwt(claims: dict[str, object]) -> str:
    def b64(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256', 'kid': 'k1'})}.{b64(claims)}.c2lnbmF0dXJl"


def answering(answer: Answer) -> Callable[[socket.socket], None]:
    """A peer that answers each request with ``answer(request headers)``."""

    def handle(conn: socket.socket) -> None:
        head = read_request(conn).decode("latin-1").split("\r\n\r\n", 1)[0].split("\r\n")[1:]
        headers = dict(line.split(": ", 1) for line in head if ": " in line)
        status, extra, body = answer(headers)
        out = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in extra)
        conn.sendall(f"{out}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)

    return handle


def fixed(status: int, headers: list[tuple[str, str]], body: bytes | str) -> Answer:
    data = body.encode() if isinstance(body, str) else body
    return lambda _request: (status, headers, data)


def echo(build: Callable[[dict[str, str]], dict[str, Any] | str]) -> Answer:
    """An IIS echo: ``build`` makes the JSON body (a dict, or raw text for duplicate keys) from the request."""

    def answer(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        doc = build(request)
        body = doc if isinstance(doc, str) else json.dumps(doc)
        return 200, [("Content-Type", "application/json"), ("Server", "Microsoft-IIS/10.0")], body.encode()

    return answer


def write_profile(
    tmp_path: Path,
    port: int,
    *,
    kind: str = "http",
    auth: str = "jwt",
    propagation: str = '{ "X-User-Id" = "sub" }',
    echo_path: str | None = "/_echo",
    log_path: str | None = None,
    iis_url: str | None = None,
) -> str:
    identity = '[identity]\nflow = "static"\ntoken = "env:BATON_TEST_TOKEN"\n' if auth != "none" else ""
    iis = "".join(
        f'{key} = "{value}"\n'
        for key, value in (("url", iis_url), ("echo_path", echo_path), ("log_path", log_path))
        if value
    )
    path = tmp_path / "diag.toml"
    path.write_text(
        f'name = "diag"\nenvironment = "dev"\n\n[gateway]\nurl = "http://127.0.0.1:{port}/dev/orders"\n'
        f'kind = "{kind}"\nauth = "{auth}"\n\n{identity}\n[propagation]\nheaders = {propagation}\n'
        + (f"\n[iis]\n{iis}" if iis else "")
    )
    return str(path)


def run(capsys: pytest.CaptureFixture[str], profile: str, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["trace", "--profile", profile, "--json", *extra])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, doc


def hop(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(h for h in doc["hops"] if h["hop"] == name)
    return found


def codes(doc: dict[str, Any]) -> list[str]:
    return [f["code"] for f in doc["findings"]]


@pytest.fixture
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "alice", "exp": 4102444800}))


IIS_401 = "<h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>"


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("http", fixed(404, [("Content-Type", "text/plain")], "not here")),
        ("http", fixed(500, [("Content-Type", "text/plain")], "boom")),
        ("rest", fixed(500, [("Content-Type", "text/plain"), ("x-amzn-RequestId", "r1")], "boom")),
        ("http", fixed(502, [], "")),
    ],
)
@pytest.mark.usefixtures("alice")
def test_an_unrecognised_error_is_never_intact(
    kind: str, answer: Answer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with peer(answering(answer)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, kind=kind, echo_path=None))
    assert code == 1 and doc["verdict"]["ok"] is False, doc["verdict"]
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed", doc["verdict"]
    assert "intact" not in doc["verdict"]["summary"]
    assert hop(doc, "iis")["status"] != "ok"


@pytest.mark.usefixtures("alice")
def test_iis_own_401_page_with_a_second_server_header_is_broken_at_iis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Some stacks send two Server headers (a front server's and IIS's): the one naming IIS says who wrote it.
    headers = [("Server", "BaseHTTP/0.6"), ("Server", "Microsoft-IIS/10.0"), ("Content-Type", "text/html")]
    with peer(answering(fixed(401, headers, IIS_401))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, echo_path=None))
    assert code == 1 and doc["verdict"]["broken_at"] == "iis", doc["verdict"]


@pytest.mark.usefixtures("alice")
def test_an_echo_of_another_request_confirms_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = "00000000-old-old-old-000000000000"
    answer = echo(lambda _r: {"headers": {"X-User-Id": "alice", "X-Correlation-Id": stale}, "user": "alice"})
    with peer(answering(answer)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    verdict = doc["verdict"]
    assert code == 1 and verdict["finding"] == "trace.identity_unconfirmed", verdict
    assert stale in verdict["summary"] and doc["correlation_id"] in verdict["summary"]
    assert hop(doc, "iis")["status"] != "ok"


@pytest.mark.usefixtures("alice")
def test_this_requests_own_echo_still_confirms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def build(request: dict[str, str]) -> dict[str, Any]:
        return {"headers": {"X-User-Id": "alice", "X-Correlation-Id": request["X-Correlation-Id"]}, "user": "alice"}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]
    assert hop(doc, "iis")["status"] == "ok"


@pytest.mark.usefixtures("alice")
def test_two_identity_headers_or_two_users_at_iis_are_not_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def build(request: dict[str, str]) -> str:
        cid = request["X-Correlation-Id"]
        headers = json.dumps({"X-User-Id": "alice", "x-user-id": "mallory", "X-Correlation-Id": cid})
        return '{"headers": ' + headers + ', "user": "mallory", "user": "alice", "auth_type": "Anonymous"}'

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 1 and doc["verdict"]["ok"] is False
    assert doc["verdict"]["broken_at"] == "integration", doc["verdict"]
    assert doc["verdict"]["finding"] == "integration.identity_header_duplicated"
    assert "mallory" in doc["verdict"]["summary"] and "alice" in doc["verdict"]["summary"]
    assert "iis.identity_ambiguous" in codes(doc)
    assert hop(doc, "integration")["status"] == "broken" and hop(doc, "iis")["status"] == "broken"


@pytest.mark.usefixtures("alice")
def test_a_user_that_is_not_a_string_is_shown_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def build(request: dict[str, str]) -> dict[str, Any]:
        return {"headers": {"X-User-Id": "alice", "X-Correlation-Id": request["X-Correlation-Id"]}, "user": ["alice"]}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    summary = doc["verdict"]["summary"]
    assert code == 1 and doc["verdict"]["finding"] == "trace.identity_unconfirmed", doc["verdict"]
    assert '["alice"]' in summary and "not a string" in summary and "['alice']" not in summary


def test_an_identity_the_caller_never_sent_is_not_ok_at_the_integration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def build(request: dict[str, str]) -> dict[str, Any]:
        return {"headers": {"X-User-Id": "mallory", "X-Correlation-Id": request["X-Correlation-Id"]}, "user": "mallory"}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, auth="none"))
    assert code == 1 and doc["verdict"]["finding"] == "iis.wrong_user"
    integration = hop(doc, "integration")
    assert integration["status"] in ("warning", "broken"), integration
    assert any("never sent" in line for line in integration["evidence"]), integration


@pytest.mark.usefixtures("alice")
def test_a_domain_user_matched_without_its_domain_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def build(request: dict[str, str]) -> dict[str, Any]:
        cid = request["X-Correlation-Id"]
        return {"headers": {"X-User-Id": "alice", "X-Correlation-Id": cid}, "user": "CORP\\alice"}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 0, doc["verdict"]
    assert "ignoring the domain CORP" in doc["verdict"]["summary"]
    assert any("ignoring the domain CORP" in line for line in hop(doc, "iis")["evidence"])
