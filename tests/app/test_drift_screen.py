"""The palette's "Compare with another profile (AWS drift)…": pick the other profile, the comparison runs in a worker
and the differences show in a scrollable screen at 80x24; AWS failures and a profile without [aws] are said plainly,
esc cancels, and AWS strings are rendered inert. The AWS reads are an in-process fake (this tests the console layer;
tests/cli/test_aws_diff.py runs the same comparison against moto)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from console_driver import until
from textual.pilot import Pilot

from console.app.app import BatonApp
from console.app.drift_screen import DriftScreen
from console.app.drift_view import DriftView
from console.app.main import make_app
from console.app.palette import DriftCommands
from console.app.screen import ConsoleScreen
from console.errors import AwsError
from console.model.aws_config import (
    AuthorizerConfig,
    HeaderMapping,
    MethodConfig,
    RestApiConfig,
    SourceKind,
    StageConfig,
)
from console.model.profile import Profile
from widgets.picker import PickerModal

SIZE = (80, 24)


def _config(profile: Profile, mappings: tuple[HeaderMapping, ...]) -> RestApiConfig:
    authorizer = AuthorizerConfig(
        "auth1", "cognito", "COGNITO_USER_POOLS", "method.request.header.Authorization", 300, False
    )
    hit = MethodConfig(
        "res1", "/orders/{id}", "GET", "COGNITO_USER_POOLS", "auth1", (), False, "HTTP_PROXY", "https://iis", mappings
    )
    stage = StageConfig("dev", "dep1", "dep1")
    return RestApiConfig(f"api-{profile.name}", "eu-west-1", stage, "GET", "/orders/42", hit, authorizer=authorizer)


def claim(header: str, name: str) -> HeaderMapping:
    return HeaderMapping(header, f"context.authorizer.claims.{name}", SourceKind.CLAIM, name)


def fake_reads(per_profile: dict[str, tuple[HeaderMapping, ...]]):  # type: ignore[no-untyped-def]
    def read(profile: Profile, path: str | None, method: str) -> RestApiConfig:
        return _config(profile, per_profile[profile.name])

    return read


def _write(folder: Path, name: str, aws: bool = True) -> Path:
    lines = [f'name = "{name}"', f'description = "{name} environment"', 'environment = "staging"']
    lines += ["[gateway]", 'url = "https://abc.execute-api.eu-west-1.amazonaws.com/dev/orders/42"']
    lines += ["[propagation]", 'headers = { "X-User-Id" = "sub" }']
    if aws:
        lines += ["[aws]", 'region = "eu-west-1"', 'api_id = "abc123"', 'stage = "dev"']
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user profile folder (discovery finds it) holding staging-drift and production-drift, both with [aws]."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "config" / "baton" / "profiles"
    folder.mkdir(parents=True)
    _write(folder, "staging-drift")
    _write(folder, "production-drift")
    return folder


def screen_text(app: BatonApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_drift(pilot: Pilot[int], app: BatonApp, other: str) -> DriftScreen:
    await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
    hits = [hit async for hit in DriftCommands(app.screen).search("drift")]
    assert hits, "the palette offers the drift comparison"
    await hits[0].command()
    await until(pilot, lambda: isinstance(app.screen, PickerModal))
    await pilot.press(*other, "enter")
    await until(pilot, lambda: isinstance(app.screen, DriftScreen))
    screen = app.screen
    assert isinstance(screen, DriftScreen)
    return screen


async def test_picking_the_other_profile_shows_the_mapping_difference_scrollable_at_80x24(
    profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tuple(claim(f"X-Claim-{n}", f"claim{n}") for n in range(4))  # mapped on staging only: taller than 24
    mappings = {
        "staging-drift": (claim("X-User-Id", "sub"), *extra),
        "production-drift": (claim("X-User-Id", "email"),),
    }
    monkeypatch.setattr("console.aws.drift_run.read_side", fake_reads(mappings))
    app = make_app(str(profiles / "staging-drift.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_drift(pilot, app, "production-drift")
        await until(pilot, lambda: screen.outcome.drift is not None)
        await pilot.pause()
        text = screen_text(app)
        assert "Drift: staging-drift ⇄ production-drift" in text
        assert "5 difference(s) change who reaches IIS" in text
        assert "likely wrong: production-drift" not in text  # below the fold
        body = screen.query_one("#drift-body")
        assert body.max_scroll_y > 0, "the report is taller than 24 lines: it must scroll"
        await pilot.press("end")
        await pilot.pause()
        bottom = screen_text(app)
        assert "mapping: X-User-Id" in bottom and "likely wrong: production-drift" in bottom
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))


async def test_aws_strings_are_rendered_inert(profiles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evil = HeaderMapping("X-Env", "'\x1b[31mred\x07'", SourceKind.LITERAL, "")
    mappings = {"staging-drift": (claim("X-User-Id", "sub"), evil), "production-drift": (claim("X-User-Id", "sub"),)}
    monkeypatch.setattr("console.aws.drift_run.read_side", fake_reads(mappings))
    app = make_app(str(profiles / "staging-drift.toml"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_drift(pilot, app, "production-drift")
        await until(pilot, lambda: screen.outcome.drift is not None)
        await pilot.pause()
        rendered = str(screen.query_one(DriftView).render())
        assert "\x1b" not in rendered and "\x07" not in rendered
        assert "\\x1b[31mred\\x07" in screen_text(app)


async def test_an_aws_failure_is_shown_and_the_console_keeps_running(
    profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read(profile: Profile, path: str | None, method: str) -> RestApiConfig:
        if profile.name == "production-drift":
            raise AwsError(
                "the AWS credentials have expired (ExpiredToken)", reason="expired", where="apigateway GetStage"
            )
        return _config(profile, ())

    monkeypatch.setattr("console.aws.drift_run.read_side", read)
    app = make_app(str(profiles / "staging-drift.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_drift(pilot, app, "production-drift")
        await until(pilot, lambda: screen.outcome.error is not None)
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "The comparison could not run" in text
        assert "profile 'production-drift' (abc123/dev)" in text and "credentials have expired" in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.is_running


async def test_escape_cancels_a_running_comparison(profiles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def read(profile: Profile, path: str | None, method: str) -> RestApiConfig:
        calls.append(profile.name)
        started.set()
        release.wait(10)  # an AWS call in flight
        return _config(profile, ())

    monkeypatch.setattr("console.aws.drift_run.read_side", read)
    app = make_app(str(profiles / "staging-drift.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_drift(pilot, app, "production-drift")
        await until(pilot, started.is_set)
        await pilot.pause()
        assert "Reading profile 'staging-drift'" in screen_text(app)  # progress is shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        release.set()
        await until(pilot, lambda: not screen.workers._workers)
        assert calls == ["staging-drift"], "the second side is never read after a cancel"
        assert screen.outcome.running and app.is_running


async def test_a_profile_without_aws_says_so_instead_of_failing(tmp_path: Path) -> None:
    plain = _write(tmp_path, "plain-profile", aws=False)
    app = make_app(str(plain))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        hits = [hit async for hit in DriftCommands(app.screen).search("Compare with another profile")]
        await hits[0].command()
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        messages = [n.message for n in app._notifications]
        assert any("'plain-profile' has no [aws] table" in m for m in messages), messages
