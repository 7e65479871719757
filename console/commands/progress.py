"""A progress bar on stderr for long log reads: drawn only when stderr is a terminal, silent when piped."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from console.commands.redraw import RedrawLine

_WIDTH = 30
_EVERY = 0.1  # seconds between redraws: a bar must not cost more than the work it reports


class Progress:
    """Bytes read out of a known total, over several files read one after another.

    ``for_file(i)`` gives the callback the engine calls with *that file's* bytes read so far; the bar shows
    the sum over files. Nothing at all is written unless ``out`` is a terminal, so output that is piped or
    captured by a test stays exactly the results."""

    def __init__(self, sizes: list[int], label: str = "reading", out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        self.enabled = _is_terminal(self.out)
        self.sizes = sizes
        self.total = max(sum(sizes), 1)
        self.label = label
        self.done = [0] * len(sizes)
        self._drawn_at = 0.0
        self.line = RedrawLine(self.out)

    def for_file(self, index: int) -> Callable[[int], None] | None:
        """The callback for file ``index``; None when the bar is off (the engine then skips the calls)."""
        if not self.enabled:
            return None

        def update(read: int) -> None:
            self.done[index] = read
            self._draw()

        return update

    def overall(self) -> Callable[[int], None] | None:
        """A callback taking bytes read over all files together (for engines that count across files)."""
        if not self.enabled:
            return None

        def update(read: int) -> None:
            self.done = [read] + [0] * (len(self.sizes) - 1) if self.sizes else [read]
            self._draw()

        return update

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < _EVERY:
            return
        self._drawn_at = now
        done = min(sum(self.done), self.total)
        filled = done * _WIDTH // self.total
        bar = "█" * filled + "░" * (_WIDTH - filled)
        self.line.show(f"{self.label} {bar} {done * 100 // self.total:3d}%  {_size(done)} / {_size(self.total)}")

    def close(self) -> None:
        """Erase the bar so the results (or an error line) start on a clean line."""
        self.line.erase()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # a closed or exotic stream: no bar
        return False


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
