"""The shared sandboxes fixture (see sandboxes.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandboxes import Sandboxes


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[Sandboxes]:
    boxes = Sandboxes()
    yield boxes
    boxes.close()
