"""`baton sandbox`: run the embedded IdP, gateway and IIS emulators on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from console.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton sandbox`."""
    parser.add_argument(
        "--scenario", metavar="NAME", default="healthy", help="which breakage to serve (default: healthy; see --list)"
    )
    parser.add_argument(
        "--port-base", metavar="N", type=int, help="IdP on N, gateway on N+1, IIS on N+2 (default: free ports)"
    )
    parser.add_argument(
        "--log-dir",
        metavar="DIR",
        type=Path,
        help="keep the IIS logs and the gateway's access log here (default: a temporary directory removed on exit)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="first stdout line is {idp, gateway, iis, iis_log, httperr_log, access_log, scenario} as JSON",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--until-stdin-closes", action="store_true", help=argparse.SUPPRESS)
    # (used by the console, which runs the sandbox as a child: the child stops when its parent goes away)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; exit 2 with one line when the scenario is unknown or a port is taken."""
    from console.sandbox import list_scenarios, start_sandbox

    if args.list:
        scenarios = list_scenarios()
        width = max(len(s.name) for s in scenarios)
        for scenario in scenarios:
            where = f"[{scenario.broken_at or '-'}: {scenario.finding or '-'}]"
            sys.stdout.write(f"{scenario.name:<{width}}  {scenario.description} {where}\n")
        return 0
    if args.log_dir is not None and args.log_dir.exists() and not args.log_dir.is_dir():
        raise UsageError(f"--log-dir {args.log_dir} is not a directory")
    from console.config.scenarios import check_scenario_name

    sandbox = start_sandbox(check_scenario_name(args.scenario), args.port_base, log_dir=args.log_dir)
    try:
        urls = sandbox.urls
        if args.json:
            sys.stdout.write(
                json.dumps(
                    {
                        "idp": urls.idp,
                        "gateway": urls.gateway,
                        "iis": urls.iis,
                        "iis_log": str(sandbox.iis_log_path),
                        "httperr_log": str(sandbox.httperr_log_path),
                        "access_log": str(sandbox.access_log_path),
                        "scenario": sandbox.scenario.name,
                    }
                )
                + "\n"
            )
        else:
            scenario = sandbox.scenario
            sys.stdout.write(
                f"baton sandbox: {scenario.name} — {scenario.description}\n"
                f"  idp      {urls.idp}   (issuer {sandbox.idp.issuer})\n"
                f"  gateway  {urls.gateway}/prod/whoami   (control plane {urls.gateway}/__baton/scenario)\n"
                f"  iis      {urls.iis}/whoami\n"
                f"  iis log  {sandbox.iis_log_path}\n"
                f"  httperr  {sandbox.httperr_log_path}\n"
                f"  access   {sandbox.access_log_path}   (gateway access log, JSON lines)\n"
                "Ctrl-C to stop.\n"
            )
        sys.stdout.flush()
        done = threading.Event()
        # SIGTERM stops cleanly too (ports freed, temporary logs removed); Ctrl-C raises KeyboardInterrupt,
        # which baton's main turns into "interrupted".
        signal.signal(signal.SIGTERM, lambda _sig, _frame: done.set())
        if args.until_stdin_closes:

            def wait_for_eof() -> None:
                sys.stdin.read()  # returns when the parent closes the pipe, or exits
                done.set()

            threading.Thread(target=wait_for_eof, daemon=True).start()
        done.wait()
    finally:
        sandbox.stop()
    return 0
