"""IisPanel: the current trace's decoded IIS log line, where it came from, and how sure it is this request's."""

from __future__ import annotations

from dataclasses import replace

from factories import HOSTILE, iis_ok, iis_windows_auth
from widget_harness import Harness, flat, screen_text

from console.model.enums import Confidence, HopStatus, VerdictKind
from console.model.trace import IisStatus
from console.model.views import IisLogLine, IisView
from widgets import IisPanel

BY_ID = IisLogLine(
    "W3C",
    "u_ex260517.log:12",
    Confidence.CERTAIN,
    "matched by correlation id",
    (
        ("time", "2026-05-17 10:00:01"),
        ("method", "GET"),
        ("stem", "/orders"),
        ("status", "401.2.5"),
        ("user", "-"),
        ("c-ip", "10.0.0.2"),
        ("time-taken", "15"),
        ("win32", "5"),
        ("X-Correlation-Id", "c-42"),
    ),
    "Unauthorized — first leg of a Windows-authentication handshake",
)


async def test_the_decoded_line_shows_fields_meaning_where_and_confidence() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(160, 30)) as pilot:
        panel.view = IisView(VerdictKind.BROKEN, HopStatus.BROKEN, iis_windows_auth(), BY_ID)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "IIS log line ● certain — matched by correlation id" in text
        assert "u_ex260517.log:12" in text
        assert "status 401.2.5 Unauthorized — first leg" in text
        assert "X-Correlation-Id c-42" in text and "c-ip 10.0.0.2" in text and "time-taken 15" in text
        assert "a guess" not in text


async def test_a_time_window_guess_says_it_proves_nothing_and_shows_no_tick() -> None:
    guess = replace(BY_ID, confidence=Confidence.POSSIBLE, reason="matched by time, method and path: 2 candidates")
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(160, 30)) as pilot:
        panel.view = IisView(VerdictKind.UNCONFIRMED, HopStatus.UNKNOWN, None, guess)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "○ possible — matched by time, method and path: 2 candidates" in text
        assert "a guess: not tied by correlation id" in text and "✓" not in text


async def test_hostile_log_values_are_inert() -> None:
    hostile = replace(BY_ID, where=HOSTILE, reason=HOSTILE, fields=((HOSTILE, HOSTILE),), meaning=HOSTILE)
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 30)) as pilot:
        panel.view = IisView(VerdictKind.OK, HopStatus.OK, iis_ok(), hostile)
        await pilot.pause()
        text = screen_text(app, panel)
        assert "\x1b" not in text and "\\x1b]52;c;" in text and "<U+202E>" in text


GONE = replace(
    BY_ID,
    fields=(("status", "200.0.64"), ("time-taken", "1005"), ("win32", "64")),
    meaning="OK — The client went away before the response was fully sent",
)


async def test_no_status_at_the_gateway_is_never_a_bare_zero() -> None:
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(160, 30)) as pilot:
        panel.view = IisView(VerdictKind.BROKEN, HopStatus.WARNING, IisStatus(0, user="alice"), GONE)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "! 0" not in text and "server unknown" not in text, text
        assert "no answer from IIS reached the gateway" in text and "status 200.0.64" in text
        assert not panel.has_class("-success")  # 0 is not a 2xx


async def test_the_books_sentence_replaces_the_headline_on_a_timeout() -> None:
    said = (
        "no answer reached the gateway within its integration timeout; IIS's log says it finished later: "
        "200.0.64 after 1005 ms, the client had gone"
    )
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 30)) as pilot:
        panel.view = IisView(VerdictKind.BROKEN, HopStatus.WARNING, IisStatus(200, user="alice"), GONE, no_answer=said)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert f"! {said}" in text and "200 OK" not in text and "server unknown" not in text, text
        assert "user alice" in text and "IIS log line ● certain" in text
        assert not panel.has_class("-success")  # the gateway got no 200


async def test_why_no_line_is_shown_with_or_without_a_status() -> None:
    note = 'none read: the profile\'s [iis] log_path "/x/nope.log" names nothing readable: no such file or folder'
    panel = IisPanel()
    app = Harness(panel)
    async with app.run_test(size=(200, 30)) as pilot:
        panel.view = IisView(VerdictKind.OK, HopStatus.OK, iis_ok_without_line(), log_note=note)
        await pilot.pause()
        assert f"IIS log line {note}" in flat(screen_text(app, panel))
        panel.view = IisView(VerdictKind.UNCONFIRMED, HopStatus.UNKNOWN, None, log_note=note)
        await pilot.pause()
        text = flat(screen_text(app, panel))
        assert "? unknown" in text and f"IIS log line {note}" in text


def iis_ok_without_line() -> IisStatus:
    return replace(iis_ok(), log_line=None)
