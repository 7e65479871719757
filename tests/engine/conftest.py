"""Keys are generated once per test session: RSA generation is the slow part."""

from __future__ import annotations

import pytest
from jwtkit import Keys, make_keys


@pytest.fixture(scope="session")
def keys() -> Keys:
    return make_keys()
