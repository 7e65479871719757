"""`baton logs` on a generated 1,000,000-line W3C log: search vs `grep -F`, stats lines/s and memory, join.

Targets (issue 10): `baton logs search --correlation-id` <= 1.5x `grep -F` on the same file, start-up included (best of
5 each, warm page cache); `baton logs stats --json` >= 1,000,000 lines/s with peak memory flat as the file doubles
(judged: the 2x file's peak RSS within 20 MB of the 1x file's); `join` of 1M gateway x 1M IIS records < 10 s.
Anchor (../shared/domain/perf-anchors.md §3, another run of this machine): `grep -F` 37 ms and Python mmap+find 45 ms on
a 207 MB log; mawk counts statuses at 3.7M lines/s. Files are cached in tempfile.gettempdir()/baton-bench.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from logfile import NEEDLE, cached  # noqa: E402

SEARCH_RATIO = 1.5
STATS_RATE = 1_000_000
FLAT_MB = 20.0
RUNS = 5


def baton() -> list[str]:
    """The real CLI: the venv's `baton` script when installed, else `python -m console.cli`."""
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "console.cli"]


def run(argv: list[str]) -> tuple[float, int, bytes]:
    """Wall time (s), peak RSS of the child (MB), stdout."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss // 1024, out


def best(argv: list[str], runs: int = RUNS) -> tuple[float, bytes]:
    run(argv)  # warm-up (page cache, .pyc)
    times, out = [], b""
    for _ in range(runs):
        elapsed, _, out = run(argv)
        times.append(elapsed)
    return min(times), out


def counter() -> str:
    """Which LF counter the search uses: the compiled one (setup.py builds it where a C compiler is) or bytes.count."""
    found = subprocess.run(
        [sys.executable, "-c", "import console.engine.logs._lf"], cwd=ROOT, capture_output=True, check=False
    )
    return "the compiled counter (console/engine/logs/_lf.c)" if found.returncode == 0 else "bytes.count (not built)"


def cli_ready() -> bool:
    return (ROOT / "console" / "commands" / "logs_search.py").exists()


def bench_search(path: Path) -> bool:
    grep = shutil.which("grep")
    if grep is None:
        print("search: grep not found; cannot compare (skipped)")
        return True
    g, gout = best([grep, "-F", NEEDLE, str(path)])
    gn, gnout = best([grep, "-nF", NEEDLE, str(path)])  # context: grep counting lines too, as baton must
    if not cli_ready():
        print(f"search: grep -F {g * 1000:.0f} ms; the baton CLI is pending (console/commands/logs_search.py)")
        return True
    b, bout = best([*baton(), "logs", "search", str(path), "--correlation-id", NEEDLE, "--json"])
    ok_found = gout.count(NEEDLE.encode()) == 1 and bout.count(NEEDLE.encode()) >= 1
    grep_line = int(gnout.split(b":", 1)[0] or 0) if gnout[:1].isdigit() else -1
    baton_line = int(json.loads(bout.splitlines()[0]).get("line", 0)) if bout.strip() else 0
    ratio = b / g
    load = os.getloadavg()[0]
    print(f"search one id in {path.stat().st_size / 1e6:.0f} MB (best of {RUNS}, start-up included; load {load:.2f}):")
    print(f"  grep -F      {g * 1000:7.0f} ms  (the target's yardstick)")
    print(f"  grep -nF     {gn * 1000:7.0f} ms  (grep with line numbers, for context: {gnout[:12].decode()}…)")
    print(f"  baton search {b * 1000:7.0f} ms  = {ratio:.2f}x grep (target <= {SEARCH_RATIO}x)")
    print(f"  line ends counted by {counter()}")
    if not ok_found:
        print("  FAIL: the id was not found exactly once by both")
    if baton_line != grep_line:
        print(f"  FAIL: baton says line {baton_line}, grep -n says line {grep_line}")
    return ok_found and baton_line == grep_line and ratio <= SEARCH_RATIO


def bench_stats(path: Path, double: Path) -> bool:
    if not cli_ready():
        print("stats: the baton CLI is pending")
        return True
    argv = [*baton(), "logs", "stats"]
    times, peaks, lines = [], [], 0
    for _ in range(3):
        elapsed, peak, out = run([*argv, str(path), "--json"])
        times.append(elapsed)
        peaks.append(peak)
        lines = int(json.loads(out)["lines"])
    _, peak2, out2 = run([*argv, str(double), "--json"])
    doc2 = json.loads(out2)
    rate = lines / min(times)
    growth = peak2 - min(peaks)
    print(
        f"stats --json (best of 3, start-up included; load {os.getloadavg()[0]:.2f}):\n"
        f"  {lines:,} lines in {min(times):.2f} s = {rate:,.0f} lines/s (target >= {STATS_RATE:,}; mawk anchor 3.7M/s)"
    )
    print(
        f"  peak RSS {min(peaks)} MB on {path.stat().st_size / 1e6:.0f} MB, {peak2} MB on the 2x file "
        f"({doc2['lines']:,} lines): +{growth} MB (flat = within {FLAT_MB:.0f} MB)"
    )
    balanced = doc2["lines"] == sum(doc2[k] for k in ("records", "directives", "blank", "quarantined"))
    if not balanced:
        print("  FAIL: the four buckets do not add up to the lines")
    return rate >= STATS_RATE and growth <= FLAT_MB and balanced


def bench_join() -> bool:
    if not (ROOT / "console" / "engine" / "logs" / "join.py").exists():
        print("join: pending (console/engine/logs/join.py not written yet)")
        return True
    print("join: pending (the generated gateway access log for 1M records is not written yet)")
    return True


def main() -> int:
    path = cached(1_000_000)
    double = cached(2_000_000)
    results = [bench_search(path), bench_stats(path, double), bench_join()]
    if all(results):
        print("PASS")
        return 0
    print("MISS: a target above was not met")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
