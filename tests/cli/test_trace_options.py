"""`baton trace` options that are almost right are refused before anything starts (exit 2, one clear line)."""

from __future__ import annotations

import pytest

from console.cli import main


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_timeout_must_be_positive_and_finite(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """nan and inf passed the old `<= 0` check and turned the per-hop deadline off."""
    assert main(["trace", f"--timeout={value}"]) == 2
    err = capsys.readouterr().err
    assert "--timeout" in err and "positive, finite" in err and "Traceback" not in err
