"""The console's hop trace during the CloudWatch wait: the gateway row shows what the gateway answered, the
integration row says how far along the poll is (seconds of [aws] log_wait, attempt, what it waits for), and keys
still move the cursor (qa7 #8); "Copy curl" of an IAM trace copies a SigV4-signed command and says how (qa7 #9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from console_driver import pane_text, ready, until

from console.app.main import make_app
from console.model.enums import HopName, HopStatus, VerdictKind
from console.model.trace import Hop, HopObservation
from tests.aws.motokit import fake_aws, moto_url, no_aws
from tests.aws.motokit_logs import MotoLogs
from tests.trace.test_trace_aws_kit import Gateway, gateway, profile, rest_api, token
from widgets.hop_trace import hop_row

__all__ = ["fake_aws", "gateway", "moto_url", "no_aws"]  # fixtures used here

STEP = "CloudWatch: 6 s of 30 s, attempt 3 — waiting for execution log in API-Gateway-Execution-Logs_a/dev"


def _waiting_hop() -> Hop:
    seen = HopObservation(
        HopName.INTEGRATION, "aws", HopStatus.UNKNOWN, None, ("looking in CloudWatch for request r",), data={}
    )
    step = HopObservation(
        HopName.INTEGRATION,
        "aws",
        HopStatus.UNKNOWN,
        None,
        seen.evidence,
        data={"progress": STEP, "progress_clock": "6/30 s"},
    )
    return Hop(HopName.INTEGRATION, HopStatus.UNKNOWN, None, seen.evidence, None, (seen, step))


def test_a_hop_the_trace_still_waits_on_is_pending_with_its_progress() -> None:
    row = hop_row(HopName.INTEGRATION, _waiting_hop(), VerdictKind.PENDING).plain
    assert "· pending" in row and STEP in row
    assert row.index("6/30 s") < row.index("CloudWatch")  # the clock first: a narrow pane cuts the text, not it
    assert "unknown" not in row


def test_a_finished_trace_shows_no_progress() -> None:
    row = hop_row(HopName.INTEGRATION, _waiting_hop(), VerdictKind.UNCONFIRMED).plain
    assert "? unknown" in row and "CloudWatch" not in row and "6/30 s" not in row


def test_a_progress_step_from_the_network_is_inert() -> None:
    hop = _waiting_hop()
    hostile = HopObservation(
        HopName.INTEGRATION,
        "aws",
        HopStatus.UNKNOWN,
        None,
        (),
        data={"progress": "x\x1b]52;c;AAAA\x07 [@click=app.quit]"},
    )
    row = hop_row(HopName.INTEGRATION, Hop(hop.name, hop.status, None, (), None, (hostile,)), VerdictKind.PENDING)
    assert "\x1b" not in row.plain and "\x07" not in row.plain and "[@click=app.quit]" in row.plain


@pytest.fixture
def slow_profile(
    fake_aws: Path, moto_url: str, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An API whose execution log never comes: the trace polls CloudWatch for its whole log_wait (30 s)."""
    monkeypatch.setenv("BATON_TEST_TOKEN", token())
    api, _ = rest_api(moto_url, {"X-User-Id": "context.authorizer.principalId"})
    MotoLogs(moto_url).group(f"API-Gateway-Execution-Logs_{api.api_id}/dev")
    return profile(tmp_path, gateway.url, api.api_id, moto_url, log_wait=30)


async def test_the_console_shows_the_answered_gateway_and_the_cloudwatch_wait(slow_profile: Path) -> None:
    app = make_app(str(slow_profile))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, app)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "/30 s CloudWatch" in pane_text(app, "hops"), timeout=30)
        hops = pane_text(app, "hops")
        assert "✓ ok gateway" in hops and "pending gateway" not in hops
        clock = re.search(r"pending integration (\d+)/30 s CloudWatch", hops)
        assert clock is not None, hops
        await until(pilot, lambda: f"integration {clock.group(1)}/30 s" not in pane_text(app, "hops"), timeout=30)
        assert screen.book.kind is VerdictKind.PENDING
        await pilot.press("down")  # keys are served during the wait
        await until(pilot, lambda: screen.book.selected_hop is not HopName.CLIENT, timeout=10)
        await pilot.press("escape")
        await until(pilot, lambda: screen.book.kind is VerdictKind.CANCELLED, timeout=10)


async def test_copy_curl_of_an_iam_trace_copies_a_signed_command_and_says_how(
    fake_aws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console_driver import send_and_wait

    from tests.aws.test_signing import REGION

    path = tmp_path / "iamcopy.toml"
    path.write_text(  # nothing listens there: the copied command is what is checked, not the answer
        f'environment = "dev"\n[gateway]\nurl = "{closed_url()}/dev/admin"\nkind = "rest"\nauth = "iam"\n'
        f'[aws]\nregion = "{REGION}"\n',
        encoding="utf-8",
    )
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await send_and_wait(pilot, app)
        shown: list[str] = []
        monkeypatch.setattr(screen, "notify", lambda message, **_kw: shown.append(str(message)))
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert f'--aws-sigv4 "aws:amz:{REGION}:execute-api"' in app.clipboard
        assert "$TOKEN" not in app.clipboard
        assert shown and "SigV4" in shown[-1] and "$TOKEN" not in shown[-1]


def closed_url() -> str:
    from loopback_port import free_port

    return f"http://127.0.0.1:{free_port()}"


def test_the_iis_hop_is_pending_while_the_trace_looks_in_the_iis_log() -> None:
    """The IIS log wait reads as a wait, not as '? unknown', while the trace is still looking."""
    from console.engine.probes.iis_line import LOOKING

    row = hop_row(HopName.IIS, Hop(HopName.IIS, HopStatus.UNKNOWN, None, (), None, (LOOKING,)), VerdictKind.PENDING)
    assert "· pending" in row.plain and "looking in the IIS log" in row.plain
    assert "unknown" not in row.plain
