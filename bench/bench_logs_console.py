"""Logs view: keypress -> render (p95, max <= 100 ms) while the tail follows an IIS log growing by thousands of lines/s.

Another process appends W3C lines to the profile's ``[iis] log_path`` (as IIS would); the console's Logs view tails it
(t), its table holding at most 10,000 lines. Keys move the cursor in the lines; each press is timed from injection to
the next completed screen refresh after the view handled it (the detail pane redrawn)."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY_TARGET_MS = 100.0
RATE = 5000
"""Lines per second the writer appends."""
SECONDS = 12.0
SIZE = (160, 48)
KEY_TIMEOUT_S = 2.0
FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id"
)
HEADER = f"#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Fields: {FIELDS}\r\n"
WRITER = """
import sys, time
path, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
tick = 0.01
per_tick = max(1, int(rate * tick))
n = 0
start = time.perf_counter()
with open(path, "a", newline="") as log:
    while time.perf_counter() - start < seconds:
        chunk = []
        for _ in range(per_tick):
            n += 1
            chunk.append(f"2026-01-01 10:00:00 10.0.0.5 GET /prod/orders/{n} - 443 alice 10.0.0.9 curl/8.0 - "
                         f"{401 if n % 7 == 0 else 200} {2 if n % 7 == 0 else 0} 0 5 bench-{n}\\r\\n")
        log.write("".join(chunk))
        log.flush()
        next_at = start + (n / rate)
        time.sleep(max(0.0, next_at - time.perf_counter()))
print(n)
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def keypress_latency(directory: Path) -> bool:
    from textual import events

    from console.app.logs_screen import LogsScreen
    from console.app.main import make_app
    from console.app.screen import ConsoleScreen

    log = directory / "u_ex260101.log"
    log.write_text(HEADER)
    profile = directory / "bench.toml"
    profile.write_text(
        f'name = "bench"\nenvironment = "dev"\n[gateway]\nurl = "http://127.0.0.1:9"\n[iis]\nlog_path = "{log}"\n'
    )
    app = make_app(str(profile))
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, ConsoleScreen):
            await pilot.pause(0.05)
        await pilot.press("ctrl+l")
        while not isinstance(app.screen, LogsScreen):
            await pilot.pause(0.05)
        screen = app.screen
        await pilot.pause(0.5)
        await pilot.press("t")
        await pilot.pause(0.5)
        refreshes: list[float] = []
        handled: list[float] = []
        original_refresh, original_detail = screen._compositor_refresh, screen._show_detail

        def timed_refresh() -> None:
            original_refresh()
            refreshes.append(time.perf_counter())

        def timed_detail(key: Any) -> None:
            original_detail(key)
            handled.append(time.perf_counter())

        screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
        screen._show_detail = timed_detail  # type: ignore[method-assign]

        async def press(key: str) -> float | None:
            before = len(handled)
            start = time.perf_counter()
            app._driver.send_message(events.Key(key, None))  # type: ignore[union-attr]
            end = start + KEY_TIMEOUT_S
            while time.perf_counter() < end:
                if len(handled) > before:
                    done = next((t for t in refreshes if t >= handled[before]), None)
                    if done is not None:
                        return (done - start) * 1000
                await asyncio.sleep(0.0005)
            return None

        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log), str(RATE), str(SECONDS)], stdout=subprocess.PIPE, text=True
        )
        started = time.perf_counter()
        times: list[float] = []
        missed = 0
        n = 0
        while writer.poll() is None:
            got = await press("down" if n % 2 == 0 else "up")
            n += 1
            if got is None:
                missed += 1
            else:
                times.append(got)
            await asyncio.sleep(0.02)
        written = int((writer.stdout.read() if writer.stdout else "0").strip() or 0)
        elapsed = time.perf_counter() - started
        await press("home")  # back on the newest line: a tail paused by the held line resumes and catches up
        deadline = time.perf_counter() + 10
        model = screen.model
        while len(model.entries) + model.dropped < written and time.perf_counter() < deadline:
            await pilot.pause(0.05)
        shown = len(model.entries) + model.dropped
        kept = len(model.entries)
    print(
        f"Logs view, {SIZE[0]}x{SIZE[1]}, under run_test: tail of a W3C log another process appends "
        f"{RATE} lines/s for {SECONDS:g} s ({written} lines in {elapsed:.1f} s)"
    )
    print(f"  lines through the tail: {shown} of {written}; kept in memory {kept} (cap {model.max_rows})")
    if not times:
        print("  MISS: no key press completed")
        return False
    print(
        f"  keypress -> refresh: n={len(times)}  p50 {pct(times, 50):6.1f}  p95 {pct(times, 95):6.1f}  "
        f"max {max(times):6.1f} ms  mean {statistics.mean(times):.1f}  (no refresh within {KEY_TIMEOUT_S:g} s: "
        f"{missed})"
    )
    met = pct(times, 95) <= KEY_TARGET_MS and missed == 0 and shown == written and kept <= model.max_rows
    print(f"  target: p95 <= {KEY_TARGET_MS:.0f} ms, every line through, memory bounded: {'PASS' if met else 'MISS'}")
    return met


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="baton-bench-logs-") as directory:
        return 0 if asyncio.run(keypress_latency(Path(directory))) else 1


if __name__ == "__main__":
    raise SystemExit(main())
