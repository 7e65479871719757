"""Two follow-ups of qa7: a SigV4 trace whose IIS user cannot be compared is told to compare the signing principal,
never to add a Bearer token (it would replace the signature); Baton's own cap on logged headers is shown with its
count."""

from __future__ import annotations

from dataclasses import replace

from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_view import caller_unknown
from console.engine.probes.aws_observe import endpoint_lines
from console.engine.probes.iis import IisView
from console.engine.target import ClientPlan, Target
from console.model.expectations import Expectations
from console.model.gateway_log import HeaderDump


class _Signer:
    def sign(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
        return headers


def _evidence(signed: bool) -> Evidence:
    target = Target(
        profile="p",
        environment="dev",
        gateway_url="http://127.0.0.1:9/dev/orders",
        gateway_kind="rest",
        auth="iam",
        client=ClientPlan(flow="none"),
        expect=Expectations(),
        propagation=(("X-User-Id", "userArn"),),
    )
    if signed:
        target = replace(target, signer=_Signer())
    return Evidence(target=target, correlation_id="c-1", sent_headers={"Authorization": "AWS4-HMAC-SHA256 <redacted>"})


def test_a_signed_trace_is_told_to_compare_the_signing_principal_not_to_send_a_bearer_token() -> None:
    view = IisView({"X-Correlation-Id": "c-1"}, "CONTOSO\\svc", None, {})
    signed = caller_unknown(_evidence(signed=True), view)
    assert signed and "baton aws whoami" in signed[0].fix and "Bearer" not in signed[0].fix
    assert "would replace the signature" in signed[0].fix
    unsigned = caller_unknown(_evidence(signed=False), view)
    assert unsigned and "Bearer" in unsigned[0].fix  # a token-based caller keeps the token advice


def test_batons_cap_on_logged_headers_says_how_many_were_not_kept() -> None:
    dump = HeaderDump((("X-User-Id", "alice"),), tail="… 1,802 more headers not kept")
    lines = endpoint_lines(dump)
    assert any("1,802 more headers not kept" in line for line in lines)
