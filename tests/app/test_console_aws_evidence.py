"""The console on a profile whose [aws] points at the moto server: the hop pane (the inspector of the selected hop)
shows the configured mappings and the headers API Gateway logged sending IIS; the authorizer pane shows the
decision AWS gave (TestInvokeAuthorizer through the Stubber)."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_driver import pane_text, send_and_wait, until
from textual.containers import VerticalScroll

from console.app.main import make_app
from console.model.enums import HopName
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.trace.test_trace_aws_kit import (
    Gateway,
    arn,
    authorizer_answer,
    execution_log,
    gateway,
    profile,
    rest_api,
    stub_decision,
    token,
)
from widgets import HopTrace, TokenInspector

__all__ = ["fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here


@pytest.mark.parametrize("size", [(120, 40), (160, 48)])
async def test_the_hop_and_authorizer_panes_show_what_aws_said(
    size: tuple[int, int],
    fake_aws: Path,
    moto_url: str,
    gateway: Gateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    allow = [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": arn(api.api_id, "GET/*")}]
    stub_decision(monkeypatch, moto_url, authorizer_answer(allow))
    execution_log(moto_url, api.api_id, "X-User-Id=alice, Host=iis.example.test")
    path = profile(tmp_path, gateway.url, api.api_id, moto_url, headers='"X-User-Id" = "sub"')
    app = make_app(str(path))
    async with app.run_test(size=size) as pilot:
        screen = await send_and_wait(pilot, app)
        authorizer = pane_text(app, "authorizer")
        assert "ALLOW" in authorizer and "aws test-invoke" in authorizer, authorizer
        screen.query_one(HopTrace).select(HopName.INTEGRATION)
        await until(pilot, lambda: "at integration" in pane_text(app, "inspector"))
        await until(pilot, lambda: "sent IIS X-User-Id: alice" in pane_text(app, "inspector"))
        scroller = screen.query_one(TokenInspector).query_one(VerticalScroll)
        scroller.scroll_end(animate=False)  # a short pane scrolls: the configured mappings are after the log's lines
        await pilot.pause()
        shown = pane_text(app, "inspector")
        assert "AWS config: sends IIS X-User-Id ← context.authorizer.principalId" in shown, shown
