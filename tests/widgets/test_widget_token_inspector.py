"""TokenInspector: the token at the client, each hop's identity with changes marked, countdown, mask, inert text."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from factories import (
    HOSTILE,
    NOW,
    clock,
    expired_finding,
    healthy_hops,
    token_report,
)
from widget_harness import Harness, click_every, flat, screen_text

from console.model.findings import Finding, Severity
from console.model.masking import fingerprint
from console.model.token import SignatureStatus
from console.model.trace import Hop, HopName, HopStatus, Identity
from widgets import TokenInspector


def inspector_app(now: list[float] | None = None) -> tuple[Harness, TokenInspector]:
    cell = now if now is not None else clock()
    inspector = TokenInspector(now=lambda: cell[0])
    return Harness(inspector), inspector


async def test_nothing_selected_says_what_to_do() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(100, 20)):
        assert "Select a hop in the hop trace" in screen_text(app, inspector)
        assert "Token inspector" in screen_text(app, inspector)


async def test_client_hop_shows_header_claims_times_signature() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 40)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report())
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "✓ ok at client sub=alice via token" in text
        assert "alg RS256" in text and "kid key-1" in text
        assert "iss https://idp.example/" in text
        assert "exp 2025-10-09T08:58:20Z expires in 5 min" in text and "1760000300" not in text
        assert "iat 2025-10-09T08:52:20Z issued 60 s ago" in text
        assert "⏱ expires in 5 min 00 s (exp 2025-10-09T08:58:20Z)" in text
        assert "signature ✓ valid alg=RS256 kid=key-1 key=jwks:https://idp.example/jwks" in text
        assert "UNVERIFIED" not in text
        assert not inspector.has_class("-unverified")


async def test_countdown_ticks_with_the_injected_clock() -> None:
    now = clock()
    app, inspector = inspector_app(now)
    async with app.run_test(size=(110, 40)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report(exp_in=125))
        await pilot.pause()
        assert "⏱ expires in 2 min 05 s" in screen_text(app, inspector)
        now[0] = NOW + 12
        inspector.tick()
        await pilot.pause()
        assert "⏱ expires in 1 min 53 s" in screen_text(app, inspector)
        now[0] = NOW + 126
        inspector.tick()
        await pilot.pause()
        assert "✗ EXPIRED 1 s ago" in screen_text(app, inspector)


async def test_countdown_refreshes_on_its_own() -> None:
    now = clock()
    app, inspector = inspector_app(now)
    async with app.run_test(size=(110, 40)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report(exp_in=600))
        await pilot.pause()
        now[0] = NOW + 60
        for _ in range(40):  # the interval redraws once a second; wait for it, however long that takes
            if "expires in 9 min 00 s" in screen_text(app, inspector):
                break
            await asyncio.sleep(0.1)
            await pilot.pause()
        assert "⏱ expires in 9 min 00 s" in screen_text(app, inspector)


async def test_expired_token_with_findings_and_fix() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 50)) as pilot:
        report = token_report(exp_in=-7200, findings=(expired_finding(),))
        inspector.show(Hop(HopName.CLIENT, HopStatus.BROKEN, healthy_hops()[0].identity), None, report)
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "✗ EXPIRED 2 h 00 min 00 s ago" in text
        assert "✗ error token.expired Token expired" in text
        assert "fix: Get a fresh token from the identity provider." in text


async def test_unverified_and_invalid_signatures_raise_a_banner() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report(status=SignatureStatus.UNVERIFIED))
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "! UNVERIFIED — no key was given" in text and "(no key configured)" in text
        assert "signature ? unverified" in text
        assert inspector.has_class("-unverified") and not inspector.has_class("-invalid")
        inspector.show(healthy_hops()[0], None, token_report(status=SignatureStatus.INVALID))
        await pilot.pause()
        assert "✗ SIGNATURE INVALID" in screen_text(app, inspector)
        assert inspector.has_class("-unverified", "-invalid")
        # The banner belongs to the token: other hops do not show it.
        hops = healthy_hops()
        inspector.show(hops[2], hops[1], token_report(status=SignatureStatus.INVALID))
        await pilot.pause()
        assert "SIGNATURE INVALID" not in screen_text(app, inspector)


async def test_changes_from_the_previous_hop_are_marked_with_symbols() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 30)) as pilot:
        hops = healthy_hops()
        inspector.show(hops[3], hops[2], None)
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "Headers sent to IIS" in text and "compared with authorizer" in text
        assert "→ X-User-Sub alice (renamed, from sub)" in text
        assert "+ X-Correlation-Id c-1 (added)" in text
        assert "− username (missing, was alice)" in text
        assert "at integration" in screen_text(app, inspector)
        inspector.show(hops[4], hops[3], None)
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "user=CORP\\alice via IIS user (changed, was alice)" in text
        assert "− X-Correlation-Id (missing, was c-1)" in text
        assert "cs-username=CORP\\alice" in text  # evidence


async def test_changed_value_is_marked() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 20)) as pilot:
        before = Hop(HopName.INTEGRATION, HopStatus.OK, Identity("alice", (("X-User-Sub", "alice"),), "header"))
        after = Hop(HopName.IIS, HopStatus.BROKEN, Identity("mallory", (("x-user-sub", "mallory"),), "header"))
        inspector.show(after, before, None)
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "~ x-user-sub mallory (changed, was alice)" in text
        assert "✗ broken at iis user=mallory via header (changed, was alice)" in text


async def test_credentials_are_masked_until_revealed() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 30)) as pilot:
        inspector.show(healthy_hops()[0], None, None)
        await pilot.pause()
        assert f"Bearer <redacted token, 60 chars, {fingerprint('e' * 60)}>" in screen_text(app, inspector)
        assert "eeeeeeeeee" not in screen_text(app, inspector)
        await pilot.click(inspector)
        await pilot.press("m")
        await pilot.pause()
        assert "Bearer " + "e" * 60 in screen_text(app, inspector)
        assert inspector.has_class("-revealed") and not inspector.masked
        inspector.masked = True
        await pilot.pause()
        assert "eeeeeeeeee" not in screen_text(app, inspector)


async def test_error_keeps_what_is_shown() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(110, 30)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report())
        inspector.show_error("could not decode the token")
        await pilot.pause()
        text = screen_text(app, inspector)
        assert "✗ error: could not decode the token" in text
        assert "sub=alice via token" in text


async def test_hostile_token_and_headers_are_shown_literally() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(200, 60)) as pilot:
        finding = Finding("token.evil", Severity.WARNING, HOSTILE, HOSTILE, HOSTILE)
        report = token_report(
            sub=HOSTILE,
            kid=HOSTILE,
            extra={"name": HOSTILE, "nested": {"k": HOSTILE}},
            findings=(finding,),
            status=SignatureStatus.INVALID,
        )
        report.signature.detail = HOSTILE
        identity = Identity(HOSTILE, ((HOSTILE, HOSTILE), ("X-Forwarded-User", HOSTILE)), HOSTILE)
        inspector.show(Hop(HopName.CLIENT, HopStatus.WARNING, identity, (HOSTILE,)), None, report)
        await pilot.pause()
        text = screen_text(app, inspector)
        assert "\x1b" not in text
        assert text.count("[@click=app.quit]x[/]") >= 10
        assert "\\x1b]52;c;ZXZpbA==" in text and "\\x1b[2J" in text and "<U+202E>evil" in text
        assert await click_every(pilot, app) >= 10
        assert app.is_running


async def test_a_hop_that_logged_only_the_tail_shows_the_real_token_length_and_fingerprint() -> None:
    """The issue's "Bearer •••• (14 chars, masked)" for a 977-byte token: the gateway logs asterisks and a tail."""
    app, inspector = inspector_app()
    token = "eyJ" + "a" * 970 + "xvRTM7"
    report = replace(token_report(), token=replace(token_report().token, compact=token))
    async with app.run_test(size=(160, 30)) as pilot:
        seen = Identity(
            "alice", (("authorization", "Bearer ********xvRTM7"), ("x-origin-verify", "********Zq9")), "header"
        )
        inspector.show(Hop(HopName.IIS, HopStatus.OK, seen), None, report)
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert f"authorization Bearer <redacted token, 979 chars, {fingerprint(token)}>" in text
        assert "x-origin-verify <masked upstream, length unknown>" in text
        assert "xvRTM7" not in text and "Zq9" not in text and "14 chars" not in text


async def test_token_times_are_utc_and_relative_never_epochs() -> None:
    app, inspector = inspector_app()
    async with app.run_test(size=(160, 40)) as pilot:
        inspector.show(healthy_hops()[0], None, token_report())
        await pilot.pause()
        text = flat(screen_text(app, inspector))
        assert "exp 2025-10-09T08:58:20Z expires in 5 min" in text
        assert "iat 2025-10-09T08:52:20Z issued 60 s ago" in text
        assert str(int(NOW + 300)) not in text and str(int(NOW - 60)) not in text
