"""A pipe given as a log (``-``, ``<(zcat …)``, ``/dev/stdin``): copied once to a private file, then read as one.

A pipe can be read only once and cannot be mapped, yet every engine sniffs an input before reading it, maps plain
files (search) and may read one twice (stats on two cores). Copying it in chunks to a temporary file keeps memory
flat and gives every engine the file it expects; the copy is removed when the process ends. A *named* FIFO is
refused instead: opening one waits for a writer that may never come (the command would hang for ever).
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path

from console.engine.logs.model import LogInputError

__all__ = ["spool"]

_CHUNK = 1 << 20
_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_made: list[str] = []


def _anonymous(path: Path) -> bool:
    """Whether ``path`` names a pipe this process was handed (stdin, ``/dev/fd/N``), not a FIFO on a filesystem."""
    text = str(path)
    if text in ("/dev/stdin", "-") or text.startswith(("/dev/fd/", "/proc/self/fd/")):
        return True
    return "pipe:[" in os.path.realpath(path)


def _cleanup() -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)


def spool(path: Path, label: str, mode: int) -> Path:
    """A private regular file holding everything the pipe ``path`` gives, named so its kind (``.gz``, ``.zip``,
    ``.log``) is seen. LogInputError for a named FIFO, a device, or a read that fails."""
    if not stat.S_ISFIFO(mode):
        if _anonymous(path):
            raise LogInputError(
                "standard input is not a pipe or a file: pipe a log in (zcat u_ex*.log.gz | …)", where=label
            )
        raise LogInputError("not a regular file (a device or socket): give a log file, a folder or a glob", where=label)
    if not _anonymous(path):
        raise LogInputError(
            "a named pipe (FIFO): Baton does not wait on one; pipe it in instead (cat FIFO | baton logs VERB -)",
            where=label,
        )
    folder = tempfile.mkdtemp(prefix="baton-pipe-")
    if not _made:
        atexit.register(_cleanup)
    _made.append(folder)
    part = Path(folder) / "input"
    try:
        with open(path, "rb") as pipe, open(part, "wb") as copy:
            head = pipe.read(_CHUNK)
            copy.write(head)
            while chunk := pipe.read(_CHUNK):
                copy.write(chunk)
    except OSError as exc:
        raise LogInputError(f"cannot read the pipe: {(exc.strerror or str(exc)).lower()}", where=label) from None
    suffix = ".gz" if head.startswith(_GZIP) else ".zip" if head.startswith(_ZIP) else ".log"
    final = part.with_name("input" + suffix)
    part.rename(final)
    return final
