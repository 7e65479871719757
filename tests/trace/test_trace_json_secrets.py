"""`baton trace --json` carries no part of a token signature or secret, not even the tail AWS-style masks keep."""

from __future__ import annotations

import json

import pytest
from sandboxes import Sandboxes

from console.commands.style import Style
from console.commands.trace import render_text, trace_json


@pytest.mark.parametrize(
    "scenario", ["healthy", "spoofable-backend", "authorizer-cache-cross-route", "claims-header-unmapped"]
)
def test_no_signature_or_secret_tail_in_json_or_text(sandboxes: Sandboxes, scenario: str) -> None:
    trace = sandboxes.trace(scenario)
    assert trace.token is not None
    signature = trace.token.token.compact.split(".")[2]
    secrets = [s for s in sandboxes.target(scenario).secrets if len(s) >= 12]
    for output in (json.dumps(trace_json(trace)), render_text(trace, Style(color=False))):
        for tail_length in (4, 6, 8):
            assert signature[-tail_length:] not in output, f"signature tail of {tail_length} in the output"
            for secret in secrets:
                assert secret[-tail_length:] not in output, f"secret tail of {tail_length} in the output"
