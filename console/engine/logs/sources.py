"""Log inputs as the user names them (a file, a folder, a glob, a .gz, a .zip), each checked before it is read."""

from __future__ import annotations

import fnmatch
import glob
import gzip
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
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
                archive = zipfile.ZipFile(self.path)
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
                return cast(BinaryIO, gzip.open(self.path, "rb"))
            return open(self.path, "rb")  # the caller closes it
        except (OSError, zipfile.BadZipFile, RuntimeError, KeyError) as exc:
            raise input_error(self.label, exc) from None

    def size(self) -> int:
        """Bytes on disk (for progress): the file's size; a zip member's compressed size."""
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    return archive.getinfo(self.member).compress_size
            return self.path.stat().st_size
        except (OSError, zipfile.BadZipFile, KeyError):
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


def input_error(label: str, exc: BaseException) -> LogInputError:
    """One line naming the input and what was wrong with it (Baton's words, not the library's)."""
    if isinstance(exc, PermissionError):
        return LogInputError("permission denied", where=label)
    if isinstance(exc, FileNotFoundError):
        return LogInputError("no such file", where=label)
    if isinstance(exc, IsADirectoryError):
        return LogInputError("is a folder, not a file", where=label)
    if isinstance(exc, zipfile.BadZipFile):
        return LogInputError("corrupt zip archive", where=label)
    if isinstance(exc, gzip.BadGzipFile):
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
    except (OSError, EOFError, zipfile.BadZipFile, RuntimeError) as exc:
        raise input_error(source.label, exc) from None
    except Exception as exc:  # zlib.error and friends: corrupt compressed data
        raise input_error(source.label, exc) from None
    if b"\0" in head and not head.removeprefix(b"\xef\xbb\xbf").startswith(b"#"):
        raise LogInputError("binary data, not a text log (NUL bytes in the first 8 KB)", where=source.label)


def _zip_members(path: Path, label: str, patterns: Sequence[str]) -> list[LogSource]:
    logs = [p for p in patterns if not p.endswith((".zip", ".gz"))]  # nested archives are not opened
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir() and _is_log(i.filename, logs)]
    except (OSError, zipfile.BadZipFile) as exc:
        raise input_error(label, exc) from None
    if not names:
        raise LogInputError("zip archive holds no log files", where=label)
    members = [LogSource(path, name, f"{label}!{name}", True) for name in sorted(names, key=_natural)]
    for member in members:
        _sniff_stream(member)
    return members


def _file(path: Path, label: str, patterns: Sequence[str]) -> list[LogSource]:
    """A file the user named (or a folder/glob found): read whatever its name, by what it is."""
    if not os.access(path, os.R_OK):
        raise LogInputError("permission denied", where=label)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_members(path, label, patterns)
    if suffix == ".gz":
        source = LogSource(path, None, label, True)
        _sniff_stream(source)
        return [source]
    _sniff_plain(path, label)
    return [LogSource(path, None, label, False)]


def _folder(path: Path, label: str, patterns: Sequence[str]) -> list[LogSource]:
    try:
        entries = [e for e in os.scandir(path) if e.is_file() and _is_log(e.name, patterns)]
    except OSError as exc:
        raise input_error(label, exc) from None
    if not entries:
        raise LogInputError(f"folder holds no log files ({' '.join(patterns)})", where=label)
    entries.sort(key=lambda e: (_natural(e.name), e.stat().st_mtime))
    found: list[LogSource] = []
    for entry in entries:
        found.extend(_file(Path(entry.path), os.path.join(label, entry.name), patterns))
    return found


def expand(paths: Sequence[str], pattern: str = DEFAULT_PATTERN) -> list[LogSource]:
    """Every log the user named, in order (a folder's logs oldest first, in natural name order), each checked.

    LogInputError, one line naming the path: missing file, folder with no logs, glob matching nothing, permission
    denied, binary data (NUL bytes in the first 8 KB of a plain file), a corrupt archive."""
    if not paths:
        raise LogInputError("no log file, folder or glob given")
    patterns = _patterns(pattern) or _patterns(DEFAULT_PATTERN)
    found: list[LogSource] = []
    for named in paths:
        path = Path(named)
        if path.is_dir():
            found.extend(_folder(path, named, patterns))
        elif path.exists():
            found.extend(_file(path, named, patterns))
        elif _GLOB_CHARS.search(named):
            matches = sorted(glob.glob(named), key=_natural)
            if not matches:
                raise LogInputError("no file matches this pattern", where=named)
            for match in matches:
                found.extend(
                    _folder(Path(match), match, patterns)
                    if os.path.isdir(match)
                    else _file(Path(match), match, patterns)
                )
        elif path.is_symlink():
            raise LogInputError("broken symbolic link", where=named)
        else:
            raise LogInputError("no such file or folder", where=named)
    unique: dict[tuple[str, str | None], LogSource] = {}
    for source in found:
        unique.setdefault((os.path.realpath(source.path), source.member), source)
    return list(unique.values())
