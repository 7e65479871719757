"""`baton trace` on a terminal: a wait that reports progress (CloudWatch delivering the gateway's log) is one line
redrawn in place, cut to the terminal's width, inert, and erased before the result (qa7 #8, the CLI part)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from console.commands.style import Style
from console.commands.trace import ProgressPrinter
from console.model.enums import HopName, HopStatus
from console.model.trace import Hop, HopObservation


@dataclass
class _Book:
    shown: list[Hop] = field(default_factory=list)
    done: Any = None

    def hops(self) -> list[Hop]:
        return self.shown

    def trace(self) -> Any:
        return self.done


@dataclass
class _Change:
    current: bool = True


def _waiting(step: str) -> Hop:
    seen = HopObservation(HopName.INTEGRATION, "aws", HopStatus.UNKNOWN, data={"progress": step})
    return Hop(HopName.INTEGRATION, HopStatus.UNKNOWN, observations=(seen,))


def test_a_reported_wait_is_one_line_redrawn_in_place_and_erased_at_the_end() -> None:
    out, book = io.StringIO(), _Book()
    printer = ProgressPrinter(book, out, Style(color=False), width=80)  # type: ignore[arg-type]
    book.shown = [Hop(HopName.GATEWAY, HopStatus.OK)]
    printer(_Change())  # type: ignore[arg-type]
    for second in (1, 2, 3):
        book.shown = [Hop(HopName.GATEWAY, HopStatus.OK), _waiting(f"CloudWatch: {second} s of 30 s " + "x" * 200)]
        printer(_Change())  # type: ignore[arg-type]
    book.done = object()
    printer(_Change())  # type: ignore[arg-type]
    text = out.getvalue()
    assert "gateway" in text and text.count("CloudWatch: ") == 3
    assert "CloudWatch: 3 s of 30 s" in text
    redraws = [part for part in text.split("\r") if "CloudWatch" in part]
    assert all(len(part.split("\x1b[K")[0]) <= 79 for part in redraws)  # cut to the terminal's width
    assert text.endswith("\r\x1b[2K")  # erased before the result is printed


def test_progress_from_the_network_is_inert() -> None:
    out, book = io.StringIO(), _Book()
    printer = ProgressPrinter(book, out, Style(color=False), width=120)  # type: ignore[arg-type]
    book.shown = [_waiting("waiting for \x1b]0;pwned\x07 group")]
    printer(_Change())  # type: ignore[arg-type]
    assert "\x1b]0;" not in out.getvalue() and "\x07" not in out.getvalue()
