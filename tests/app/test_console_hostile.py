"""Hostile claims travel through the real engine into every pane as inert text; clicking them does nothing."""

from __future__ import annotations

import threading

from console_driver import pane_text, screen_of, send_and_wait
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import get_default_algorithms

from console.app.main import make_app
from console.config import load_profile
from console.model.profile import Profile
from console.model.trace import Trace, TraceRequest
from console.session import Session

MARKUP = "[@click=app.quit]Verify token[/]"
ESCAPES = "\x1b]52;c;ZXZpbA==\x1b\\\x1b[2J\u202eevil"


def hostile_token() -> str:
    import base64
    import json

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "RS256", "kid": MARKUP}).encode())
    claims = b64(json.dumps({"sub": MARKUP, "name": ESCAPES, "exp": 4102444800, "username": ESCAPES}).encode())
    signing_input = f"{header}.{claims}"
    signature = get_default_algorithms()["RS256"].sign(signing_input.encode(), key)
    return f"{signing_input}.{b64(signature)}"


class HostileSession(Session):
    """The real session and engine, but the client presents a token with hostile claims."""

    token = hostile_token()

    def trace(
        self,
        request: TraceRequest,
        on_event: object = None,
        cancel: threading.Event | None = None,
        *,
        token: str | None = None,
    ) -> Trace:
        return super().trace(request, on_event, cancel, token=self.token)  # type: ignore[arg-type]


def hostile_session(profile: Profile, scenario: str | None) -> Session:
    return HostileSession(profile, scenario)


async def test_hostile_claims_are_shown_literally_and_clicks_do_nothing() -> None:
    app = make_app(session_factory=hostile_session)
    assert load_profile("sandbox").name == "sandbox"
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await send_and_wait(pilot, app)
        assert "broken at authorizer" in pane_text(app, "verdict")  # a forged token is refused
        inspector = pane_text(app, "inspector")
        assert MARKUP in inspector or "[@click=app.quit]" in inspector
        strips = app.screen._compositor.render_strips()
        rendered = "".join(segment.text for strip in strips for segment in strip)
        assert "\x1b" not in rendered and "\u202e" not in rendered
        for y, row in enumerate(strip.text for strip in strips):
            x = row.find("[@click")
            if x >= 0:
                await pilot.click(offset=(x + 2, y))
        await pilot.pause()
        assert app.is_running and screen_of(app) is screen
