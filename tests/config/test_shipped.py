"""The shipped profiles and the README's examples are valid, and both ship inside the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from console.config import check_text, load_text

SHIPPED = sorted(p.name for p in files("profiles").iterdir() if p.name.endswith(".toml"))
README = files("profiles").joinpath("README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```toml\n(.*?)```", README, flags=re.DOTALL)
REPO = Path(__file__).resolve().parents[2]


def test_the_expected_profiles_ship() -> None:
    assert SHIPPED == [
        "http-jwt.toml",
        "iam.toml",
        "rest-cognito-user.toml",
        "rest-cognito.toml",
        "rest-lambda.toml",
        "sandbox.toml",
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_is_valid(name: str) -> None:
    text = files("profiles").joinpath(name).read_text(encoding="utf-8")
    assert [str(p) for p in check_text(text, name)] == []
    assert load_text(text, name).name == name.removesuffix(".toml")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profiles_hold_only_references(name: str) -> None:
    profile = load_text(files("profiles").joinpath(name).read_text(encoding="utf-8"), name)
    assert all(ref.scheme in ("env", "file", "aws-secretsmanager") for ref in profile.secret_refs().values())


def test_readme_documents_the_four_shapes_and_every_example_is_valid() -> None:
    for heading in ("REST API + Cognito", "REST API + Lambda authorizer", "HTTP API + JWT", "IAM (SigV4)"):
        assert f"### {heading}" in README
    assert len(EXAMPLES) == 5
    for example in EXAMPLES:
        assert [str(p) for p in check_text(example, "README.md")] == []


@pytest.mark.slow
def test_wheel_contains_the_profiles(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("baton-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"profiles/__init__.py", "profiles/sandbox.toml", "profiles/README.md"} <= names
    assert {f"profiles/{name}" for name in SHIPPED} <= names
