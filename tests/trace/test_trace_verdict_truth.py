"""A verdict that never lies: no ✓ after a break, IIS ✓ only for the caller, every break with a finding and a fix."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from loopback import peer, read_request, responder
from sandboxes import Sandboxes
from test_trace_response_only import unsigned_jwt

from console.cli import main
from console.model.enums import Confidence
from console.model.trace import HOP_ORDER, HopName, HopStatus, Trace, TraceRequest
from console.sandbox import SCENARIOS


def _after_break_never_ok(trace: Trace) -> None:
    broken = trace.verdict.broken_at
    if broken is None:
        return
    later = trace.hops[HOP_ORDER.index(broken) + 1 :]
    assert all(h.status is not HopStatus.OK for h in later), [(h.name, h.status) for h in later]


def _names_finding_and_fix(trace: Trace) -> None:
    if not trace.verdict.ok:
        assert trace.verdict.finding, trace.verdict.summary
        assert trace.verdict.fix, trace.verdict.summary


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_hop_after_the_break_is_ok_and_every_break_has_a_fix(name: str, sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace(name)
    _after_break_never_ok(trace)
    _names_finding_and_fix(trace)


def test_finding_hop_and_confidence_are_enums(sandboxes: Sandboxes) -> None:
    findings = sandboxes.trace("claims-header-unmapped").findings
    assert findings and all(isinstance(f.hop, HopName) and isinstance(f.confidence, Confidence) for f in findings)


@pytest.mark.parametrize("name", ["api-key-missing", "throttled"])
def test_the_authorizer_is_not_ok_after_the_gateway_refused(name: str, sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace(name)
    assert trace.verdict.broken_at is HopName.GATEWAY
    assert trace.hop(HopName.AUTHORIZER).status is HopStatus.NOT_REACHED
    # Domain §1.8: the usage plan is checked after the authorizer, so the finding must not claim otherwise.
    assert "before the authorizer ran" not in trace.verdict.summary


@pytest.mark.parametrize(
    ("name", "code"), [("identity-header-appended", "iis.wrong_user"), ("claims-header-unmapped", "iis.identity_lost")]
)
def test_iis_is_not_ok_with_a_forged_or_missing_identity(name: str, code: str, sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace(name)
    assert trace.verdict.broken_at is HopName.INTEGRATION
    assert trace.hop(HopName.IIS).status is HopStatus.BROKEN
    assert code in [f.code for f in trace.findings if f.hop is HopName.IIS]


@pytest.mark.parametrize("path", ["/nope", "noslash", "/prod/"])
def test_a_wrong_path_or_stage_is_a_missing_authentication_token(path: str, sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace("healthy", TraceRequest(path=path))
    assert (trace.verdict.broken_at, trace.verdict.finding) == (HopName.GATEWAY, "gateway.missing_authentication_token")
    assert trace.verdict.fix and "API key" not in trace.verdict.summary
    _after_break_never_ok(trace)


def test_a_404_for_the_right_caller_is_not_an_identity_break(sandboxes: Sandboxes) -> None:
    trace = sandboxes.trace("healthy", TraceRequest(path="/prod/nope"))
    verdict = trace.verdict
    assert verdict.ok and verdict.broken_at is None, verdict.summary
    assert verdict.finding == "iis.request_failed" and "404" in verdict.summary and verdict.fix
    assert trace.hop(HopName.IIS).status is HopStatus.WARNING  # never a ✓ with an error status


# -- response-only traces with a loopback echo standing in for the gateway and IIS ---------------------------


def _echo(user: str | None, sub_header: str | None, status: int = 200) -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        read_request(conn)
        headers = {"x-user-sub": sub_header} if sub_header is not None else {}
        body = json.dumps({"headers": headers, "user": user, "auth_type": "TrustedHeader" if user else None})
        responder(
            status,
            [
                ("Content-Type", "application/json"),
                ("x-amzn-Remapped-Server", "Microsoft-IIS/10.0"),
                ("x-amzn-RequestId", "1b2c"),
            ],
            body.encode(),
        )(_Replay(conn))

    return handle


class _Replay:
    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def recv(self, _size: int) -> bytes:
        return b"\r\n\r\n"

    def sendall(self, data: bytes) -> None:
        self.conn.sendall(data)


def _profile(tmp_path: Path, port: int, *, auth: str = "lambda", echo: bool = True) -> str:
    identity = '\n[identity]\nflow = "static"\ntoken = "env:BATON_TEST_TOKEN"\n' if auth != "none" else ""
    path = tmp_path / "p.toml"
    path.write_text(
        f'name = "p"\ndescription = "outside view"\nenvironment = "staging"\n\n[gateway]\n'
        f'url = "http://127.0.0.1:{port}/prod"\nkind = "rest"\nauth = "{auth}"\n{identity}\n'
        '[propagation]\nheaders = { "X-User-Sub" = "sub" }\n' + ('\n[iis]\necho_path = "/whoami"\n' if echo else "")
    )
    return str(path)


def _trace(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, dict[str, object]]:
    code = main(["trace", "--profile", path, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _iis(doc: dict[str, object]) -> dict[str, object]:
    return next(h for h in doc["hops"] if h["hop"] == "iis")  # type: ignore[attr-defined, index]


def test_iis_resolving_another_user_is_a_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(_echo("mallory", "alice")) as port:  # the header arrived right, but IIS resolved someone else
        code, doc = _trace(capsys, _profile(tmp_path, port))
    verdict = doc["verdict"]
    assert code == 1
    assert (verdict["broken_at"], verdict["finding"]) == ("iis", "iis.wrong_user")  # type: ignore[index]
    assert "mallory" in verdict["summary"] and "alice" in verdict["summary"]  # type: ignore[index]
    assert _iis(doc)["status"] == "broken"


def test_a_user_the_caller_never_sent_is_not_intact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with peer(_echo("mallory", None)) as port:
        code, doc = _trace(capsys, _profile(tmp_path, port, auth="none"))
    assert code == 1
    assert doc["verdict"]["finding"] == "iis.wrong_user"  # type: ignore[index]
    assert "no identity" in doc["verdict"]["summary"]  # type: ignore[index]


def test_anonymous_at_iis_with_no_identity_sent_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with peer(_echo(None, None)) as port:
        code, doc = _trace(capsys, _profile(tmp_path, port, auth="none"))
    assert code == 0, doc["verdict"]


def test_anonymous_where_an_identity_was_sent_is_a_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(_echo(None, "alice")) as port:
        code, doc = _trace(capsys, _profile(tmp_path, port))
    assert code == 1
    assert (doc["verdict"]["broken_at"], doc["verdict"]["finding"]) == ("iis", "iis.identity_lost")  # type: ignore[index]


@pytest.mark.parametrize(
    "headers",
    [[("x-amzn-Remapped-Server", "Microsoft-IIS/10.0"), ("x-amzn-RequestId", "1")], [("x-amzn-RequestId", "1")]],
)
def test_unconfirmed_is_said_once_with_a_title_that_fits(
    headers: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", unsigned_jwt("alice"))
    with peer(responder(200, headers, b"<html>ok</html>")) as port:
        code, doc = _trace(capsys, _profile(tmp_path, port, echo=False))
    found = [f for f in doc["findings"] if f["code"] == "trace.identity_unconfirmed"]  # type: ignore[attr-defined]
    assert code == 1 and len(found) == 1, found
    assert found[0]["title"] == "No probe shows which identity IIS saw"
