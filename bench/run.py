"""Run every benchmark (bench_*.py) and conformance runner (conformance_*.py) under bench/, each in its own process.

The conformance runners judge Baton against public material in ../shared/conformance and skip when it is absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    only = set(sys.argv[1:])
    failed: list[str] = []
    for script in [*sorted(here.glob("bench_*.py")), *sorted(here.glob("conformance_*.py"))]:
        if only and script.stem not in only and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"\n=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], check=False)
        if result.returncode != 0:
            failed.append(f"{script.name} (exit {result.returncode})")
    if failed:
        print("\nbenchmarks that missed their target or failed: " + ", ".join(failed))
        return 1
    print("\nall benchmarks met their targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
