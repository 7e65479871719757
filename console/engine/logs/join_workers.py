"""Worker processes for the gateway side of a join: each reads a byte range of an access log.

A single-threaded caller forks them (linecount.can_fork): no interpreter start-up, no imports. Otherwise (a thread
runs, e.g. in the console) ``python -m console.engine.logs.join_workers OUTPUT`` takes a pickled range on stdin,
reports bytes read on stderr and leaves its result in OUTPUT: a fresh interpreter inherits none of the caller's
threads or locks. When no process can be started or one dies, the caller reads everything itself.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence

from console.engine.logs.join_gateway import PARALLEL_MIN_BYTES, GatewayScan, RangeResult, ranges, scan_range
from console.engine.logs.linecount import can_fork
from console.engine.logs.model import LogInputError
from console.engine.logs.sources import LogSource

__all__ = ["Scanner", "main"]


class _Worker:
    """One range read by ``python -m console.engine.logs.join_gateway`` (a fresh interpreter: nothing of the
    caller's threads or main module is inherited). It reports bytes read on stderr, its result in a file."""

    def __init__(self, task: tuple[object, ...], folder: str, index: int) -> None:
        self.output = os.path.join(folder, f"range{index}.pickle")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(  # noqa: S603 - our own module, run by this interpreter
            [sys.executable, "-m", "console.engine.logs.join_workers", self.output],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.done = 0
        self.errors: list[str] = []
        self.reader = threading.Thread(target=self._progress, daemon=True)
        self.reader.start()
        assert self.process.stdin is not None
        self.process.stdin.write(pickle.dumps(task))
        self.process.stdin.close()

    def _progress(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            text = line.decode("utf-8", "replace").strip()
            if text.isdigit():
                self.done = int(text)
            elif text:
                self.errors.append(text)

    def running(self) -> bool:
        """Whether the worker is still reading."""
        return self.process.poll() is None

    def kill(self) -> None:
        if self.running():
            self.process.kill()

    def result(self) -> RangeResult:
        """The range's result; LogInputError as the worker raised it; RuntimeError when the worker died."""
        code = self.process.wait()
        self.reader.join()
        return _load(self.output, code, self.errors)


class _Forked:
    """One range read by a forked child of this (single-threaded) process: its progress in a shared page."""

    def __init__(self, task: tuple[object, ...], folder: str, index: int) -> None:
        self.output = os.path.join(folder, f"range{index}.pickle")
        self.shared = mmap.mmap(-1, 8)
        self.code: int | None = None
        self.pid = os.fork()
        if self.pid == 0:  # the child: read, leave the result, and leave without running the parent's exit code
            status = 1
            try:
                _run(task, self.output, lambda n: self.shared.__setitem__(slice(0, 8), struct.pack("q", n)))
                status = 0
            finally:
                os._exit(status)

    @property
    def done(self) -> int:
        """Bytes the child has read so far."""
        return int(struct.unpack("q", self.shared[:8])[0])

    def running(self) -> bool:
        """Whether the child is still reading (reaps it when it has ended)."""
        if self.code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code is None

    def kill(self) -> None:
        if self.running():
            os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            self.code = os.waitstatus_to_exitcode(status)

    def result(self) -> RangeResult:
        """The range's result; LogInputError as the child raised it; RuntimeError when the child died."""
        if self.code is None:
            _, status = os.waitpid(self.pid, 0)
            self.code = os.waitstatus_to_exitcode(status)
        return _load(self.output, self.code, [])


def _load(output: str, code: int, errors: list[str]) -> RangeResult:
    if code != 0 or not os.path.exists(output):
        raise RuntimeError(f"gateway log worker failed (exit {code}): {' | '.join(errors[-3:])}")
    with open(output, "rb") as handle:
        result = pickle.load(handle)  # noqa: S301 - written by our own worker a moment ago
    if isinstance(result, LogInputError):
        raise result
    return result  # type: ignore[no-any-return]


def _run(task: tuple[object, ...], output: str, progress: Callable[[int], None]) -> None:
    """Read one range and leave its result (or the LogInputError it raised) in ``output``."""
    gc.disable()  # a million tuples, no cycles: generational passes would double the time
    try:
        source, begin, end, gateway_key, correlation_keys = task
        result: object = scan_range(source, begin, end, gateway_key, correlation_keys, progress)  # type: ignore[arg-type]
    except LogInputError as exc:
        result = exc
    with open(output, "wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)


def main() -> int:
    """Worker entry: a pickled (source, begin, end, gateway_key, correlation_keys) on stdin."""
    task = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - sent by the parent Baton process

    def progress(done: int) -> None:
        sys.stderr.write(f"{done}\n")
        sys.stderr.flush()

    _run(task, sys.argv[1], progress)
    return 0


SPLIT = 3
"""Ranges per worker: the workers take them from the front, and this process, once its own reading is done, from the
back (read here, a range's records need no marshalling either way), so no core waits for the slowest range."""


class Scanner:
    """Reads the gateway logs, in worker processes when they are large, while the caller does other work."""

    def __init__(
        self,
        sources: Sequence[LogSource],
        gateway_key: str | None,
        correlation_keys: tuple[str, ...],
        workers: int | None = None,
    ) -> None:
        self.sources = sources
        self.args = (gateway_key, correlation_keys)
        plain = sum(s.size() for s in sources if not s.compressed)
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if plain >= PARALLEL_MIN_BYTES else 0
        self.workers = workers
        parts = workers * SPLIT
        self.tasks = [(s, a, b, *self.args) for s in sources for a, b in ranges(s, parts)] if workers else []
        self.running: list[_Worker | _Forked] = []
        self.local: dict[int, RangeResult] = {}
        """Ranges this process read itself, by task index."""
        self.back = len(self.tasks)
        """Tasks from this index on are this process's."""
        self.local_done = 0
        self.fork = can_fork()
        self.failed = False
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        if self.tasks:
            self.folder = tempfile.TemporaryDirectory(prefix="baton-join-")
            self.poll()

    def poll(self) -> None:
        """Start the next ranges while fewer than ``workers`` are running (cheap; call it now and then)."""
        if self.folder is None or self.failed:
            return
        active = sum(1 for w in self.running if w.running())
        while active < self.workers and len(self.running) < self.back:
            index = len(self.running)
            try:
                kind = _Forked if self.fork else _Worker
                self.running.append(kind(self.tasks[index], self.folder.name, index))
            except OSError:  # no process to be had: this process reads the logs itself
                self.failed = True
                return
            active += 1

    def done_bytes(self) -> int:
        """Bytes the workers (and this process) have read so far (for progress)."""
        self.poll()
        return sum(w.done for w in self.running) + self.local_done

    def result(self, progress: Callable[[int], None] | None = None) -> GatewayScan:
        """Every gateway input read and merged: by the workers, or here when none were started or one failed."""
        if self.folder is not None:
            try:
                scan = self._collect(progress)
            except RuntimeError:
                scan = None  # a worker died (killed, out of memory): read everything here instead
            finally:
                for worker in self.running:
                    worker.kill()
                self.folder.cleanup()
            if scan is not None:
                return scan
        scan = GatewayScan()
        done = 0
        for source in self.sources:
            base = done

            def step(n: int, base: int = base) -> None:
                if progress is not None:
                    progress(base + n)

            scan.merge(*scan_range(source, 0, None, *self.args, step, packed=False))
            done += source.size()
        return scan

    def _collect(self, progress: Callable[[int], None] | None) -> GatewayScan | None:
        while not self.failed and self.back > len(self.running):  # ranges no worker has taken: read here, last first
            self.back -= 1
            source, begin, end, gateway_key, correlation_keys = self.tasks[self.back]
            before = self.local_done

            def step(n: int, before: int = before) -> None:
                self.local_done = before + n
                done = self.done_bytes()  # polls: a worker that finished its range takes the next one
                if progress is not None:
                    progress(done)

            self.local[self.back] = scan_range(source, begin, end, gateway_key, correlation_keys, step, packed=False)
        while not self.failed and any(w.running() for w in self.running):
            time.sleep(0.02)
            if progress is not None:
                progress(self.done_bytes())
        if self.failed:
            return None
        scan = GatewayScan()
        for index in range(len(self.tasks)):
            scan.merge(*(self.local[index] if index in self.local else self.running[index].result()))
        return scan


if __name__ == "__main__":
    sys.exit(main())
