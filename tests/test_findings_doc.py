"""docs/findings.md lists every finding code with its severity and title, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from console.engine.diagnosis.catalogue import ALL_FINDINGS, HOP_FINDINGS
from console.engine.tokens import TOKEN_FINDINGS

DOC = Path(__file__).resolve().parents[1] / "docs" / "findings.md"
ROW = re.compile(
    r"^\| `(?P<code>[a-z0-9_]+\.[a-z0-9_]+)` \| (?P<severity>error|warning|info) \| (?P<title>[^|]+) \|", re.M
)


def documented() -> dict[str, tuple[str, str]]:
    return {m["code"]: (m["severity"], m["title"].strip()) for m in ROW.finditer(DOC.read_text(encoding="utf-8"))}


def test_every_token_finding_is_documented_with_its_severity_and_title() -> None:
    rows = documented()
    for code, entry in TOKEN_FINDINGS.items():
        assert rows.get(code) == (entry.severity.value, entry.title), code


def test_the_doc_lists_no_token_code_the_engine_does_not_have() -> None:
    stale = {code for code in documented() if code.startswith("token.")} - set(TOKEN_FINDINGS)
    assert stale == set()


def test_every_hop_finding_is_documented_and_nothing_else() -> None:
    rows = documented()
    for code, entry in HOP_FINDINGS.items():
        assert rows.get(code) == (entry.severity.value, entry.title), code
    assert set(rows) == set(ALL_FINDINGS)


def test_every_code_the_engine_emits_is_catalogued() -> None:
    engine = Path(__file__).resolve().parents[1] / "console" / "engine"
    emitted = set()
    for source in engine.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        emitted |= set(re.findall(r'(?:hop_finding|finding|_rule)\(\s*"([a-z0-9_]+\.[a-z0-9_]+)"', text))
    assert emitted, "the pattern found no emitted codes"
    assert emitted - set(ALL_FINDINGS) == set()
