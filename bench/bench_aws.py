"""AWS cost (issue 11 point 8): boto3 stays out of `baton --help`, `baton trace` on the sandbox and the console's first
paint; `baton aws inspect` on a local moto server, cold, beside `aws apigateway get-resources` alone.

boto3's import is the cost those three never pay (measured here in a fresh interpreter). The AWS CLI (awscli v1, its
own botocore) is installed once into its own virtualenv under tempfile.gettempdir()/baton-bench, so the project's
botocore is never touched; where it cannot be installed (no PyPI) that line says so and the rest still runs.
Target: none of the three loads boto3 or botocore; inspect is reported (a cold command pays boto3's import, like the
AWS CLI pays its own), not judged against a number the issue does not give.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 5
AWSCLI = "awscli==1.46.3"
"""Pinned: the yardstick must not move between runs."""
FAKE = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHBATON000001",
    "AWS_SECRET_ACCESS_KEY": "bench-fake-secret-key-not-real-00000000",
    "AWS_DEFAULT_REGION": "eu-west-1",
}

_LOADED = (
    "import json, sys; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore'))))"
)


_TIMED_IMPORT = "import time; t = time.perf_counter(); import boto3; print(time.perf_counter() - t)"


def loaded_after(code: str, env: dict[str, str]) -> list[str]:
    """boto3/botocore modules loaded once ``code`` ran in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_LOADED}"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    lines = out.stdout.strip().splitlines()
    try:
        found: list[str] = json.loads(lines[-1]) if lines else ["(no answer)"]
    except json.JSONDecodeError:
        found = [f"(unreadable: {out.stderr.strip()[-200:]})"]
    return found


def best(argv: list[str], env: dict[str, str], runs: int = RUNS) -> tuple[float, int, str]:
    """The best wall time of ``runs`` cold runs, the last exit code and the last stderr."""
    times, code, err = [], 0, ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        code, err = done.returncode, done.stderr
    return min(times), code, err


def imports(env: dict[str, str]) -> bool:
    cost = min(
        float(
            subprocess.run(
                [sys.executable, "-c", _TIMED_IMPORT],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(3)
    )
    checks = {
        "baton --help": (
            "import contextlib, io\nfrom console.cli import main\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()): main(['--help'])"
        ),
        "baton trace on the sandbox": (
            "import contextlib, io\nfrom console.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['trace', '--json'])"
        ),
        "console first paint": (
            "import asyncio\nfrom console.app.main import make_app\n"
            "async def paint():\n"
            "    app = make_app()\n"
            "    async with app.run_test(size=(120, 40)) as pilot:\n"
            "        await pilot.pause()\n"
            "asyncio.run(paint())"
        ),
    }
    print(f"boto3's import, the cost kept out of these: {cost * 1000:.0f} ms (best of 3, fresh interpreter)")
    ok = True
    for name, code in checks.items():
        found = loaded_after(code, env)
        ok = ok and not found
        print(f"  {name:28} boto3/botocore loaded: {', '.join(found) if found else 'none'}")
    return ok


def aws_cli() -> Path | None:
    """The AWS CLI in its own virtualenv (installed on first use), or None when it cannot be installed."""
    home = Path(tempfile.gettempdir()) / "baton-bench" / "awscli-venv"
    aws = home / "bin" / "aws"
    if aws.exists():
        return aws
    home.parent.mkdir(parents=True, exist_ok=True)
    made = subprocess.run([sys.executable, "-m", "venv", str(home)], capture_output=True, check=False)
    if made.returncode != 0:
        return None
    pip = [str(home / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q", "install", AWSCLI]
    installed = subprocess.run(pip, capture_output=True, check=False, timeout=600)
    return aws if installed.returncode == 0 and aws.exists() else None


def inspect(env: dict[str, str]) -> bool:
    from tests.aws.motokit import MotoRestApi, _moto_url, _server, rest_profile

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's access log
    os.environ.update(FAKE)
    url = _moto_url()
    try:
        api = MotoRestApi(url)
        authorizer, _ = api.cognito_authorizer()
        for n in range(20):  # an API of a realistic size: GetResources pages through them
            api.method(f"/svc{n}/{{id}}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer, headers={})
        api.method(
            "/orders/{id}",
            "GET",
            auth="COGNITO_USER_POOLS",
            authorizer=authorizer,
            scopes=("orders/read",),
            headers={"X-User-Id": "context.authorizer.claims.sub"},
        )
        api.deploy()
        with tempfile.TemporaryDirectory(prefix="baton-bench-aws-") as folder:
            profile = rest_profile(Path(folder), url, api.api_id, headers={"X-User-Id": "sub"})
            script = Path(sys.executable).parent / "baton"
            baton = [str(script)] if script.exists() else [sys.executable, "-m", "console.cli"]
            b, code, err = best([*baton, "aws", "inspect", "--profile", str(profile)], env)
            print(f"baton aws inspect on moto ({len(api.ids)} resources), cold:")
            print(f"  baton aws inspect              {b * 1000:7.0f} ms  (exit {code}; best of {RUNS})")
            if code not in (0, 1):
                print(f"  FAIL: {err.strip()[-300:]}")
                return False
            aws = aws_cli()
            if aws is None:
                print(f"  aws apigateway get-resources   (not run: {AWSCLI} could not be installed here)")
                return True
            cli = [str(aws), "apigateway", "get-resources", "--rest-api-id", api.api_id, "--endpoint-url", url]
            a, acode, aerr = best([*cli, "--region", "eu-west-1", "--output", "json"], env)
            if acode != 0:
                print(f"  aws apigateway get-resources   failed: {aerr.strip()[-200:]}")
                return True
            print(f"  aws apigateway get-resources   {a * 1000:7.0f} ms  ({AWSCLI}, one call; best of {RUNS})")
            print(f"  ratio                          {b / a:7.2f}x  (inspect makes GetStage, GetResources, GetMethod…)")
    finally:
        while _server:
            _server.pop()[0].stop()
    return True


def main() -> int:
    env = {**os.environ, **FAKE, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    env.pop("AWS_PROFILE", None)
    clean = imports(env)
    print(f"target: no boto3 in --help, sandbox trace, first paint: {'PASS' if clean else 'MISS'}")
    ran = inspect(env)
    return 0 if clean and ran else 1


if __name__ == "__main__":
    raise SystemExit(main())
