"""Sandbox throughput: the IIS emulator alone vs the healthy gateway path (authorizer + mapping + forward), with wrk.

Target: the gateway path sustains >= 25% of the IIS emulator's own throughput at 50 connections, with
at least 10,000 requests per run, no errors, and the sandbox process's file descriptors back to where they
started. Exit 1 when any of that is missed.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

CONNECTIONS = 50
THREADS = 2
MIN_REQUESTS = 10_000
TARGET_RATIO = 0.25
ROOT = Path(__file__).resolve().parent.parent


def ensure_wrk() -> str:
    """Path to wrk, installing the Debian package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found; installing it with apt-get", flush=True)
    if subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=False)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
    found = shutil.which("wrk")
    if not found:
        print("FAIL: wrk is not installed and could not be installed")
        raise SystemExit(1)
    return found


def fd_count(pid: int) -> int:
    """Open file descriptors (sockets, log files) of a process."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, url: str, seconds: int, headers: dict[str, str]) -> dict[str, Any]:
    """One wrk run; requests, rate, p50/p99 in ms, and every kind of error wrk reports."""
    args = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    pct = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", out, re.M))

    def pct_ms(key: str) -> float:
        m = re.fullmatch(r"([\d.]+)(us|ms|s)", pct[key])
        assert m is not None
        return _ms(m.group(1), m.group(2))

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert total is not None and rate is not None
    return {
        "requests": int(total.group(1)),
        "rps": float(rate.group(1)),
        "p50": pct_ms("50"),
        "p99": pct_ms("99"),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def start_sandbox_process() -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`baton sandbox --json` in its own process (so wrk, this script and the servers do not share a GIL)."""
    code = "import sys; from console.cli import main; sys.exit(main())"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "sandbox", "--json"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    urls: dict[str, str] = json.loads(process.stdout.readline())
    return process, urls


def token_for(gateway: str) -> str:
    """An access token obtained the way the healthy scenario's client obtains it."""
    doc = httpx.get(f"{gateway}/__baton/scenario").json()
    client = doc["client"]
    response = httpx.post(
        doc["token_url"],
        data={
            "grant_type": "password",
            "username": client["username"],
            "password": client["password"],
            "scope": client["scope"],
        },
        auth=(client["client_id"], client["client_secret"]),
    )
    token: str = response.json()["access_token"]
    return token


def settle_fds(pid: int, baseline: int, seconds: float = 20.0) -> int:
    """Wait for idle keep-alive sockets to close; the count once it is back at baseline (or at the deadline)."""
    deadline = time.monotonic() + seconds
    count = fd_count(pid)
    while count > baseline and time.monotonic() < deadline:
        time.sleep(0.25)
        count = fd_count(pid)
    return count


def main() -> int:
    wrk = ensure_wrk()
    process, urls = start_sandbox_process()
    failures: list[str] = []
    try:
        token = token_for(urls["gateway"])
        probe = httpx.get(f"{urls['gateway']}/prod/whoami", headers={"Authorization": token})
        if probe.status_code != 200:
            print(f"FAIL: healthy gateway path answered {probe.status_code}")
            return 1
        baseline = fd_count(process.pid)
        warm = run_wrk(wrk, f"{urls['iis']}/whoami", 2, {})
        seconds = max(5, math.ceil(MIN_REQUESTS * 1.3 / max(warm["rps"] * TARGET_RATIO, 1.0)))
        # The same client request both ways (bearer token and correlation id), straight to IIS and
        # through the gateway, so the difference is what the gateway adds.
        same = {"Authorization": token, "X-Correlation-Id": "bench"}
        iis = run_wrk(wrk, f"{urls['iis']}/whoami", seconds, same)
        gateway = run_wrk(wrk, f"{urls['gateway']}/prod/whoami", seconds, same)
        after = settle_fds(process.pid, baseline)
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"{CONNECTIONS} connections, {THREADS} wrk threads, {seconds} s per run")
    for name, r in (("IIS emulator alone", iis), ("gateway -> IIS (healthy)", gateway)):
        print(
            f"  {name:<26} {r['rps']:>9.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  "
            f"requests {r['requests']}  errors {r['socket_errors']}  non-2xx {r['non2xx']}"
        )
    ratio = gateway["rps"] / iis["rps"]
    added_p50, added_p99 = gateway["p50"] - iis["p50"], gateway["p99"] - iis["p99"]
    print(f"  gateway added latency: p50 +{added_p50:.2f} ms, p99 +{added_p99:.2f} ms")
    print(f"  gateway/IIS throughput: {ratio:.0%} (target >= {TARGET_RATIO:.0%})")
    print(f"  sandbox fds: {baseline} before, {after} after")
    for name, r in (("IIS", iis), ("gateway", gateway)):
        if r["requests"] < MIN_REQUESTS:
            failures.append(f"{name} run had only {r['requests']} requests (< {MIN_REQUESTS})")
        if r["socket_errors"] or r["non2xx"]:
            failures.append(f"{name} run had {r['socket_errors']} socket errors and {r['non2xx']} non-2xx")
    if ratio < TARGET_RATIO:
        failures.append(f"gateway throughput is {ratio:.0%} of IIS's (target {TARGET_RATIO:.0%})")
    if after > baseline:
        failures.append(f"file descriptors leaked: {baseline} before, {after} after")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
