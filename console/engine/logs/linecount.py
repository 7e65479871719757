"""Line numbers for byte offsets of a mapped file, counted on the second core while the first one searches.

Finding an id's bytes runs at memory speed; the exact line number of each hit needs every LF before it counted,
which costs as much again. On a big file, a forked child counts the LFs of every block while the parent searches,
so a search costs about one pass instead of two. The child only slices and counts (no locks, no I/O but its pipe)
and leaves with ``os._exit``; the parent forks only when it runs no other thread (forking a threaded process can
deadlock the child), and counts by itself otherwise.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import threading

__all__ = ["BLOCK", "PARALLEL_MIN_BYTES", "LineCounter"]

BLOCK = 1 << 22
"""Bytes counted at a time: memory stays flat whatever the file's size."""
PARALLEL_MIN_BYTES = 64 << 20
"""Below this a fork costs more than it saves."""


_MARK = 1 << 63
"""Set in a block's word from the child when the block may start a directive line."""


def _tally(data: mmap.mmap, index: int, block: int) -> tuple[int, bool]:
    """(LFs in block ``index``, whether a ``\\n#`` ends in it — the byte before the block included, so a
    directive starting a block is seen; block 0 also when the file starts with ``#`` or a BOM)."""
    start = index * block
    chunk = data[max(start - 1, 0) : start + block]
    count = chunk.count(b"\n") - (1 if start and chunk[:1] == b"\n" else 0)
    # '#' is rare in a W3C log (browsers never send a URL's fragment) and a one-byte find is memchr: checking each
    # '#' for a LF before it is far cheaper than searching for the two bytes.
    marked = start == 0 and (chunk[:1] == b"#" or chunk[:4] == b"\xef\xbb\xbf#")
    at = chunk.find(b"#", 1)
    while at > 0 and not marked:
        marked = chunk[at - 1] == 0x0A
        at = chunk.find(b"#", at + 1)
    return count, marked


def can_fork() -> bool:
    """Whether this process may fork a counting child: POSIX, and no other thread running."""
    return hasattr(os, "fork") and threading.active_count() == 1


class LineCounter:
    """LFs before an offset of ``data``; with ``parallel``, a child counts blocks from the start meanwhile.

    When the parent asks for a line number beyond what the child has counted, it counts the upper half of the
    blocks still missing itself while the child counts the lower half: the two cores share the work."""

    def __init__(self, data: mmap.mmap, *, parallel: bool | None = None, block: int = BLOCK) -> None:
        self._data = data
        self._block = block
        self._counts: dict[int, int] = {}
        """Block index → LFs in it, from the child or the parent."""
        self._marked: set[int] = set()
        """Blocks that may hold the start of a directive line (``\\n#``): the only ones a walk back to the
        schema in force needs to search."""
        self._received = 0
        """Blocks the child has sent: it counts 0, 1, 2 … in order."""
        self._pending = b""
        self._pid = 0
        self._fd = -1
        if parallel is None:
            parallel = len(data) >= PARALLEL_MIN_BYTES and can_fork()
        if parallel:
            self._fork()

    def before(self, offset: int) -> int:
        """How many LFs precede ``offset`` (so the line there is number ``before(offset) + 1``)."""
        whole = offset // self._block
        if self._pid:
            self._receive(block=False)
        missing = [i for i in range(whole) if i not in self._counts]
        if missing and self._pid:
            mine = missing[len(missing) // 2 :]  # the upper half: the child reaches the lower half first
            for index in reversed(mine):
                self._store(index, *_tally(self._data, index, self._block))
            while self._pid and any(i not in self._counts for i in missing):
                self._receive(block=True)
            missing = [i for i in missing if i not in self._counts]  # the child failed: count the rest here
        for index in missing:
            self._store(index, *_tally(self._data, index, self._block))
        return sum(self._counts[i] for i in range(whole)) + self._count(whole * self._block, offset)

    def rfind_directive(self, end: int) -> int:
        """``data.rfind(b"\\n#", 0, end)``, skipping the blocks counted and known to hold no directive."""
        index = max(end - 1, 0) // self._block
        while index >= 0:
            if index in self._marked or index not in self._counts:
                hit = self._data.rfind(b"\n#", max(index * self._block - 1, 0), min(end, (index + 1) * self._block))
                if hit >= 0:
                    return hit
            index -= 1
        return -1

    def close(self) -> None:
        """Stop and reap the child, if it is still counting."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def __enter__(self) -> LineCounter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _store(self, index: int, count: int, marked: bool) -> None:
        self._counts[index] = count
        if marked:
            self._marked.add(index)

    def _count(self, start: int, end: int) -> int:
        return self._data[start:end].count(b"\n") if end > start else 0

    def _fork(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: count, send, leave without running the parent's exit handlers
            code = 0
            try:
                os.close(read_end)
                for index in range(-(-len(self._data) // self._block)):
                    count, marked = _tally(self._data, index, self._block)
                    word = count | (_MARK if marked else 0)
                    os.write(write_end, word.to_bytes(8, "little"))  # 8 bytes: atomic on a pipe
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd = pid, read_end

    def _receive(self, *, block: bool) -> None:
        """Take the counts the child has sent; ``block`` waits for at least one more (or the child's end)."""
        os.set_blocking(self._fd, block)
        try:
            chunk = os.read(self._fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:  # the child is done (or died): keep what it sent, count the rest here
            self._reap()
            return
        self._pending += chunk
        usable = len(self._pending) // 8 * 8
        for at in range(0, usable, 8):
            word = int.from_bytes(self._pending[at : at + 8], "little")
            if self._received not in self._counts:
                self._store(self._received, word & ~_MARK, bool(word & _MARK))
            self._received += 1
        self._pending = self._pending[usable:]

    def _reap(self) -> None:
        os.waitpid(self._pid, 0)
        self._pid = 0
        os.close(self._fd)
        self._fd = -1
