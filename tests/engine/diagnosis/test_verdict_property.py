"""A verdict is ok only when the IIS hop itself is ok: the caller IIS resolved, observed, is the expected caller."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.verdict import decide
from console.engine.probes.iis import IisView
from console.engine.target import ClientPlan, Target
from console.engine.tokens import inspect_token
from console.model.expectations import Expectations
from console.model.findings import Finding, Severity
from console.model.trace import HOP_ORDER, Hop, HopName, HopStatus, Identity, ResponseSnapshot


def jwt(claims: dict[str, object]) -> str:
    def b64(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256', 'kid': 'k1'})}.{b64(claims)}.c2lnbmF0dXJl"


def target(*, kind: str = "rest", auth: str = "lambda", echo_path: str | None = None) -> Target:
    return Target(
        profile="p",
        environment="dev",  # type: ignore[arg-type]
        gateway_url="http://127.0.0.1:9/prod",
        gateway_kind=kind,  # type: ignore[arg-type]
        auth=auth,  # type: ignore[arg-type]
        client=ClientPlan(flow="static"),
        expect=Expectations(),
        propagation=(("X-User-Id", "sub"),),
        echo_path=echo_path,
    )


def evidence(response: ResponseSnapshot, view: IisView | None = None, sub: str = "alice") -> Evidence:
    ev = Evidence(target=target(), correlation_id="c-1", response=response, iis_view=view)
    ev.token = inspect_token(jwt({"sub": sub, "exp": 4102444800}))
    ev.sent_headers = {"Authorization": "Bearer <redacted>", "X-Correlation-Id": "c-1"}
    if view is not None:
        ev.iis_view_source = "IIS echo endpoint"
    return ev


HEADERS = st.lists(
    st.sampled_from(
        [
            ("Server", "Microsoft-IIS/10.0"),
            ("Server", "Microsoft-HTTPAPI/2.0"),
            ("x-amzn-Remapped-Server", "Microsoft-IIS/10.0"),
            ("x-amzn-RequestId", "r-1"),
            ("apigw-requestid", "a-1"),
            ("x-amzn-ErrorType", "ForbiddenException"),
            ("x-amzn-ErrorType", "SomethingNewException"),
            ("WWW-Authenticate", "Negotiate"),
            ("Content-Type", "application/json"),
            ("Content-Type", "text/plain"),
            ("X-Powered-By", "ASP.NET"),
        ]
    ),
    max_size=4,
)
BODIES = st.sampled_from(
    [
        "",
        "not here",
        "boom",
        '{"message":"Forbidden"}',
        '{"ok": true, "user": "alice"}',
        "<h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>",
        "<h1>Bad Request - Invalid Hostname</h1>",
    ]
)
STATUSES = st.sampled_from([200, 204, 302, 307, 400, 401, 403, 404, 429, 500, 502, 503, 504])


@settings(max_examples=300, deadline=None)
@given(status=STATUSES, headers=HEADERS, body=BODIES)
def test_no_response_alone_is_ever_ok(status: int, headers: list[tuple[str, str]], body: str) -> None:
    """Without an echo, a log line or ground truth nothing shows who IIS resolved: never ✓ (exit 0)."""
    response = ResponseSnapshot(status, tuple(headers), body, len(body), 1.0)
    result = diagnose(evidence(response))
    assert not result.verdict.ok, (status, headers, body, result.verdict)
    assert result.verdict.finding, result.verdict  # a finding (break or unconfirmed), never a bare no


USERS = st.sampled_from([None, "alice", "ALICE", "mallory", "CORP\\alice", "", "alice,mallory"])


@settings(max_examples=300, deadline=None)
@given(status=STATUSES, user=USERS, header=USERS)
def test_an_echo_is_ok_only_for_the_expected_caller(status: int, user: str | None, header: str | None) -> None:
    body = json.dumps({"headers": {"X-User-Id": header} if header is not None else {}, "user": user})
    response = ResponseSnapshot(status, (("Content-Type", "application/json"),), body, len(body), 1.0)
    view = IisView({"X-User-Id": header} if header is not None else {}, user or None, None, {})
    result = diagnose(evidence(response, view))
    iis = next(h for h in result.hops if h.name is HopName.IIS)
    if result.verdict.ok:
        assert iis.status is HopStatus.OK or (
            iis.status is HopStatus.WARNING and result.verdict.finding == "iis.request_failed"
        ), iis
        assert iis.identity is not None and (iis.identity.subject or "").casefold().endswith("alice"), iis
        assert header is not None and header.casefold() == "alice", (header, result.verdict)


def _hops(iis: HopStatus, subject: str | None) -> tuple[Hop, ...]:
    return tuple(
        Hop(
            name,
            iis if name is HopName.IIS else HopStatus.OK,
            Identity(subject, (), "IIS") if name is HopName.IIS else None,
        )
        for name in HOP_ORDER
    )


@given(
    status=st.sampled_from([HopStatus.UNKNOWN, HopStatus.NOT_REACHED, HopStatus.WARNING]),
    warn=st.sampled_from(["trace.response_unrecognised", "integration.correlation_id_missing", None]),
)
def test_decide_never_says_ok_when_iis_is_not_ok(status: HopStatus, warn: str | None) -> None:
    findings = (Finding(warn, Severity.WARNING, "t", "d", "f", hop=HopName.GATEWAY),) if warn is not None else ()
    verdict = decide(_hops(status, "alice"), findings)
    assert not verdict.ok and verdict.finding and verdict.fix, verdict


def test_decide_is_ok_for_a_confirmed_iis_hop() -> None:
    assert decide(_hops(HopStatus.OK, "alice"), ()).ok
