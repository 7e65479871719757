"""An id's hits in a mapped file with their line numbers, found and counted on two cores.

Finding an id's bytes runs at memory speed; the exact line number of a hit needs every LF before it counted, which
costs as much again. On a big file the work is cut in two at a block boundary (``half``): a forked child finds the
hits in the upper part and, for each, counts the LFs of its blocks up to it, while the parent finds the hits in the
lower part and counts its own blocks only when a hit needs them. A hit in the upper part announces itself before its
blocks are counted, so the parent counts the lower blocks while the child counts the upper ones: a search costs
about half a find and half a count instead of one of each. Blocks are also marked when a directive line may start
in them (``\\n#``), so the walk back to the schema in force skips the rest.

The child only reads the map and writes its pipe, and leaves with ``os._exit``; the parent forks only when it runs
no other thread (forking a threaded process can deadlock the child). A child that fails is never trusted for what it
did not send: the parent finds and counts the rest itself, so a line number is never wrong.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
from collections import deque
from collections.abc import Callable

_compiled: Callable[[mmap.mmap | bytes, int, int], int] | None
_compiled_tally: Callable[[mmap.mmap | bytes, int, int], tuple[int, int]] | None
try:  # built by setup.py where a C compiler is found: memory speed, where bytes.count reaches a quarter of it
    from console.engine.logs._lf import count as _compiled
    from console.engine.logs._lf import tally as _compiled_tally
except ImportError:  # pragma: no cover - a machine without a compiler
    _compiled = _compiled_tally = None

__all__ = ["BLOCK", "PARALLEL_MIN_BYTES", "LineCounter", "can_fork"]

BLOCK = 1 << 22
"""Bytes counted at a time: memory stays flat whatever the file's size."""
PARALLEL_MIN_BYTES = 64 << 20
"""Below this a fork costs more than it saves."""

_MARK = 1 << 63
"""In a block's word: the block may start a directive line."""
_HIT = 1 << 62
"""A word that is a hit's offset."""
_END = 1 << 61
"""The child's last word: it found every hit of its part."""


def _tally(data: mmap.mmap, index: int, block: int) -> tuple[int, bool]:
    """(LFs in block ``index``, whether a ``\\n#`` ends in it — the byte before the block included, so a
    directive starting a block is seen; block 0 also when the file starts with ``#`` or a BOM)."""
    start = index * block
    end = min(start + block, len(data))
    first = start == 0 and (data[:1] == b"#" or data[:4] == b"\xef\xbb\xbf#")
    if _compiled_tally is not None:
        count, marks = _compiled_tally(data, start, end)
        return count, first or marks > 0
    count = data[start:end].count(b"\n")
    # '#' is rare in a W3C log (browsers never send a URL's fragment) and a one-byte find is memchr: checking each
    # '#' for a LF before it is far cheaper than searching for the two bytes.
    marked = first
    at = data.find(b"#", max(start, 1), end)
    while at > 0 and not marked:
        marked = data[at - 1] == 0x0A
        at = data.find(b"#", at + 1, end)
    return count, marked


def count_lf(data: mmap.mmap | bytes, start: int, end: int) -> int:
    """LFs in ``data[start:end]``: the compiled counter (memory speed) when it was built, else bytes.count."""
    if _compiled is not None:
        return _compiled(data, start, end)
    return data[start:end].count(b"\n")


def can_fork() -> bool:
    """Whether this process may fork a worker: POSIX, and no other thread running (a process that never imported
    ``threading`` started none; not importing it here keeps the search's start-up short)."""
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


class LineCounter:
    """The hits of ``needle`` in ``data`` (``next_hit``) and the LFs before an offset (``before``); with
    ``parallel`` (default: a big file and a process that may fork) the upper part is a child's."""

    def __init__(
        self, data: mmap.mmap, needle: bytes, *, parallel: bool | None = None, block: int | None = None
    ) -> None:
        self._data = data
        self._needle = needle
        self._block = block or BLOCK
        self._counts: dict[int, int] = {}
        """Block index → LFs in it, from the child or the parent."""
        self._marked: set[int] = set()
        """Blocks that may hold the start of a directive line: the only ones a walk back needs to search."""
        self._hits: deque[int] = deque()
        """Hits the child found that the parent has not taken yet."""
        self._next_block = 0
        """The next block the child sends: it counts its part's blocks in order."""
        self._pending = b""
        self._ended = False
        self._last = (0, 0)
        """The last offset asked about and the LFs before it."""
        self._pid = 0
        self._fd = -1
        if parallel is None:
            parallel = len(data) >= PARALLEL_MIN_BYTES and can_fork()
        blocks = -(-len(data) // self._block)
        self.half = len(data)
        """Where the child's part starts (a block boundary); the file's size when there is no child."""
        if parallel and blocks >= 2:
            self.half = blocks // 2 * self._block
            self._next_block = blocks // 2
            self._fork()

    def next_hit(self, pos: int) -> int:
        """The first offset at or after ``pos`` where the needle starts, or -1."""
        data, needle, half = self._data, self._needle, self.half
        if pos < half:
            hit = data.find(needle, pos, half + len(needle) - 1)  # a needle across the cut is the lower part's
            if hit >= 0:
                return hit
            pos = half
        while self._pid or self._hits:
            while self._hits and self._hits[0] < pos:
                self._hits.popleft()
            if self._hits:
                return self._hits.popleft()
            if self._ended:
                return -1
            if self._pid:
                self._receive()
        if self._ended:
            return -1
        return data.find(needle, pos)  # no child, or it died: find the rest here

    def before(self, offset: int) -> int:
        """How many LFs precede ``offset`` (so the line there is number ``before(offset) + 1``)."""
        at, known = self._last
        if at <= offset < at + self._block:  # near the last answer (hits close together): count the gap only
            known += count_lf(self._data, at, offset)
        else:
            known = self._blocks_before(offset)
        self._last = (offset, known)
        return known

    def _blocks_before(self, offset: int) -> int:
        whole = offset // self._block
        first_child = self.half // self._block
        for index in range(min(whole, first_child)):
            if index not in self._counts:
                self._store(index, *_tally(self._data, index, self._block))
        while self._pid and any(i not in self._counts for i in range(first_child, whole)):
            self._receive()
        for index in range(first_child, whole):  # the child died before sending these: count them here
            if index not in self._counts:
                self._store(index, *_tally(self._data, index, self._block))
        return sum(self._counts[i] for i in range(whole)) + count_lf(self._data, whole * self._block, offset)

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

    def directive_between(self, lo: int, hi: int) -> bool:
        """``data.find(b"\\n#", lo, hi) >= 0``, skipping the blocks counted and known to hold no directive."""
        b = self._block
        for index in range((lo + 1) // b, max(hi - 1, 0) // b + 1):
            first, last = max(index * b, lo + 1), min((index + 1) * b, hi - 1)  # where the '#' may be
            if first >= last:
                continue
            whole = first == index * b and last == (index + 1) * b
            if whole and index in self._counts and index not in self._marked:
                continue
            if self._data.find(b"\n#", first - 1, last + 1) >= 0:
                return True
        return False

    def close(self) -> None:
        """Stop and reap the child, if it is still working."""
        if self._pid:
            import signal  # only now: its import costs the search's start-up a millisecond

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

    def _fork(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: find, count, send; leave without running the parent's exit handlers
            code = 1
            try:
                os.close(read_end)
                self._child(write_end)
                code = 0
            except BaseException:  # any failure: the parent does the rest
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd = pid, read_end

    def _child(self, out: int) -> None:
        data, needle, block = self._data, self._needle, self._block
        index, pos = self._next_block, self.half
        while (hit := data.find(needle, pos)) >= 0:
            os.write(out, (_HIT | hit).to_bytes(8, "little"))  # first, so the parent counts its part meanwhile
            words = bytearray()
            while index < hit // block:
                count, marked = _tally(data, index, block)
                words += (count | (_MARK if marked else 0)).to_bytes(8, "little")
                index += 1
            if words:
                os.write(out, bytes(words))
            end = data.find(b"\n", hit)
            if end < 0:
                break
            pos = end + 1
        os.write(out, _END.to_bytes(8, "little"))

    def _receive(self) -> None:
        """Wait for the child's next words (or its end) and take them."""
        chunk = os.read(self._fd, 1 << 16)
        if not chunk:  # the child is gone: keep what it sent; without its END word, the rest is found here
            self._reap()
            return
        self._pending += chunk
        usable = len(self._pending) // 8 * 8
        for at in range(0, usable, 8):
            word = int.from_bytes(self._pending[at : at + 8], "little")
            if word & _END:
                self._ended = True
            elif word & _HIT:
                self._hits.append(word & ~_HIT)
            else:
                self._store(self._next_block, word & ~_MARK, bool(word & _MARK))
                self._next_block += 1
        self._pending = self._pending[usable:]

    def _reap(self) -> None:
        os.waitpid(self._pid, 0)
        self._pid = 0
        os.close(self._fd)
        self._fd = -1
