"""A short profile loads: name from the file, description optional, no environment means production (said)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from profilekit import Write

from console.cli import main
from console.config import check_file, discover_profiles, load_profile
from console.model.profile import ENVIRONMENT_ASSUMED_NOTE, Environment

TWO_LINES = '[gateway]\nurl = "https://api.example.com/dev/orders"\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["profiles", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_two_line_profile_loads_as_production_named_after_its_file(isolated: tuple[Path, Path]) -> None:
    _, cwd = isolated
    cwd.mkdir()
    (cwd / "orders.toml").write_text(TWO_LINES, encoding="utf-8")
    profile = load_profile("orders")  # --profile NAME finds it by its file name
    assert profile.name == "orders" and profile.description == ""
    assert profile.environment is Environment.PRODUCTION and profile.is_production
    assert profile.environment_assumed
    assert check_file(cwd / "orders.toml") == []  # no errors, only warnings


def test_a_stated_environment_is_not_assumed(write: Write) -> None:
    profile = load_profile(write('environment = "dev"\n' + TWO_LINES, "d.toml"))
    assert profile.environment is Environment.DEV and not profile.environment_assumed
    assert load_profile("sandbox").environment_assumed is False


def test_a_different_name_is_a_warning_naming_the_file(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('name = "prod-orders"\nenvironment = "dev"\n' + TWO_LINES, "orders.toml")
    (warning,) = check_file(path, warnings=True)
    assert warning.warning and warning.line == 1 and warning.key == "name"
    assert "'--profile orders' selects this file and '--profile prod-orders' does not" in warning.message
    assert load_profile(path).warnings == (f"name: warning: {warning.message}",)  # the key is named
    code, out, _ = run(capsys, "validate", str(path), "--no-color")
    assert code == 0  # warnings alone pass
    assert f"{path}:1: name: warning: 'prod-orders' differs from the file name" in out
    assert out.endswith(f"ok: {path}, 1 warning\n")


def test_validate_and_show_say_the_environment_is_assumed(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(TWO_LINES, "orders.toml")
    code, out, _ = run(capsys, "validate", str(path), "--no-color")
    assert code == 0 and f"{path}: environment: warning: not set: treated as production" in out
    code, out, _ = run(capsys, "show", str(path), "--no-color")
    assert code == 0 and f"environment  PRODUCTION  ({ENVIRONMENT_ASSUMED_NOTE})" in out
    code, out, _ = run(capsys, "show", str(path), "--json")
    assert json.loads(out)["environment_assumed"] is True


def test_list_marks_invalid_profiles(isolated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, cwd = isolated
    cwd.mkdir()
    (cwd / "broken.toml").write_text('environment = "prod"\n' + TWO_LINES, encoding="utf-8")
    (cwd / "short.toml").write_text(TWO_LINES, encoding="utf-8")
    code, out, _ = run(capsys, "list", "--no-color")
    rows = {
        line.split()[1] if line.startswith("✗") else line.split()[0]: line
        for line in out.splitlines()
        if line and not line.startswith(" ")
    }
    assert code == 0
    assert rows["broken"].startswith("✗ broken") and "INVALID: 1 problem; baton profiles validate broken" in out
    assert not rows["short"].startswith("✗") and "PRODUCTION (assumed)" in rows["short"]
    assert not rows["sandbox"].startswith("✗")
    code, out, _ = run(capsys, "list", "--json")
    entries = {e["name"]: e for e in json.loads(out)}
    assert entries["broken"]["valid"] is False and "environment" in entries["broken"]["errors"][0]
    assert entries["sandbox"]["valid"] is True and entries["short"]["valid"] is True
    (broken,) = [e for e in discover_profiles() if e.name == "broken"]
    assert broken.invalid
