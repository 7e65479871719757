"""The one-line progress of a CloudWatch poll on stderr: cut to the terminal's width and redrawn in place."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

from console.model.gateway_log import PollProgress
from console.sanitize import inert

__all__ = ["PollLine"]

_MIN_WIDTH = 20


def _columns(out: TextIO) -> int:
    """The width of the terminal ``out`` writes to (COLUMNS, else 80, when it cannot be asked)."""
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size((80, 24)).columns


class PollLine:
    """``attempt 3, 4 s of 30 s: waiting for …`` on stderr, only when stderr is a terminal.

    Each redraw is ``\\r`` + the text + clear-to-end-of-line, and the text is cut to one column less than the
    terminal's width: a line that wrapped would leave its first row behind at every redraw."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        try:
            self.enabled = self.out.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.shown = False

    def __call__(self, step: PollProgress) -> None:
        if not self.enabled:
            return
        # the counts first: when the text is cut, what is cut is the (long) group names, not the progress
        text = inert(
            f"attempt {step.attempt}, {step.elapsed_s:.0f} s of {step.limit_s:.0f} s: waiting for {step.waiting_for}"
        )
        width = max(_MIN_WIDTH, _columns(self.out) - 1)
        if len(text) > width:
            text = text[: width - 1] + "…"
        self.out.write(f"\r{text}\x1b[K")
        self.out.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the line so results start clean."""
        if self.shown:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            self.shown = False
