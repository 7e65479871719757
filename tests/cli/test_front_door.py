"""`baton --profile/--scenario` and `baton sandbox --scenario`: bad names exit 2 with a did-you-mean, before
anything opens or starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import main
from console.config import load_profile
from console.config.scenarios import check_scenario
from console.errors import ProfileError, UsageError

BATON = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]


def _baton(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A child process with a hang guard: before the fix the console opened (and waited for a terminal).
    return subprocess.run(
        [*BATON, *args], capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--scenario", "nope"],
            "baton: --scenario: unknown scenario 'nope'; 'baton sandbox --list' shows every scenario",
        ),
        (["--scenario", "helthy"], "unknown scenario 'helthy' (did you mean 'healthy'?)"),
        (["--profile", "sandbx"], "no profile named 'sandbx' (did you mean 'sandbox'?)"),
        (
            ["--profile", "http-jwt", "--scenario", "healthy"],
            "--scenario healthy: profile 'http-jwt' (production) points at a real gateway, not the embedded sandbox",
        ),
    ],
)
def test_console_refuses_bad_names_before_opening(args: list[str], expected: str) -> None:
    result = _baton(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert result.stdout == ""  # no console was drawn


def test_console_refuses_a_sandbox_profile_with_an_unknown_scenario(tmp_path: Path) -> None:
    (tmp_path / "sb.toml").write_text('[sandbox]\nscenario = "expired-tokn"\n', encoding="utf-8")
    result = _baton("--profile", str(tmp_path / "sb.toml"))
    assert result.returncode == 2
    assert "sandbox.scenario: unknown scenario 'expired-tokn' (did you mean 'expired-token'?)" in result.stderr


def test_check_scenario_rules() -> None:
    sandbox = load_profile("sandbox")
    assert check_scenario(sandbox, None) == "healthy"  # the profile's own scenario
    assert check_scenario(sandbox, "iis-windows-auth") == "iis-windows-auth"
    real = load_profile("rest-cognito")
    assert check_scenario(real, None) is None
    with pytest.raises(UsageError) as caught:
        check_scenario(real, "healthy")
    assert caught.value.exit_code == 2 and "points at a real gateway" in str(caught.value)
    with pytest.raises(UsageError, match=r"did you mean 'iis-windows-auth'\?"):
        check_scenario(sandbox, "iis-windows-aut")


def test_sandbox_command_gives_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--scenario", "helthy"]) == 2
    assert "unknown scenario 'helthy' (did you mean 'healthy'?)" in capsys.readouterr().err


def test_profile_path_not_found_suggests_a_profile_name(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"did you mean '--profile rest-cognito'\?"):
        load_profile("rest-cognit.toml")
