"""Run a snippet in a child Python with a hard time and memory cap: a hang or a memory flood fails the test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1 << 30
"""1 GiB of address space: reading /dev/zero whole would blow through it rather than the machine."""


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_guarded(code: str, *, timeout: float = 60.0) -> str:
    """The child's stdout; AssertionError when it hangs past ``timeout`` (a hang guard, not a speed test)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
            preexec_fn=_limit_memory if sys.platform != "win32" else None,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the child did not finish within {timeout} s (it hung)") from None
    assert done.returncode == 0, f"child failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout
