"""The README's `baton trace` and `baton token` examples are true: the profiles exist, the options parse, and the
URL each comment shows is the one join_url builds from the shipped profile."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from console.cli import build_parser
from console.config import load_profile
from console.engine.target import join_url

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Trace one request: `baton trace`", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```\n(.*?)```", SECTION, flags=re.DOTALL)


def _commands() -> list[tuple[list[str], str | None]]:
    """(argv after 'baton', the URL the comment promises) for every example line."""
    found: list[tuple[list[str], str | None]] = []
    lines = "\n".join(BLOCKS).splitlines()
    for index, line in enumerate(lines):
        command, _, comment = line.partition("#")
        inner = re.search(r"\$\((baton [^)]*)\)", command)  # export TOKEN=$(baton token …)
        words = shlex.split(inner.group(1) if inner else command)
        if not words or words[0] != "baton":
            continue
        promised = comment.strip()
        if not promised and index + 1 < len(lines) and lines[index + 1].lstrip().startswith("# GET "):
            promised = lines[index + 1].strip().lstrip("# ").strip()
        url = promised.removeprefix("GET ") if promised.startswith("GET ") else None
        found.append((words[1:], url))
    return found


COMMANDS = _commands()


def test_the_section_has_trace_and_token_examples() -> None:
    assert sum(argv[0] == "trace" for argv, _ in COMMANDS) >= 4
    assert sum(argv[0] == "token" for argv, _ in COMMANDS) >= 2
    assert sum(url is not None for _, url in COMMANDS) >= 2


@pytest.mark.parametrize(("argv", "url"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_example_parses_and_names_a_real_profile(argv: list[str], url: str | None) -> None:
    args = build_parser(only=argv[0]).parse_args(argv)
    profile = load_profile(args.profile or None)
    if url is not None:
        assert profile.gateway is not None and profile.gateway.url is not None
        assert join_url(profile.gateway.url, getattr(args, "path", "") or "") == url
