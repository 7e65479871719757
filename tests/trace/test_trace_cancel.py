"""Cancelling a trace stops it promptly, even while a hop is silent."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from loopback import peer, silent

from console.config import load_profile
from console.engine.trace import TraceCancelled
from console.model.trace import TraceRequest, TraceStarted
from console.session import Session


def test_cancel_returns_promptly_from_a_silent_gateway(tmp_path: Path) -> None:
    with peer(silent) as port:
        path = tmp_path / "slow.toml"
        path.write_text(
            f'name = "slow"\ndescription = "d"\nenvironment = "dev"\n[gateway]\nurl = "http://127.0.0.1:{port}"\n'
        )
        session = Session(load_profile(str(path)), timeout=30)
        cancel = threading.Event()
        events: list[object] = []
        timer = threading.Timer(0.5, cancel.set)
        timer.start()
        started = time.monotonic()
        with pytest.raises(TraceCancelled):
            session.trace(TraceRequest(), events.append, cancel)
        elapsed = time.monotonic() - started
        session.close()
    # The gateway never answers and the timeout is 30 s: only the cancel can have ended it.
    assert elapsed < 10
    assert isinstance(events[0], TraceStarted)
