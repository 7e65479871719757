"""The one-line progress of a CloudWatch poll on stderr: cut to the terminal's width and redrawn in place."""

from __future__ import annotations

import sys
from typing import TextIO

from console.commands.redraw import RedrawLine
from console.model.gateway_log import PollProgress

__all__ = ["PollLine"]


class PollLine:
    """``attempt 3, 4 s of 30 s: waiting for …`` on stderr, only when stderr is a terminal (see RedrawLine)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        try:
            self.enabled = self.out.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.line = RedrawLine(self.out)

    @property
    def shown(self) -> bool:
        return self.line.shown

    def __call__(self, step: PollProgress) -> None:
        if self.enabled:
            # the counts first: when the text is cut, what is cut is the (long) group names, not the progress
            counts = f"attempt {step.attempt}, {step.elapsed_s:.0f} s of {step.limit_s:.0f} s"
            self.line.show(f"{counts}: waiting for {step.waiting_for}")

    def close(self) -> None:
        """Erase the line so results start clean."""
        self.line.erase()
