"""Log inputs as the user names them (a file, a folder, a glob, a .gz, a .zip), each checked before it is read."""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO, cast

from console.engine.logs.model import LogInputError

__all__ = ["DEFAULT_PATTERN", "LogSource", "expand"]

DEFAULT_PATTERN = "u_ex*.log|ex*.log|*.log|*.gz|*.zip"
"""Which files of a folder (and members of a zip) are logs: ``|``-separated globs, matched case-insensitively."""
SNIFF = 8192
"""How much of a file is looked at for NUL bytes (UTF-16 and binaries have them). A file that starts with a W3C
directive is a log even so: a server that lost power leaves runs of NUL bytes in the log it was writing, and the
reader quarantines those lines ("NUL bytes in the line") rather than refusing the whole file."""
_GLOB_CHARS = re.compile(r"[*?\[]")
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class LogSource:
    """One log stream: a plain file, a gzip file, or one member of a zip archive."""

    path: Path
    member: str | None
    """The zip member's name, else None."""
    label: str
    """What the user sees: the path as named, ``logs.zip!W3SVC1/u_ex260101.log`` for a member."""
    compressed: bool
    """A .gz file or a zip member: not mmap-able, offsets are in the decompressed stream."""

    def open(self) -> BinaryIO:
        """The decompressed byte stream; LogInputError (naming the input) when it cannot be opened."""
        try:
            if self.member is not None:
                archive = _zipfile().ZipFile(self.path)
                try:
                    stream = archive.open(self.member)
                except BaseException:
                    archive.close()
                    raise
                # The member stream shares the archive's file; ZipFile reference-counts it, so closing the archive
                # object here keeps the file open until the member stream is closed.
                archive.close()
                return cast(BinaryIO, stream)
            if self.path.suffix.lower() == ".gz":
                return cast(BinaryIO, _gzip().open(self.path, "rb"))
            return open(self.path, "rb")  # the caller closes it
        except archive_errors(OSError, RuntimeError, KeyError) as exc:
            raise input_error(self.label, exc) from None

    def size(self) -> int:
        """Bytes on disk (for progress): the file's size; a zip member's compressed size."""
        try:
            if self.member is not None:
                with _zipfile().ZipFile(self.path) as archive:
                    size: int = archive.getinfo(self.member).compress_size
                    return size
            return self.path.stat().st_size
        except archive_errors(OSError, KeyError):
            return 0

    def disk_position(self, stream: BinaryIO, decompressed: int) -> int:
        """About how many bytes on disk ``stream`` has consumed after ``decompressed`` bytes (for progress)."""
        if not self.compressed:
            return decompressed
        inner = getattr(stream, "fileobj", None)  # GzipFile's underlying file
        if inner is not None:
            try:
                return int(inner.tell())
            except (OSError, ValueError):
                return 0
        return decompressed  # a zip member: the caller's progress is in decompressed bytes, near enough


def check_not_shrunk(source: LogSource, stream: BinaryIO, size_before: int = 0) -> None:
    """LogInputError when a plain file is now shorter than what was read of it (or than it was at the start): it was
    truncated or rotated in place (copytruncate) while being read, so what was counted is neither file."""
    if source.compressed:
        return
    try:
        now = os.fstat(stream.fileno()).st_size
        read = stream.tell()
    except (OSError, ValueError):
        return
    if now < max(read, size_before):
        raise LogInputError(
            f"shrank while being read (now {now:,} bytes, {max(read, size_before):,} seen): truncated or rotated in "
            "place (copytruncate?); the counts would be partial, so none are given: read it again",
            where=source.label,
        )


def _zipfile() -> ModuleType:
    """zipfile, imported when an archive is opened: its import (bz2, lzma, shutil…) would cost every search."""
    import zipfile

    return zipfile


def _gzip() -> ModuleType:
    import gzip

    return gzip


def archive_errors(*also: type[BaseException]) -> tuple[type[BaseException], ...]:
    """``also`` and the archive modules' own errors, for an ``except`` clause (evaluated when something was raised:
    only a module already imported can have raised its error)."""
    found: list[type[BaseException]] = list(also)
    if "zipfile" in sys.modules:
        found.append(sys.modules["zipfile"].BadZipFile)
    if "gzip" in sys.modules:
        found.append(sys.modules["gzip"].BadGzipFile)
    return tuple(found)


def input_error(label: str, exc: BaseException) -> LogInputError:
    """One line naming the input and what was wrong with it (Baton's words, not the library's)."""
    if isinstance(exc, PermissionError):
        return LogInputError("permission denied", where=label)
    if isinstance(exc, FileNotFoundError):
        return LogInputError("no such file", where=label)
    if isinstance(exc, IsADirectoryError):
        return LogInputError("is a folder, not a file", where=label)
    zipped, gzipped = sys.modules.get("zipfile"), sys.modules.get("gzip")
    if zipped is not None and isinstance(exc, zipped.BadZipFile):
        return LogInputError("corrupt zip archive", where=label)
    if gzipped is not None and isinstance(exc, gzipped.BadGzipFile):
        return LogInputError("corrupt gzip file (not gzip data)", where=label)
    if isinstance(exc, EOFError):
        return LogInputError("truncated compressed data (the archive ends early)", where=label)
    if isinstance(exc, RuntimeError):  # zipfile: an encrypted member
        return LogInputError("encrypted zip member: cannot be read without its password", where=label)
    if isinstance(exc, OSError) and exc.strerror:
        return LogInputError(f"cannot read: {exc.strerror.lower()}", where=label)
    return LogInputError("corrupt compressed data", where=label)


def _patterns(pattern: str) -> list[str]:
    return [p.strip().lower() for p in pattern.split("|") if p.strip()]


def _is_log(name: str, patterns: Sequence[str]) -> bool:
    base = name.rsplit("/", 1)[-1].lower()
    return bool(base) and any(fnmatch.fnmatchcase(base, p) for p in patterns)


def _natural(name: str) -> tuple[object, ...]:
    """httperr2.log before httperr10.log; u_ex260101 before u_ex260102."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name))


def _sniff_plain(path: Path, label: str) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF)
    except OSError as exc:
        raise input_error(label, exc) from None
    if b"\0" in head and not head.removeprefix(b"\xef\xbb\xbf").startswith(b"#"):
        raise LogInputError("binary data, not a text log (NUL bytes in the first 8 KB)", where=label)


def _sniff_stream(source: LogSource) -> None:
    try:
        with source.open() as stream:
            head = stream.read(SNIFF)
    except LogInputError:
        raise
    except archive_errors(OSError, EOFError, RuntimeError) as exc:
        raise input_error(source.label, exc) from None
    except Exception as exc:  # zlib.error and friends: corrupt compressed data
        raise input_error(source.label, exc) from None
    if b"\0" in head and not head.removeprefix(b"\xef\xbb\xbf").startswith(b"#"):
        raise LogInputError("binary data, not a text log (NUL bytes in the first 8 KB)", where=source.label)


Warn = Callable[[str], None]


def _quiet(_text: str) -> None:
    """The default ``warn``: callers that show no warnings (the console reads its own way) lose nothing they show."""


def _zip_members(path: Path, label: str, patterns: Sequence[str], warn: Warn) -> list[LogSource]:
    logs = [p for p in patterns if not p.endswith((".zip", ".gz"))]  # nested archives are not opened
    try:
        with _zipfile().ZipFile(path) as archive:
            files = [i.filename for i in archive.infolist() if not i.is_dir()]
    except archive_errors(OSError) as exc:
        raise input_error(label, exc) from None
    names = [name for name in files if _is_log(name, logs)]
    if not names:
        raise LogInputError("zip archive holds no log files", where=label)
    skipped = [name for name in files if name not in names]
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        warn(f"{label}: {len(skipped)} member{'s' if len(skipped) != 1 else ''} skipped (not logs): {shown}")
    members = [LogSource(path, name, f"{label}!{name}", True) for name in sorted(names, key=_natural)]
    for member in members:
        _sniff_stream(member)
    return members


def _file(path: Path, label: str, patterns: Sequence[str], warn: Warn) -> list[LogSource]:
    """A file the user named (or a folder/glob found): read whatever its name, by what it is."""
    if not os.access(path, os.R_OK):
        raise LogInputError("permission denied", where=label)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise input_error(label, exc) from None
    if not stat.S_ISREG(mode):
        # A pipe cannot be sniffed, mapped or read twice: it is copied once to a private file, read from there.
        from console.engine.logs.spool import spool  # tempfile and shutil only when a pipe is read

        return _file(spool(path, label, mode), label, patterns, warn)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_members(path, label, patterns, warn)
    if suffix == ".gz":
        source = LogSource(path, None, label, True)
        _sniff_stream(source)
        return [source]
    _sniff_plain(path, label)
    return [LogSource(path, None, label, False)]


def _looping(path: str) -> bool:
    """Whether ``path`` is a symbolic link that leads back to itself (ELOOP)."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _folder(path: Path, label: str, patterns: Sequence[str], warn: Warn) -> list[LogSource]:
    entries: list[tuple[tuple[object, ...], float, str, str]] = []
    try:
        for entry in os.scandir(path):
            name = os.path.join(label, entry.name)
            try:
                if entry.is_file() and _is_log(entry.name, patterns):
                    entries.append((_natural(entry.name), entry.stat().st_mtime, entry.path, name))
            except OSError as exc:  # one bad entry (a symlink loop) is named and skipped; the rest is read
                warn(f"{name}: skipped: {(exc.strerror or 'cannot read').lower()}")
    except OSError as exc:
        raise input_error(label, exc) from None
    if not entries:
        raise LogInputError(f"folder holds no log files ({' '.join(patterns)})", where=label)
    entries.sort()
    found: list[LogSource] = []
    for _, _, full, name in entries:
        found.extend(_file(Path(full), name, patterns, warn))
    return found


def expand(paths: Sequence[str], pattern: str = DEFAULT_PATTERN, warn: Warn | None = None) -> list[LogSource]:
    """Every log the user named, in order (a folder's logs oldest first, in natural name order), each checked.
    ``-`` is standard input; a pipe (``<(cmd)``, ``/dev/stdin``) is read once; a named FIFO is refused.

    LogInputError, one line naming the path: missing file, folder with no logs, glob matching nothing, permission
    denied, binary data (NUL bytes in the first 8 KB of a plain file), a corrupt archive, a symbolic link loop.
    ``warn`` gets one line per thing left out on the way (a looping entry of a folder, a zip's non-log members)."""
    if not paths:
        raise LogInputError("no log file, folder or glob given")
    say = warn or _quiet
    patterns = _patterns(pattern) or _patterns(DEFAULT_PATTERN)
    found: list[LogSource] = []
    for named in paths:
        path = Path("/dev/stdin" if named == "-" else named)
        if path.is_dir():
            found.extend(_folder(path, named, patterns, say))
        elif path.exists():
            found.extend(_file(path, named, patterns, say))
        elif _GLOB_CHARS.search(named):
            matches = sorted(glob.glob(named), key=_natural)
            if not matches:
                raise LogInputError("no file matches this pattern", where=named)
            for match in matches:
                if _looping(match):
                    say(f"{match}: skipped: too many levels of symbolic links (a link loop)")
                    continue
                found.extend(
                    _folder(Path(match), match, patterns, say)
                    if os.path.isdir(match)
                    else _file(Path(match), match, patterns, say)
                )
        elif _looping(named):
            raise LogInputError("symbolic link loop (too many levels of symbolic links)", where=named)
        elif path.is_symlink():
            raise LogInputError("broken symbolic link", where=named)
        else:
            raise LogInputError("no such file or folder", where=named)
    unique: dict[tuple[str, str | None], LogSource] = {}
    for source in found:
        unique.setdefault((os.path.realpath(source.path), source.member), source)
    return list(unique.values())
