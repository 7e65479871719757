"""Make ``import widgets`` find the real package, not this test folder.

pytest puts tests/ on sys.path (tests/conftest.py), so tests/widgets/ would be imported as a namespace
package called ``widgets`` ahead of the editable install's finder; the repo root on sys.path lets
the regular package win.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if getattr(sys.modules.get("widgets"), "__file__", "") is None:  # a namespace package was cached already
    del sys.modules["widgets"]
