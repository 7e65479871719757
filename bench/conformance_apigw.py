"""Conformance: every public API Gateway log sample through the execution-log parser, every message accounted for.

The samples live outside the project (../shared/conformance/logs/apigw/; sources in ../SOURCES.md there). Per file
this prints physical lines, messages (a multi-line body or a wrapped header map is one message), requests, messages
understood and messages kept unparsed; a message the execution parser does not know that is a JSON access-log record
is counted as ``access`` (read by the access-log reader, console.engine.logs.gateway_access). Exit 1 if the parser
raises on any file or loses a message; exit 0 with a note when the samples are absent.
Run: ``.venv/bin/python bench/conformance_apigw.py [APIGW_DIR]``.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.engine.logs.apigw_exec import parse_execution_text  # noqa: E402
from console.engine.logs.apigw_lines import group_messages  # noqa: E402
from console.engine.logs.gateway_access import parse_line  # noqa: E402

APIGW = ROOT.parent / "shared" / "conformance" / "logs" / "apigw"


def check(path: Path, name: str) -> list[str]:
    """Problems met parsing one file (empty when every message is accounted for)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    physical = len(text.splitlines())
    messages = list(group_messages(text.splitlines()))
    logs = parse_execution_text(text)
    lines = [line for log in logs for line in log.lines]
    understood = sum(1 for line in lines if line.kind)
    unparsed = [line for line in lines if not line.kind]
    access = sum(1 for line in unparsed if isinstance(parse_line(line.text), dict))
    headers = sum(1 for log in logs if log.endpoint_headers is not None)
    print(
        f"{name:<92} lines={physical} messages={len(messages)} requests={len(logs)} understood={understood} "
        f"access={access} kept-unparsed={len(unparsed) - access} endpoint-headers={headers}"
    )
    problems = []
    if len(lines) != len(messages):
        problems.append(f"{len(messages)} messages read, {len(lines)} kept")
    if sum(message.count("\n") + 1 for message in messages) != physical:
        problems.append("physical lines lost while grouping messages")
    return problems


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else APIGW
    if not folder.is_dir():
        print(f"no samples at {folder}: nothing to check")
        return 0
    failed = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        try:
            problems = check(path, name)
        except Exception:  # the point is to report any exception the parser raises
            failed += 1
            print(f"{name}: RAISED")
            traceback.print_exc()
            continue
        for problem in problems:
            failed += 1
            print(f"{'':<6}{problem}")
    print("all samples parsed" if not failed else f"{failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
