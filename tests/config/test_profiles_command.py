"""`baton profiles list|show|validate` as a user sees them (through console.cli.main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from profilekit import MINIMAL, Write

from console.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["profiles", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_prints_every_problem_and_exits_2(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "hunter2-secret"
    path = write(
        MINIMAL + f'kind = "rst"\n[identity]\nflow = "password"\nclient_id = "c"\n'
        f'username = "u"\npassword = "{secret}"\ntoken_url = "https://idp.example.com/t"\n',
        "demo.toml",
    )
    code, out, _ = run(capsys, "validate", str(path), "--no-color")
    assert code == 2
    assert out.splitlines() == [
        f"{path}:7: gateway.kind: 'rst' is not one of: rest, http (did you mean 'rest'?)",
        f"{path}:12: identity.password: secrets may not be written inline; keep it out of the file and "
        'reference it: "env:VAR" (an environment variable), "file:PATH" (a file, relative to this profile) '
        'or "aws-secretsmanager:ARN"',
        f"{path}: 2 problems",
    ]
    assert secret not in out


def test_validate_ok(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(MINIMAL, "demo.toml")  # named as the file is: no warning
    assert run(capsys, "validate", str(path), "--no-color") == (0, f"ok: {path}\n", "")


def test_validate_missing_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(tmp_path / "none.toml"))
    assert (code, out) == (2, "")
    assert err == f"baton: {tmp_path / 'none.toml'}: no such profile file\n"


def test_list_marks_default_production_and_shadowed(
    isolated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, cwd = isolated
    cwd.mkdir()
    (cwd / "iam.toml").write_text(MINIMAL.replace("a demo profile", "my iam"))
    code, out, _ = run(capsys, "list", "--no-color")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line and not line.startswith(" ")}
    assert "(default)" in rows["sandbox"]
    assert "PRODUCTION" in rows["http-jwt"]
    assert "my iam" in rows["iam"] and " cwd " in rows["iam"]
    assert "  iam (shipped) " in out and f"hidden by {cwd / 'iam.toml'}" in out


def test_list_json(isolated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    entries = {e["name"]: e for e in json.loads(out)}
    assert code == 0 and entries["sandbox"]["default"] is True and entries["sandbox"]["origin"] == "shipped"


def test_show_keeps_secrets_as_references(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(MINIMAL.replace('"dev"', '"production"') + 'api_key = "env:BATON_API_KEY"\n')
    code, out, _ = run(capsys, "show", str(path), "--no-color")
    assert code == 0
    assert "environment  PRODUCTION" in out
    assert "api_key            env:BATON_API_KEY  (reference; read at use, never stored)" in out
    code, out, _ = run(capsys, "show", str(path), "--json")
    document = json.loads(out)
    assert document["gateway"]["api_key"] == "env:BATON_API_KEY" and document["environment"] == "production"


def test_show_unknown_name(isolated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "sandbx")
    assert code == 2 and err.startswith("baton: no profile named 'sandbx' (did you mean 'sandbox'?)")


def test_no_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "baton profiles list" in err
