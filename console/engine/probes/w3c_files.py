"""Which IIS (or HTTPERR) log files a profile's location names now: the newest few, checked by the shared sources."""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from pathlib import Path

from console.engine.logs.sources import DEFAULT_PATTERN, LogSource, expand

MAX_FILES = 2
"""Newest files read per location (IIS rolls over daily: a request at midnight UTC may be in yesterday's file)."""


def newest_sources(location: str, base_dir: str | None = None) -> list[LogSource]:
    """The newest MAX_FILES files a location names (a file, a folder of u_ex*.log, a glob), newest first.

    Raises LogInputError naming the location when it names nothing readable (missing, a glob matching nothing …)."""
    given = Path(location).expanduser()
    if base_dir and not given.is_absolute():
        given = Path(base_dir) / given  # relative to the profile, as file: secret references are
    try:
        info = given.stat()
    except OSError:
        info = None
    if info is None or not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        return sorted(expand([str(given)]), key=_mtime, reverse=True)[:MAX_FILES]
    # Every trace looks, so what a file or folder names is kept: a file while it is the same file (its checks, as
    # binary data, were made when it was first named); a folder while no file is added, removed or renamed in it (its
    # own time is unchanged). Only a folder's newest logs are checked and read: a server keeps months of them.
    folder = stat.S_ISDIR(info.st_mode)
    key, stamp = str(given), (info.st_dev, info.st_ino, info.st_mtime_ns if folder else info.st_mode)
    kept = _LISTED.get(key)
    if kept is not None and kept[0] == stamp:
        return sorted(kept[1], key=_mtime, reverse=True)
    found = expand((_newest_in(given) if folder else []) or [key])  # a folder with none: its own error
    chosen = sorted(found, key=_mtime, reverse=True)[:MAX_FILES]
    if not folder or time.time() - info.st_mtime > 1.0:  # a change within the clock's tick could keep the time
        if len(_LISTED) >= 64:
            _LISTED.clear()
        _LISTED[key] = (stamp, chosen)
    return chosen


_LISTED: dict[str, tuple[tuple[int, int, int], list[LogSource]]] = {}
"""Per file or folder: its (device, inode, mode or a folder's modification time) and the logs chosen then."""


def _newest_in(folder: Path) -> list[str]:
    """The MAX_FILES newest log files of a folder (as ``expand`` names them), by modification time."""
    patterns = [p.strip().lower() for p in DEFAULT_PATTERN.split("|")]
    found: list[tuple[float, str]] = []
    try:
        for entry in os.scandir(folder):
            try:
                name = entry.name.lower()
                if entry.is_file() and any(fnmatch.fnmatchcase(name, p) for p in patterns):
                    found.append((entry.stat().st_mtime, os.path.join(str(folder), entry.name)))
            except OSError:
                continue  # the folder's own reading names it, if nothing else is found
    except OSError:
        return []
    return [label for _at, label in sorted(found, reverse=True)[:MAX_FILES]]


def _mtime(source: LogSource) -> tuple[float, str]:
    try:
        return source.path.stat().st_mtime, source.label
    except OSError:
        return 0.0, source.label
