"""AuthorizerPanel: effect, principal, the policy statement matching this method, context targets, cache state."""

from __future__ import annotations

from dataclasses import replace

from factories import ARN, HOSTILE, NOW, authorizer_view, decision
from widget_harness import Harness, click_every, flat, screen_text

from console.model.masking import fingerprint
from console.model.trace import PolicyStatement
from widgets import AuthorizerPanel
from widgets.authorizer_panel import principal_text


async def test_allow_marks_the_matching_statement_and_context_targets() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(140, 30)) as pilot:
        assert "No authorizer decision" in screen_text(app, panel)
        assert panel.has_class("-empty")
        panel.view = authorizer_view(decision())
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✓ ALLOW by lambda_token seen by sandbox" in text
        assert "principal alice" in text
        assert f"▶ Allow execute-api:Invoke {ARN} ← matches this method" in text
        assert "Deny execute-api:Invoke" in text and text.count("← matches this method") == 1
        assert "sub alice → X-User-Sub" in text
        assert "username alice → X-User-Name" in text
        assert "tenant t1 → not mapped" in text
        assert "cache miss — the authorizer ran for this request" in text
        assert panel.has_class("-allow") and not panel.has_class("-empty")


async def test_deny_without_principal_and_cache_states() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(140, 30)) as pilot:
        panel.view = authorizer_view(decision("unauthorized", None, cached=True))
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✗ UNAUTHORIZED (401)" in text and "reason token expired" in text
        assert "principal (none)" in text
        assert "cache hit — this decision came from the authorizer cache" in text
        assert panel.has_class("-deny", "-cached")
        panel.view = authorizer_view(replace(decision(), cached=None, cache_key="Bearer " + "k" * 80))
        await pilot.pause()
        text = flat(screen_text(app, panel))
        # the real length and a fingerprint of what was masked, never a character of it
        assert f"cache unknown key Bearer <redacted token, 80 chars, {fingerprint('k' * 80)}>" in text
        assert "kkkkkkkk" not in text


async def test_no_matching_statement_is_an_implicit_deny() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(140, 30)) as pilot:
        other = PolicyStatement("Allow", ("execute-api:Invoke",), (ARN.replace("orders", "users"),), False)
        panel.view = authorizer_view(replace(decision("deny"), policy=(other,)))
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "no statement matches this method ARN (implicit deny)" in text
        assert "▶" not in text and panel.has_class("-deny")


async def test_error_keeps_the_decision() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(140, 30)) as pilot:
        panel.view = authorizer_view(decision())
        panel.show_error("aws test-invoke-authorizer: AccessDenied")
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✗ error: aws test-invoke-authorizer: AccessDenied" in text
        assert "✓ ALLOW" in text


async def test_hostile_decision_is_inert() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 40)) as pilot:
        panel.view = authorizer_view(
            replace(
                decision(),
                kind=HOSTILE,
                source=HOSTILE,
                principal_id=HOSTILE,
                reason=HOSTILE,
                context=((HOSTILE, HOSTILE),),
                context_targets=((HOSTILE, HOSTILE),),
                method_arn=HOSTILE,
                policy=(PolicyStatement(HOSTILE, (HOSTILE,), (HOSTILE,), True),),
                effect=HOSTILE,
            )
        )
        await pilot.pause()
        text = screen_text(app, panel)
        assert "\x1b" not in text and "\\x1b[2J" in text and "<U+202E>" in text
        assert await click_every(pilot, app) >= 8
        assert app.is_running


async def test_time_values_read_as_utc_and_how_far_off_never_as_epochs() -> None:
    panel = AuthorizerPanel(now=lambda: NOW)
    app = Harness(panel)
    async with app.run_test(size=(160, 30)) as pilot:
        context = (
            ("claims.exp", str(int(NOW + 240))),
            ("claims.iat", str(int(NOW - 7200))),
            ("auth_time", str(int(NOW - 7200))),
            ("claims.sub", "alice"),
        )
        panel.view = authorizer_view(replace(decision(), context=context))
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "claims.exp 2025-10-09T08:57:20Z (expires in 4 min)" in text
        assert "claims.iat 2025-10-09T06:53:20Z (issued 2 h ago)" in text
        assert "auth_time 2025-10-09T06:53:20Z (2 h ago)" in text
        for epoch in (int(NOW + 240), int(NOW - 7200)):
            assert str(epoch) not in text


def _styles(content: object) -> str:
    return " ".join(str(span.style) for span in content.spans)  # type: ignore[attr-defined]


async def test_no_principal_on_an_allow_is_no_error_and_says_what_it_means() -> None:
    panel = AuthorizerPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 30)) as pilot:
        cognito = replace(decision(principal=None), kind="cognito")
        panel.view = authorizer_view(cognito)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "principal (none) — normal for cognito: the caller travels in the claims" in text
        assert "context.authorizer.claims.sub" in text
        assert "text-error" not in _styles(principal_text(cognito))
        lambda_allow = decision(principal=None)
        assert "text-error" not in _styles(principal_text(lambda_allow))
        assert "allowed without naming a caller" in principal_text(lambda_allow).plain
        assert "refused" in principal_text(decision("deny", None)).plain
