"""`baton` and its subcommands. Each subcommand lives in ``console/commands/<name>.py`` and is
imported only when it runs, so ``baton decode`` never pays for Textual, boto3 or the sandbox."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol

from console import __version__
from console.errors import BatonError

# name -> (module, one-line help). The module exposes add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "decode": ("console.commands.decode", "decode, verify and judge a JWT (no network unless --jwks URL)"),
    "trace": ("console.commands.trace", "send one request through the gateway and name the hop that broke"),
    "sandbox": ("console.commands.sandbox", "run the embedded IdP, gateway and IIS emulators on loopback"),
    "profiles": ("console.commands.profiles", "list, show and validate profiles"),
    "token": (
        "console.commands.token",
        "print the token a trace would send (export TOKEN=$(baton token --profile NAME))",
    ),
    "logs": ("console.commands.logs", "search, count, query (SQL), tail and join IIS and API Gateway logs"),
    "aws": ("console.commands.aws", "ask AWS itself: who you are (whoami), with the region and endpoint used"),
}


class Command(Protocol):
    """What a subcommand module provides."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (no usage dump) on a bad option."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _load(name: str) -> Command | None:
    module_name = COMMANDS[name][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None  # a subcommand that is not built yet is simply not offered
        raise
    return module


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, just that subcommand's module is imported."""
    parser = _Parser(
        prog="baton",
        description="Baton: find the hop that dropped the caller's identity between API Gateway and IIS.",
        epilog="With no subcommand, baton opens the console on the default profile (the sandbox).",
    )
    parser.add_argument("--version", action="version", version=f"baton {__version__}")
    parser.add_argument("--profile", metavar="NAME|FILE", help="profile to open the console on")
    parser.add_argument("--scenario", metavar="NAME", help="sandbox scenario to open the console on")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (_module, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if only is None or only == name:
            command = _load(name)
            if command is not None:
                command.add_arguments(sub)
                sub.set_defaults(_run=command.run)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if a in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``baton`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_chosen_command(args_list) or "")
    args = parser.parse_args(args_list)
    try:
        if args.command is None:
            return _open_console(args)
        run = getattr(args, "_run", None)
        if run is None:
            parser.error(f"'{args.command}' is not available in this build")
        code: int = run(args)
        return code
    except BatonError as exc:
        sys.stderr.write(f"baton: {exc.one_line()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("baton: interrupted\n")
        return 130
    except BrokenPipeError:
        # `baton … | head` closed the pipe: stop quietly, as grep and friends do.
        _silence_stdout()
        return 141


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _open_console(args: argparse.Namespace) -> int:
    from console.config import load_profile
    from console.config.scenarios import check_scenario

    # Before Textual loads: a bad --profile or --scenario exits 2 with one line instead of a broken console.
    check_scenario(load_profile(args.profile or None), args.scenario)
    try:
        app_module = importlib.import_module("console.app.main")
    except ModuleNotFoundError as exc:
        if exc.name != "console.app.main":
            raise
        # Until the console lands, `baton` (and so `make run`) shows what this build can do.
        build_parser().print_help()
        return 0
    code: int = app_module.run_console(profile=args.profile, scenario=args.scenario)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
