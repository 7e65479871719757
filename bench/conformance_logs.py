"""Conformance: every public IIS W3C, HTTPERR and API Gateway log sample read with every physical line accounted for.

The samples live outside the project (../shared/conformance/logs/iis-w3c and .../httperr; sources and licences in
SOURCES.md there). Per file this prints lines/records/directives/blank/quarantined, checks the four buckets add up
to the physical line count (counted here independently: LFs, plus an unterminated last line), and checks the record
counts the sources' own tests give (plaso's event counts). Exit 0 when every file is accounted, 1 on any miss; exit 0
with a message when the samples are absent. API Gateway samples (apigw/) go through the access-log reader: execution
logs and console captures are not access logs, so their lines are quarantined with a reason — still every line counted.
Run: ``.venv/bin/python bench/conformance_logs.py [LOGS_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.engine.logs.model import LogInputError, Quarantined, Tally  # noqa: E402
from console.engine.logs.reader import read  # noqa: E402
from console.engine.logs.sources import expand  # noqa: E402

LOGS = ROOT.parent / "shared" / "conformance" / "logs"
KINDS = ("iis-w3c", "httperr")
GATEWAY = "apigw"

RECORDS: dict[str, tuple[int, str]] = {
    # SOURCES.md: plaso's tests/parsers/text_plugins/iis.py event counts
    "iis-w3c/plaso/iis6.log": (12, "plaso iis.py: 12 events"),
    "iis-w3c/plaso/iis7_sqli.log": (2, "plaso iis.py: 2 events"),
    "iis-w3c/plaso/iis7_owa.log": (3, "plaso iis.py: 3 events"),
    "iis-w3c/plaso/iis_without_date.log": (11, "plaso iis.py: 11 events (date from #Date)"),
    "iis-w3c/plaso/iis10.log": (1, "plaso iis.py: 1 event (the last line has no line end)"),
    "iis-w3c/plaso/iis10_cookies.log": (3, "plaso iis.py: 3 events"),
    "iis-w3c/plaso/iis10_edge_cases.log": (15, "plaso iis.py: 15 events (double spaces are one separator)"),
    # SOURCES.md: plaso's winhttperr.py / winhttp_api_error.py
    "httperr/plaso/httperr.log": (5, "plaso winhttperr.py: 5 events"),
    "httperr/plaso/httperr_restart.log": (6, "plaso: 6 events across a restart's second #Fields"),
}


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def check(path: Path, name: str) -> list[str]:
    """Problems found reading one file (empty when it is accounted for)."""
    try:
        (source,) = expand([str(path)], pattern="*")
        tally = Tally()
        if name.startswith(GATEWAY + "/"):
            from console.engine.logs.gateway_access import read_gateway

            items = read_gateway(source, tally)
        else:
            items = read(source, tally)
        quarantined = [item for item in items if isinstance(item, Quarantined)]
    except LogInputError as exc:
        return [f"unreadable: {exc}"]
    counts = tally.as_dict()
    print(
        f"{name:<75} "
        + " ".join(f"{k}={v}" for k, v in counts.items())
        + (" truncated-last-line" if tally.truncated_last_line else "")
    )
    for item in quarantined[:5]:
        print(f"{'':<6}quarantined line {item.line} @{item.offset}: {item.reason}")
    problems = []
    if not tally.balanced():
        problems.append(f"unbalanced: {counts}")
    lines = physical_lines(path.read_bytes())
    if tally.lines != lines:
        problems.append(f"{tally.lines} lines read, the file has {lines}")
    expected = RECORDS.get(name)
    if expected is not None and tally.records != expected[0]:
        problems.append(f"{tally.records} records, expected {expected[0]} ({expected[1]})")
    return problems


def main(argv: list[str]) -> int:
    base = Path(argv[1]) if len(argv) > 1 else LOGS
    if not all((base / kind).is_dir() for kind in KINDS):
        print(f"skipped: no sample logs under {base} ({', '.join(KINDS)})")
        return 0
    kinds = (*KINDS, GATEWAY) if (base / GATEWAY).is_dir() else KINDS
    files = sorted(p for kind in kinds for p in (base / kind).rglob("*") if p.is_file())
    bad = 0
    for path in files:
        name = path.relative_to(base).as_posix()
        problems = check(path, name)
        for problem in problems:
            print(f"FAIL {name}: {problem}")
        bad += bool(problems)
    missing = sorted(set(RECORDS) - {p.relative_to(base).as_posix() for p in files})
    for name in missing:
        print(f"FAIL {name}: sample named in SOURCES.md not found")
    print(f"{len(files) - bad}/{len(files)} files accounted")
    return 0 if bad == 0 and not missing else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
