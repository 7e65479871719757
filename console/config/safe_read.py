"""Read a small regular file without hanging on a FIFO or exhausting memory on /dev/zero."""

from __future__ import annotations

import os
import stat
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB


class FileReadError(Exception):
    """Why a file could not be read, as a short phrase ('is a FIFO, not a regular file')."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def size_text(limit: int) -> str:
    """1048576 → '1 MiB', 262144 → '256 KiB'."""
    if limit % MIB == 0:
        return f"{limit // MIB} MiB"
    if limit % KIB == 0:
        return f"{limit // KIB} KiB"
    return f"{limit} bytes"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((f"is {name}, not a regular file" for test, name in kinds if test(mode)), "is not a regular file")


def _check(mode: int, size: int, limit: int) -> None:
    if not stat.S_ISREG(mode):
        raise FileReadError(_kind(mode))
    if size > limit:
        raise FileReadError(f"is larger than {size_text(limit)} ({size} bytes)")


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    The type is checked with os.stat before opening (opening a FIFO blocks until a writer comes), then
    again on the open descriptor, and the read itself is bounded, so a file swapped or growing in between
    still cannot hang or flood memory.
    """
    try:
        info = os.stat(path)
        _check(info.st_mode, info.st_size, limit)
        # O_NONBLOCK: if a FIFO replaced the file after the stat, open returns instead of waiting.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileReadError("no such file") from None
    except PermissionError:
        raise FileReadError("permission denied") from None
    except OSError as exc:
        raise FileReadError(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        _check(info.st_mode, info.st_size, limit)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileReadError(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise FileReadError(f"is larger than {size_text(limit)}")
    return data
