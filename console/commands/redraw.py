"""One line of a terminal redrawn in place (progress bars, poll lines): cut to its width, cleared, erased at the end."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import TextIO

from console.sanitize import inert

__all__ = ["RedrawLine", "columns"]

MIN_WIDTH = 10


def columns(out: TextIO) -> int:
    """The width of the terminal ``out`` writes to (COLUMNS, else 80, when it cannot be asked)."""
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size((80, 24)).columns


class RedrawLine:
    """Each :meth:`show` is ``\\r`` + the text + clear-to-end-of-line, the text made inert and cut to one column less
    than the terminal's width (``width`` when given): a line that wrapped would leave its first row behind at every
    redraw, and a shorter line must not leave the tail of a longer one. :meth:`erase` clears it before results."""

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        self.out = out
        self.width = width
        self.shown = False

    def show(self, text: str, style: Callable[[str], str] | None = None) -> None:
        """Draw ``text`` (data: its escapes are shown, never obeyed) in place of the line, ``style`` after the cut."""
        room = max(MIN_WIDTH, (self.width or columns(self.out)) - 1)
        text = inert(text)
        if len(text) > room:
            text = text[: room - 1] + "…"
        self.out.write("\r" + (style(text) if style else text) + "\x1b[K")
        self.out.flush()
        self.shown = True

    def erase(self) -> None:
        """Clear the line (when one is shown) so what follows starts on a clean line."""
        if self.shown:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            self.shown = False
