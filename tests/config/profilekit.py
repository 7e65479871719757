"""Shared text for profile tests: a minimal valid profile and the writer fixture's type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

MINIMAL = """\
name = "demo"
description = "a demo profile"
environment = "dev"

[gateway]
url = "https://api.example.com/stage/path"
"""

Write = Callable[..., Path]
