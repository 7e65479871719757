"""IisPanel: status and substatus with meaning, challenge, server, remapped headers, user, log line."""

from __future__ import annotations

from dataclasses import replace

from factories import HOSTILE, iis_ok, iis_view, iis_windows_auth
from widget_harness import Harness, click_every, flat, screen_text

from console.model.trace import IisStatus
from widgets import IisPanel


async def test_ok_shows_user_server_and_log_line() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(120, 20)) as pilot:
        assert "No answer from IIS" in screen_text(app, panel)
        panel.view = iis_view(iis_ok())
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✓ 200 OK" in text
        assert "server Microsoft-IIS/10.0" in text
        assert "user CORP\\alice via Negotiate" in text
        assert "IIS log line 2025-10-09 08:53:20 GET /orders - 443 CORP\\alice" in text
        assert panel.has_class("-success") and not panel.has_class("-challenge")


async def test_windows_auth_challenge() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(120, 20)) as pilot:
        note = "none read: the profile names no [iis] log_path, so no IIS log was searched"
        panel.view = replace(iis_view(iis_windows_auth()), log_note=note)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✗ 401.2 Unauthorized: logon failed due to server configuration win32 5" in text
        assert "challenge WWW-Authenticate: Negotiate, NTLM" in text
        assert "user anonymous / unknown" in text
        assert "x-amzn-Remapped-WWW-Authenticate Negotiate" in text
        assert f"IIS log line {note}" in text  # the book's sentence: what is true of this trace's log
        assert panel.has_class("-client-error", "-challenge")


async def test_server_error_and_http_sys() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(120, 20)) as pilot:
        panel.view = iis_view(IisStatus(503, None, None, "Service Unavailable", "Microsoft-HTTPAPI/2.0"))
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✗ 503 Service Unavailable" in text and "server Microsoft-HTTPAPI/2.0" in text
        assert panel.has_class("-server-error")


async def test_error_keeps_the_status() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(120, 20)) as pilot:
        panel.view = iis_view(iis_windows_auth())
        panel.show_error("probe iis-log failed: log folder not readable")
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "✗ error: probe iis-log failed" in text and "401.2" in text


async def test_hostile_status_is_inert() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 30)) as pilot:
        panel.view = iis_view(
            replace(
                iis_windows_auth(),
                meaning=HOSTILE,
                server=HOSTILE,
                challenge=(HOSTILE,),
                remapped_headers=((HOSTILE, HOSTILE),),
                user=HOSTILE,
                auth_type=HOSTILE,
                log_line=HOSTILE,
            )
        )
        await pilot.pause()
        text = screen_text(app, panel)
        assert "\x1b" not in text and "\\x1b]52;c;" in text and "<U+202E>" in text
        assert await click_every(pilot, app) >= 7
        assert app.is_running
