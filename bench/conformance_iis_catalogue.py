"""Conformance: every code in the public status.substatus.win32 reference decodes to known words in Baton's catalogue.

The reference lives outside the project (../shared/conformance/logs/reference/iis-status-substatus-win32.json) and
is read here only to list its keys: its wording is never copied. Baton's wording is its own (console/engine/iis).
Skips when the reference is absent. Run: ``.venv/bin/python bench/conformance_iis_catalogue.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT.parent / "shared" / "conformance" / "logs" / "reference" / "iis-status-substatus-win32.json"


def _code(key: str) -> tuple[int, int]:
    status, _, sub = key.partition(".")
    return int(status), int(sub or 0)


def main() -> int:
    from console.engine.iis import describe, win32_meaning

    if not REFERENCE.is_file():
        print(f"skipped: {REFERENCE} is absent")
        return 0
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    missing: list[str] = []
    keys = [*data.get("substatus", {}), *data.get("substatus_arr_3_0_1916_alternative", {})]
    for key in keys:
        if not describe(*_code(key)).known:
            missing.append(f"sub-status {key}")
    for key in data.get("win32", {}):
        if not win32_meaning(int(key)).known:
            missing.append(f"win32 {key}")
    for key in data.get("hresult_examples", {}):
        if not win32_meaning(int(key, 16)).known:
            missing.append(f"hresult {key}")
    total = len(keys) + len(data.get("win32", {})) + len(data.get("hresult_examples", {}))
    print(f"iis catalogue: {total - len(missing)}/{total} reference codes decode to known words")
    for item in missing:
        print(f"  no meaning for {item}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
