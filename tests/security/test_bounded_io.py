"""Bounded work: --timeout is a wall deadline per hop, bodies are capped, key files must be small regular files.

Each peer here would hold a per-read timeout for minutes (a byte every 0.2 s of a 2,000-byte body) or send
100 MiB; each test returns only because Baton stops by itself. Durations are never asserted: the peers'
own pace makes a per-read client hang far past any test run, so finishing is the evidence.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hostile_peers import answer, drip_body, drip_headers, flood, serve

from console.engine.deadline import deadline, remaining
from console.engine.identity import MAX_TOKEN_RESPONSE_BYTES, TokenCache, acquire_token
from console.engine.target import ClientPlan
from console.engine.tokens import fetch_jwks
from console.engine.transport import make_client, send
from console.errors import KeyLoadError, TraceError
from console.model.enums import HopName


def test_a_dripping_body_ends_at_the_deadline() -> None:
    with serve(drip_body()) as url, make_client(1.0) as client, pytest.raises(TraceError) as info:
        send(client, "GET", url, [])
    assert info.value.hop is HopName.GATEWAY
    assert "after 1 s: the body was still arriving" in info.value.one_line()


def test_dripping_headers_end_at_the_deadline() -> None:
    with serve(drip_headers()) as url, make_client(1.0) as client, pytest.raises(TraceError) as info:
        send(client, "GET", url, [], hop=HopName.IIS)
    assert info.value.hop is HopName.IIS
    assert info.value.one_line().startswith("iis: timed out waiting for an answer from 127.0.0.1:")


def test_a_healthy_peer_is_unaffected_and_the_deadline_does_not_leak() -> None:
    with serve(answer(200, b"ok")) as url, make_client(1.0) as client:
        for _ in range(3):  # the pooled connection is reused under each request's own deadline
            assert send(client, "GET", url, []).status == 200
    assert remaining() is None


def test_deadlines_nest_and_refuse_nonsense() -> None:
    with deadline(30) as outer, deadline(60) as inner:
        assert inner == outer  # an inner deadline never extends the outer one
    for bad in (float("nan"), float("inf"), 0.0, -1.0):
        with pytest.raises(ValueError), deadline(bad):
            pass


def _plan(url: str) -> ClientPlan:
    return ClientPlan(
        flow="client_credentials", token_url=f"{url}/oauth2/token", client_id="abc", client_secret="client-secret-value"
    )


def test_a_dripping_token_endpoint_ends_at_the_deadline() -> None:
    with serve(drip_body()) as url, make_client(1.0) as client, pytest.raises(TraceError) as info:
        acquire_token(_plan(url), client, lambda ref: "", cache=TokenCache())
    assert info.value.hop is HopName.CLIENT
    assert "did not answer within 1 s" in info.value.one_line()


def test_a_flooding_token_endpoint_is_capped() -> None:
    with serve(flood()) as url, make_client(10.0) as client, pytest.raises(TraceError) as info:
        acquire_token(_plan(url), client, lambda ref: "", cache=TokenCache())
    assert info.value.hop is HopName.CLIENT
    assert f"more than {MAX_TOKEN_RESPONSE_BYTES:,} bytes" in info.value.one_line()


def test_a_dripping_jwks_url_ends_at_the_deadline() -> None:
    with serve(drip_body()) as url, pytest.raises(KeyLoadError, match="did not answer within 1 s"):
        fetch_jwks(f"{url}/jwks.json", timeout=1.0)


def test_the_jwks_fetch_uses_the_given_client() -> None:
    """The trace's own client (its TLS settings, hooks) fetches the JWKS; no private attribute is read."""
    from console.engine import jwks_cache

    seen: list[str] = []
    jwks_cache.clear()
    with (
        serve(answer(200, b'{"keys": []}')) as url,
        httpx.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as client,
    ):
        assert jwks_cache.keys_for(f"{url}/jwks.json", client) is None  # fetched, but no usable key
    jwks_cache.clear()
    assert seen == [f"{url}/jwks.json"]
    source = Path(jwks_cache.__file__).read_text(encoding="utf-8")
    assert "_transport" not in source


# -- key files -----------------------------------------------------------------------------------


def _decode(*argv: str) -> subprocess.CompletedProcess[str]:
    """`baton decode` in a child: a FIFO that blocks the open would hang a test in-process."""
    return subprocess.run(
        [sys.executable, "-m", "console.cli", "decode", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("option", ["--key", "--jwks"])
def test_a_device_is_refused(option: str) -> None:
    result = _decode(option, "/dev/zero")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "/dev/zero" in result.stderr and "a character device, not a regular file" in result.stderr


@pytest.mark.parametrize("option", ["--key", "--jwks"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    result = _decode(option, str(fifo))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "a FIFO (named pipe), not a regular file" in result.stderr


def test_a_huge_key_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.pem"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no disk used
    result = _decode("--key", str(big))
    assert result.returncode == 2 and "is larger than 1 MiB" in result.stderr


@pytest.mark.parametrize("timeout", [float("nan"), float("inf")])
def test_an_unusable_client_timeout_still_leaves_a_deadline(timeout: float) -> None:
    from console.engine.transport import DEFAULT_TIMEOUT, hop_budget

    with make_client(timeout) as client:
        assert hop_budget(client) == DEFAULT_TIMEOUT
        with serve(answer(200, b"ok")) as url:
            assert send(client, "GET", url, []).status == 200


def test_a_token_too_large_for_any_gateway_is_not_sent_on() -> None:
    from console.engine.tokens import MAX_TOKEN_BYTES

    body = ('{"access_token": "' + "A" * (MAX_TOKEN_BYTES + 1) + '", "expires_in": 300}').encode()
    with serve(answer(200, body)) as url, make_client(5.0) as client, pytest.raises(TraceError) as info:
        acquire_token(_plan(url), client, lambda ref: "", cache=TokenCache())
    assert info.value.hop is HopName.CLIENT and f"{MAX_TOKEN_BYTES + 1:,} characters" in info.value.one_line()


def test_a_dripping_iis_in_the_spoof_check_ends_at_the_deadline() -> None:
    """The direct-to-IIS spoof check read with the bare client: a dripping IIS held the trace past --timeout."""
    from console.engine.probes.iis import spoof_check

    with serve(drip_body()) as url, make_client(1.0) as client:
        result = spoof_check(client, url, "/whoami", "X-User-Sub")
    assert not result.accepted and result.status is None
    assert "not reachable directly" in result.detail


def test_a_flooding_iis_in_the_spoof_check_is_capped() -> None:
    from console.engine.probes.iis import spoof_check

    with serve(flood()) as url, make_client(5.0) as client:
        result = spoof_check(client, url, "/whoami", "X-User-Sub")
    assert not result.accepted
