"""Lifecycle, loopback binding, ports, the IdP's endpoints, the control plane feed and the W3C log format."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from console.errors import SandboxError
from console.sandbox import Sandbox, start_sandbox


def _free_base() -> int:
    for _ in range(50):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
        probe.close()
        if base > 65000:
            continue
        try:
            taken = [socket.create_server(("127.0.0.1", base + i)) for i in range(3)]
        except OSError:
            continue
        for s in taken:
            s.close()
        return base
    raise RuntimeError("no three consecutive free ports")


def test_servers_bind_loopback_only(sandboxes: Callable[[str], Sandbox]) -> None:
    sandbox = sandboxes("healthy")
    for sock in sandbox._sockets:
        assert sock.getsockname()[0] == "127.0.0.1"
    for url in sandbox.urls.as_dict().values():
        assert url.startswith("http://127.0.0.1:")


def test_port_base_layout_and_stop_frees_the_ports() -> None:
    base = _free_base()
    with start_sandbox("healthy", port_base=base) as sandbox:
        assert sandbox.urls.as_dict() == {
            "idp": f"http://127.0.0.1:{base}",
            "gateway": f"http://127.0.0.1:{base + 1}",
            "iis": f"http://127.0.0.1:{base + 2}",
        }
        assert httpx.get(f"{sandbox.urls.iis}/whoami").status_code == 200
        log_dir = sandbox.log_dir
    for port in (base, base + 1, base + 2):
        socket.create_server(("127.0.0.1", port)).close()  # raises if still held
    assert not log_dir.exists()


def test_port_in_use_names_the_port() -> None:
    base = _free_base()
    with socket.create_server(("127.0.0.1", base + 2)), pytest.raises(SandboxError) as raised:
        start_sandbox("healthy", port_base=base)
    assert f"port {base + 2} (iis)" in str(raised.value)
    socket.create_server(("127.0.0.1", base)).close()  # the ports bound before the failure were released


def test_unknown_scenario_is_a_sandbox_error() -> None:
    with pytest.raises(SandboxError, match="unknown scenario 'nope'"):
        start_sandbox("nope")


def test_each_run_has_its_own_issuer_and_keys(sandboxes: Callable[[str], Sandbox]) -> None:
    first, second = sandboxes("healthy"), sandboxes("expired-token")
    assert first.idp.issuer != second.idp.issuer
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/us-east-1_[A-Za-z0-9]{9}", first.idp.issuer)
    kids = [{k["kid"] for k in httpx.get(s.idp.jwks_url).json()["keys"]} for s in (first, second)]
    assert not kids[0] & kids[1]


def _doc(sandbox: Sandbox) -> dict[str, Any]:
    doc: dict[str, Any] = httpx.get(f"{sandbox.urls.gateway}/__baton/scenario").json()
    return doc


def test_idp_discovery_and_cognito_shaped_tokens(sandboxes: Callable[[str], Sandbox]) -> None:
    sandbox = sandboxes("healthy")
    doc = _doc(sandbox)
    discovery = httpx.get(doc["discovery_url"]).json()
    assert discovery["issuer"] == doc["idp_issuer"] and discovery["token_endpoint"] == doc["token_url"]
    client = doc["client"]
    tokens = httpx.post(
        doc["token_url"],
        data={
            "grant_type": "password",
            "username": client["username"],
            "password": client["password"],
            "scope": client["scope"],
        },
        auth=(client["client_id"], client["client_secret"]),
    ).json()
    jwks = jwt.PyJWKSet.from_dict(httpx.get(discovery["jwks_uri"]).json())
    heads = [jwt.get_unverified_header(tokens[k]) for k in ("access_token", "id_token")]
    assert heads[0]["kid"] != heads[1]["kid"] and all(h == {"alg": "RS256", "kid": h["kid"]} for h in heads)
    access = jwt.decode(
        tokens["access_token"], jwks[heads[0]["kid"]].key, algorithms=["RS256"], issuer=doc["idp_issuer"]
    )
    assert access["token_use"] == "access" and access["client_id"] == client["client_id"] and "aud" not in access
    assert access["username"] == "alice" and access["cognito:groups"] == ["orders-readers"]
    ident = jwt.decode(
        tokens["id_token"], jwks[heads[1]["kid"]].key, algorithms=["RS256"], audience=client["client_id"]
    )
    assert ident["token_use"] == "id" and ident["cognito:username"] == "alice"


def test_idp_client_credentials_and_errors(sandboxes: Callable[[str], Sandbox]) -> None:
    doc = _doc(sandboxes("healthy"))
    client = doc["client"]
    auth = (client["client_id"], client["client_secret"])
    cc = httpx.post(
        doc["token_url"], data={"grant_type": "client_credentials", "scope": "baton-api/orders.read"}, auth=auth
    ).json()
    assert set(cc) == {"access_token", "expires_in", "token_type"}
    assert jwt.decode(cc["access_token"], options={"verify_signature": False})["sub"] == client["client_id"]
    bad = httpx.post(doc["token_url"], data={"grant_type": "client_credentials"}, auth=(client["client_id"], "x"))
    assert (bad.status_code, bad.json()) == (400, {"error": "invalid_client"})
    wrong = httpx.post(
        doc["token_url"], data={"grant_type": "password", "username": "alice", "password": "no"}, auth=auth
    )
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant"})


def test_control_plane_long_poll_returns_a_new_request(sandboxes: Callable[[str], Sandbox]) -> None:
    gateway = sandboxes("healthy").urls.gateway
    last = httpx.get(f"{gateway}/__baton/requests").json()["last_seq"]
    sender = threading.Timer(0.2, lambda: httpx.get(f"{gateway}/prod/whoami", headers={"X-Correlation-Id": "poll-1"}))
    sender.start()
    try:
        feed = httpx.get(f"{gateway}/__baton/requests", params={"after": last, "wait": 20}, timeout=30).json()
    finally:
        sender.join()
    assert any(r["correlation_id"] == "poll-1" and r["status"] == 401 for r in feed["requests"])
    assert all(r["seq"] > last for r in feed["requests"])


def test_control_plane_unknown_id_is_404_json(sandboxes: Callable[[str], Sandbox]) -> None:
    gateway = sandboxes("healthy").urls.gateway
    for path in ("requests/no-such-id", "logs/no-such-id"):
        response = httpx.get(f"{gateway}/__baton/{path}")
        assert response.status_code == 404 and "error" in response.json()


def test_w3c_log_is_written_as_iis_writes_it(sandboxes: Callable[[str], Sandbox]) -> None:
    sandbox = sandboxes("healthy")
    httpx.get(f"{sandbox.urls.iis}/whoami", headers={"User-Agent": "curl/8.5 (x)", "X-Correlation-Id": "w3c-1"})
    assert re.fullmatch(r"u_ex\d{6}_x\.log", sandbox.iis_log_path.name)
    assert sandbox.iis_log_path.parent.name == "W3SVC1"
    raw = sandbox.iis_log_path.read_bytes()
    assert b"\r\n" in raw
    lines = raw.decode().split("\r\n")
    assert lines[0] == "#Software: Microsoft Internet Information Services 10.0"
    assert lines[1] == "#Version: 1.0" and re.fullmatch(r"#Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[2])
    assert lines[3] == (
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
        "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken "
        "X-Correlation-Id X-User-Sub"
    )
    line = next(x for x in lines if " w3c-1 " in x)
    fields = line.split(" ")
    assert len(fields) == 17 and fields[9] == "curl/8.5+(x)" and fields[10] == "-" and fields[14].isdigit()
    now = time.gmtime()
    assert fields[0] in {time.strftime("%Y-%m-%d", now), time.strftime("%Y-%m-%d", time.gmtime(time.time() - 5))}


def test_hostile_oversized_header_gets_http_sys_400_and_iis_keeps_serving(sandboxes: Callable[[str], Sandbox]) -> None:
    iis = sandboxes("healthy").urls.iis
    response = httpx.get(f"{iis}/whoami", headers={"X-Big": "a" * 70_000})
    assert response.status_code == 400
    assert response.headers["Server"] == "Microsoft-HTTPAPI/2.0"
    assert "X-Powered-By" not in response.headers
    assert httpx.get(f"{iis}/whoami").status_code == 200


def test_iis_404_and_echo_path(sandboxes: Callable[[str], Sandbox]) -> None:
    iis = sandboxes("healthy").urls.iis
    missing = httpx.get(f"{iis}/nope")
    assert missing.status_code == 404 and "HTTP Error 404.0 - Not Found" in missing.text
    echo = httpx.get(f"{iis}/whoami", headers={"X_User_Sub": "u1", "X-User-Sub": "u2"}).json()
    assert echo["server_variables"]["HTTP_X_USER_SUB"] == "u1,u2"
