"""Importing the core must not pay for, or depend on, the UI, AWS or the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "rich", "boto3", "botocore", "console.sandbox", "widgets", "console.app")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    "statement",
    [
        "import console.engine",
        "import console.engine.tokens",
        "import console.sanitize",
        "import console.model",
        "import console.cli",
        "from console.commands import decode",
    ],
)
def test_core_imports_leave_heavy_packages_out(statement: str) -> None:
    modules = loaded_after(statement)
    leaked = sorted(m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + "."))
    assert leaked == []


def test_decode_command_does_not_load_textual_rich_or_boto3() -> None:
    code = (
        "import sys, json, runpy; sys.argv=['baton','decode','2YotnFZFEjr1zCsicMWpAA','--json'];"
        "from console.cli import main; main();"
        "sys.stderr.write(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual','rich','boto3','botocore') or m.startswith('console.sandbox'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_the_console_reaches_its_first_screen_without_the_engine_sandbox_or_trace_model() -> None:
    """`baton` builds its first screen before it loads the engine, the sandbox, boto3 or the trace model's dataclasses:
    the sandbox starts behind the first paint, and the rest is loaded with the first trace."""
    modules = loaded_after("from console.app.main import make_app; make_app()")
    deferred = (
        "console.engine",
        "console.sandbox",
        "boto3",
        "httpx",
        "console.model.trace",
        "console.model.token",
        "console.model.findings",
    )
    assert sorted(m for m in modules for d in deferred if m == d or m.startswith(d + ".")) == []
    assert {"textual", "widgets", "console.model.enums", "console.model.profile"} <= modules


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["trace", "--help"],
        ["logs", "search", "--help"],
        ["aws", "--help"],
        ["aws", "whoami", "--help"],
    ],
)
def test_help_never_imports_boto3_or_botocore(argv: list[str]) -> None:
    """boto3 costs a noticeable share of a second: it is imported when an AWS call is made, never for --help."""
    code = (
        f"import sys, json; sys.argv=['baton', *{argv!r}]\n"
        "from console.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "usage: baton" in result.stdout
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
