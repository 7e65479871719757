"""Two cores on one plain file: where to cut it, the header state in force at the cut, and a forked worker.

A big log is cut at a line start near its middle; a forked child works on the upper part while the parent works on
the lower one and then takes the child's result (pickled through a pipe). The child never writes anything but its
pipe and leaves with ``os._exit`` (no exit handlers, no flushing the parent's buffers). A child that fails, dies or
sends something unreadable gives ``None``: the caller then does that part itself, so the result never depends on
the child having worked. Forking happens only in a process that runs no other thread (``linecount.can_fork``).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from console.engine.logs.directives import Header
from console.engine.logs.linerules import header_before

__all__ = ["WINDOW", "Child", "header_at", "line_start_after"]

T = TypeVar("T")

WINDOW = 4 << 20
"""Bytes searched at a time walking back to a directive; the pages are dropped after, so memory stays flat."""


class Child(Generic[T]):
    """``work()`` run in a forked child; ``result()`` is its return value, or None when it did not succeed."""

    def __init__(self, work: Callable[[], T]) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read_end)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                code = 0
            except BaseException:  # any failure means "no result"; the parent does the work itself
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid = pid
        self._fd = read_end

    def result(self) -> T | None:
        """Wait for the child; its result, or None when it failed (non-zero exit, a signal, an unreadable payload)."""
        if not self._pid:
            return None
        chunks: list[bytes] = []
        with contextlib.suppress(OSError):
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        status = self._reap()
        if status != 0:
            return None
        try:
            value: T = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's bytes, through our own pipe
        except Exception:  # a truncated payload is a failed child
            return None
        return value

    def close(self) -> None:
        """Stop and reap the child if it still runs (the parent failed or was interrupted)."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _reap(self) -> int:
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        os.close(self._fd)
        return status


def line_start_after(path: Path, at: int) -> int:
    """The first line start after byte ``at`` (the byte after the next LF), or -1 when no LF follows."""
    with path.open("rb") as handle:
        handle.seek(at)
        while chunk := handle.read(1 << 16):
            nl = chunk.find(b"\n")
            if nl >= 0:
                return at + nl + 1
            at += len(chunk)
    return -1


def header_at(path: Path, at: int) -> Header:
    """The header state in force at the line start ``at`` (``linerules.header_before``), read through a map whose
    pages are dropped a window at a time, so walking back over a big file does not grow this process."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:

        def rfind(end: int) -> int:
            hi = end
            while hi > 0:
                lo = max(hi - WINDOW, 0)
                hit = data.rfind(b"\n#", lo, hi)
                _drop(data, lo, hi)
                if hit >= 0 or lo == 0:
                    return hit
                hi = lo + 1  # a "\n#" across lo is found in the next window
            return -1

        return header_before(data, at, rfind)


def _drop(data: mmap.mmap, lo: int, hi: int) -> None:
    """Unmap the pages of ``data[lo:hi]`` from this process (the page cache keeps them; a read maps them again)."""
    if not hasattr(mmap, "MADV_DONTNEED"):
        return
    start = lo - lo % mmap.PAGESIZE
    with contextlib.suppress(OSError, ValueError):
        data.madvise(mmap.MADV_DONTNEED, start, hi - start)
