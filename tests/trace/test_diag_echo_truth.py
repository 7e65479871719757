"""An echo confirms only this request's answer, for this caller exactly; IAM unsigned and auth none say what is true."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from loopback import peer
from test_diag_verdict import Answer, answering, codes, echo, hop, jwt, run, write_profile

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.iis import IisView
from console.engine.target import ClientPlan, Target
from console.model.expectations import Expectations
from console.model.trace import ResponseSnapshot


def honest(user: Any = "alice", header: str = "alice", **extra: Any) -> Answer:
    def build(request: dict[str, str]) -> dict[str, Any]:
        cid = request.get("X-Correlation-Id", "-")
        return {"headers": {"X-User-Id": header, "X-Correlation-Id": cid}, "user": user, **extra}

    return echo(build)


def with_status(answer: Answer, status: int, *headers: tuple[str, str]) -> Answer:
    def wrapped(request: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        _status, extra, body = answer(request)
        return status, [*extra, *headers], body

    return wrapped


def token(monkeypatch: pytest.MonkeyPatch, sub: str) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": sub, "exp": 4102444800}))


def not_ok(code: int, doc: dict[str, Any]) -> None:
    assert code == 1 and doc["verdict"]["ok"] is False, doc["verdict"]


def test_a_correlation_id_containing_redacted_is_still_another_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token(monkeypatch, "alice")
    answer = echo(
        lambda _r: {"headers": {"X-User-Id": "alice", "X-Correlation-Id": "redacted-2024-01-01-old"}, "user": "alice"}
    )
    with peer(answering(answer)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed"


@pytest.mark.parametrize(
    "cache",
    [
        (("Age", "86400"),),
        (("X-Cache", "Hit from cloudfront"),),
        (("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),),
    ],
)
def test_a_cached_echo_confirms_nothing(
    cache: tuple[tuple[str, str], ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token(monkeypatch, "alice")
    # The correlation id is missing (a cache stores the answer without it): only the cache headers tell.
    answer = with_status(echo(lambda _r: {"headers": {"X-User-Id": "alice"}, "user": "alice"}), 200, *cache)
    with peer(answering(answer)) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed"
    assert "cache" in doc["verdict"]["summary"] and cache[0][1] in doc["verdict"]["summary"], doc["verdict"]


@pytest.mark.parametrize(
    ("sub", "user"), [("Kate", "\u212aate"), ("ross", "roß"), ("ross", "ro\u017fs"), ("alice", "ALICE")]
)
def test_a_look_alike_or_case_variant_user_is_not_the_caller(
    sub: str, user: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token(monkeypatch, sub)
    with peer(answering(honest(user=user, header=sub))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    not_ok(code, doc)
    assert hop(doc, "iis")["status"] != "ok"
    if not user.isascii():  # the look-alike is named by its code points, not only as it prints
        assert ascii(user)[1:-1] in doc["verdict"]["summary"], doc["verdict"]


def test_a_domain_prefixed_user_matches_and_says_what_was_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token(monkeypatch, "alice")
    with peer(answering(honest(user="CORP\\alice"))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    assert code == 0 and "CORP" in doc["verdict"]["summary"], doc["verdict"]


def iam_profile(tmp_path: Path, port: int) -> str:
    path = tmp_path / "iam.toml"
    path.write_text(
        f'name = "iam"\nenvironment = "dev"\n\n[gateway]\nurl = "http://127.0.0.1:{port}/dev/orders"\n'
        'kind = "rest"\nauth = "iam"\n\n[aws]\nregion = "eu-west-1"\n\n'
        '[propagation]\nheaders = { "X-User-Id" = "userArn" }\n\n[iis]\necho_path = "/_echo"\n'
    )
    return str(path)


def test_an_iam_trace_without_credentials_is_never_sent_unsigned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """auth = iam is signed with SigV4 (tests/trace/test_trace_sigv4.py); with no credentials to sign with, nothing
    goes out unsigned and the trace says why, never ok. (Before signing existed, the request went out unsigned.)"""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    seen: list[dict[str, str]] = []

    def build(request: dict[str, str]) -> dict[str, Any]:
        seen.append(request)
        return {"headers": {"X-Correlation-Id": request["X-Correlation-Id"]}, "user": None}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, iam_profile(tmp_path, port))
    assert code == 3 and doc["verdict"]["ok"] is False, doc["verdict"]
    assert "cannot sign the request with SigV4" in doc["verdict"]["summary"]
    assert seen == []


def test_auth_none_and_an_anonymous_iis_says_no_identity_was_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def build(request: dict[str, str]) -> dict[str, Any]:
        return {"headers": {"X-Correlation-Id": request["X-Correlation-Id"]}, "user": None}

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, auth="none"))
    assert code == 0 and doc["verdict"]["ok"], doc["verdict"]
    summary = doc["verdict"]["summary"]
    assert "resolved the caller" not in summary and "no identity" in summary and "anonymous" in summary, summary


def test_an_unreadable_token_gets_token_advice_not_stale_echo_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with peer(answering(honest())) as port:
        profile = write_profile(tmp_path, port, auth="none")
        code, doc = run(capsys, profile, "--header", "Authorization: Bearer opaque-not-a-jwt-0123456789")
    not_ok(code, doc)
    assert doc["verdict"]["finding"] == "trace.identity_unconfirmed", doc["verdict"]
    assert "caches or replays" not in doc["verdict"]["fix"] and "token" in doc["verdict"]["fix"], doc["verdict"]


def test_a_redirect_to_a_login_page_is_never_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token(monkeypatch, "alice")
    with peer(answering(with_status(honest(), 302, ("Location", "/login")))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port))
    not_ok(code, doc)
    assert "/login" in doc["verdict"]["summary"] and "302" in doc["verdict"]["summary"], doc["verdict"]


def test_a_500_with_an_echo_tells_one_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token(monkeypatch, "alice")
    with peer(answering(with_status(honest(), 500))) as port:
        _code, doc = run(capsys, write_profile(tmp_path, port))
    assert doc["verdict"]["finding"] == "iis.request_failed", doc["verdict"]
    assert "iis.http_error" not in codes(doc)
    assert not any("does not show which user" in f["detail"] for f in doc["findings"])


def test_the_integration_hop_shows_the_mapped_claims_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", jwt({"sub": "u-1", "email": "alice@example.com", "exp": 4102444800}))

    def build(request: dict[str, str]) -> dict[str, Any]:
        cid = request["X-Correlation-Id"]
        return {
            "headers": {"X-User-Email": "mallory@example.com", "X-Correlation-Id": cid},
            "user": "alice@example.com",
        }

    with peer(answering(echo(build))) as port:
        code, doc = run(capsys, write_profile(tmp_path, port, propagation='{ "X-User-Email" = "email" }'))
    assert code == 1
    identity = hop(doc, "integration")["identity"]
    assert identity["subject"] == "mallory@example.com" and "X-User-Email" in identity["source"], identity


def _evidence(view: IisView) -> Evidence:
    target = Target(
        profile="p",
        environment="dev",
        gateway_url="http://127.0.0.1:9/dev/orders",
        gateway_kind="http",
        auth="none",
        client=ClientPlan(flow="none"),
        expect=Expectations(),
        echo_path="/_echo",
    )
    response = ResponseSnapshot(
        status=200, headers=(("Content-Type", "application/json"),), body="{}", body_bytes=2, elapsed_ms=1.0
    )
    return Evidence(
        target=target,
        correlation_id="c-1",
        response=response,
        iis_view=view,
        method="GET",
        url="http://127.0.0.1:9/dev/orders/_echo",
    )


@pytest.mark.parametrize(
    ("path", "method"), [("/healthcheck", "GET"), ("/dev/orders/_echo", "HEAD"), ("/_echo", "POST")]
)
def test_an_echo_of_another_path_or_method_confirms_nothing(path: str, method: str) -> None:
    view = IisView({"X-Correlation-Id": "c-1"}, None, None, {}, path=path, method=method)
    verdict = diagnose(_evidence(view)).verdict
    assert not verdict.ok and verdict.finding == "trace.identity_unconfirmed", verdict
    assert path in verdict.summary or method in verdict.summary


@pytest.mark.parametrize(("path", "method"), [("/_echo", "GET"), ("/dev/orders/_echo", "get"), (None, None)])
def test_an_echo_of_this_path_and_method_still_confirms(path: str | None, method: str | None) -> None:
    view = IisView({"X-Correlation-Id": "c-1"}, None, None, {}, path=path, method=method)
    verdict = diagnose(_evidence(view)).verdict
    assert verdict.ok, verdict


def test_a_request_that_went_out_unsigned_under_auth_iam_is_never_ok() -> None:
    """The diagnosis still guards a trace whose target has no signer (the engine used as a library): an unsigned
    request under auth = iam carries no IAM identity, so an echo that looks fine cannot make it ok."""
    from dataclasses import replace

    ev = _evidence(IisView({"X-Correlation-Id": "c-1"}, None, None, {}, path="/dev/orders/_echo", method="GET"))
    ev.target = replace(ev.target, auth="iam", gateway_kind="rest")
    verdict = diagnose(ev).verdict
    assert not verdict.ok
    assert (verdict.broken_at, verdict.finding) == ("client", "client.request_unsigned")
