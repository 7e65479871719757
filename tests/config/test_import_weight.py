"""console.config stays light: no UI, no HTTP client, no boto3, no sandbox at import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "rich", "boto3", "botocore", "httpx", "console.sandbox", "console.app", "widgets")


@pytest.mark.parametrize(
    "statement",
    [
        "import console.config",
        "from console.config import load_profile; load_profile('sandbox')",
        "import console.commands.profiles",
    ],
)
def test_config_imports_leave_heavy_packages_out(statement: str) -> None:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(result.stdout)
    assert [m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")] == []
