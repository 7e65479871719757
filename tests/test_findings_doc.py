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


# The team's notes number their failure modes F01…F35 and sections §1…§8; users do not have those notes.
INTERNAL_NOTE = re.compile(r"\bF\d{2}\b|\(§\d")


def test_no_fix_cites_an_internal_note_number() -> None:
    cited = {code: entry.fix for code, entry in ALL_FINDINGS.items() if INTERNAL_NOTE.search(entry.fix)}
    assert cited == {}
    assert INTERNAL_NOTE.search(DOC.read_text(encoding="utf-8")) is None


def test_the_doc_gives_each_hop_finding_the_engine_fix() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code, entry in HOP_FINDINGS.items():
        assert f"| `{code}` | {entry.severity.value} | {entry.title} | {entry.fix} |" in text, code
