"""Fixtures for profile tests: a file writer and an isolated discovery path (tmp user dir and cwd)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import platformdirs
import pytest
from profilekit import Write


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """write(text, name="p.toml") → the file's path; text is dedented."""

    def _write(text: str, name: str = "p.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(user profiles dir, ./profiles dir): discovery sees these two, then the shipped profiles."""
    user_config = tmp_path / "userconfig"
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(user_config / app))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    user = user_config / "baton" / "profiles"
    cwd = work / "profiles"
    return user, cwd
