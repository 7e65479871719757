"""A join's rows written on two cores: a forked child renders the second half while this process writes the first.

Rendering a million rows (``row_dict`` and orjson, or CSV) costs seconds of one core, and once the join is done the
other core is idle. So the rows are cut in two contiguous halves: a forked child renders ``rows[half:]`` into an
unlinked temporary file while this process writes ``rows[:half]`` to the output, then the child's bytes are copied
after them, so the output is byte for byte the one a single writer gives. The child shares the report by
copy-on-write (nothing is pickled; it copies only the pages whose reference counts it touches) and leaves with
``os._exit``. It is never trusted for what it did not deliver: unless it exited 0 after flushing everything, this
process renders the second half itself. A fork happens only where ``linecount.can_fork`` allows it (no other thread).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from console.engine.logs.linecount import can_fork

__all__ = ["PARALLEL_MIN_ROWS", "Render", "write_halves"]

PARALLEL_MIN_ROWS = 100_000
"""Below this many rows one writer is faster than forking (tests lower it to take the two-core path)."""

Render = Callable[[int, int, BinaryIO], None]
"""``render(lo, hi, stream)``: rows ``[lo, hi)`` as bytes. From ``lo > 0`` its first ``skip`` bytes (a CSV header,
say) are dropped, so the halves concatenate to what ``render(0, n, out)`` writes."""

_COPY = 1 << 20


def write_halves(count: int, out: BinaryIO, render: Render, *, skip: int = 0, parallel: bool | None = None) -> bool:
    """Write rows ``[0, count)`` with ``render``: on two cores when ``parallel`` (default: ``count`` at least
    PARALLEL_MIN_ROWS and a process that may fork). Returns whether a child rendered the second half."""
    if parallel is None:
        parallel = count >= PARALLEL_MIN_ROWS and can_fork()
    if not parallel or count < 2:
        render(0, count, out)
        return False
    half = count // 2
    with tempfile.TemporaryFile(prefix="baton-join-") as spool:
        out.flush()  # nothing of ours is buffered twice (the child leaves without flushing anyway)
        try:
            pid = os.fork()
        except OSError:  # no process to be had: one writer
            render(0, count, out)
            return False
        if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork that ends with os._exit)
            _child(render, half, count, spool.fileno())
        code: int | None = None
        try:
            render(0, half, out)
            code = _wait(pid)
        finally:
            if code is None:  # this process failed while writing: the child must not outlive it
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait(pid)
        delivered = code == 0
        if not delivered:  # the child died or failed: its half is rendered here, into the same spool
            spool.seek(0)
            spool.truncate()
            render(half, count, spool)
            spool.flush()
        spool.seek(skip)
        out.flush()
        shutil.copyfileobj(spool, out, _COPY)
        return delivered


def _child(render: Render, lo: int, hi: int, fd: int) -> None:  # pragma: no cover - runs in the forked child
    status = 1
    try:
        with os.fdopen(os.dup(fd), "wb", buffering=_COPY) as stream:
            render(lo, hi, stream)
        status = 0  # only after every byte is flushed: exit 0 is the child's word that its half is complete
    finally:
        os._exit(status)


def _wait(pid: int) -> int:
    """The child's exit code once it has ended (-1 when it cannot be waited for)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return -1
    return os.waitstatus_to_exitcode(status)
