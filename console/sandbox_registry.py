"""Where a console's running sandbox can be found by other `baton` commands of the same user (`baton token`).

The sandbox makes fresh keys each run, so a token from another sandbox never verifies against the console's: the
copied curl's ``$TOKEN`` must come from the sandbox the console runs. The console records its sandbox's URLs (no
secrets: URLs and a scenario name) in a file only its user can read, and removes it when the sandbox stops; a
record whose console is gone is ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

PREFIX = "sandbox-"


def registry_dir() -> Path:
    """The per-user runtime folder (``$XDG_RUNTIME_DIR/baton``), else the user cache folder."""
    import platformdirs

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(platformdirs.user_runtime_dir("baton")) if runtime else Path(platformdirs.user_cache_dir("baton"))
    return base / "sandboxes"


@dataclass(frozen=True, slots=True)
class RunningSandbox:
    """One console's sandbox, as it recorded itself."""

    owner_pid: int
    scenario: str
    gateway: str
    idp: str
    started_at: float


def register(scenario: str, gateway: str, idp: str, *, folder: Path | None = None) -> Path | None:
    """Record this process's sandbox; the file written, or None when it cannot be (attaching is a convenience)."""
    folder = folder or registry_dir()
    record = {"owner_pid": os.getpid(), "scenario": scenario, "gateway": gateway, "idp": idp, "started_at": time.time()}
    path = folder / f"{PREFIX}{os.getpid()}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
    except OSError:
        return None
    return path


def unregister(path: Path | None) -> None:
    """Forget a record written by :func:`register` (missing already is fine)."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def running(scenario: str | None = None, *, folder: Path | None = None) -> list[RunningSandbox]:
    """Sandboxes whose console still runs, newest first (only ``scenario``'s when given)."""
    folder = folder or registry_dir()
    found: list[RunningSandbox] = []
    try:
        files = sorted(folder.glob(f"{PREFIX}*.json"), key=_mtime, reverse=True)
    except OSError:
        return []
    for file in files[:64]:  # newest first; a folder flooded with records is not worth more than a glance
        entry = _read(file)
        if entry is None or not _alive(entry.owner_pid):
            unregister(file)  # a console that died without stopping its sandbox left it behind
            continue
        if scenario is None or entry.scenario == scenario:
            found.append(entry)
    return sorted(found, key=lambda e: e.started_at, reverse=True)


def _mtime(file: Path) -> float:
    try:
        return file.stat().st_mtime
    except OSError:
        return 0.0


def _read(file: Path) -> RunningSandbox | None:
    try:
        if file.stat().st_size > 4096:
            return None
        doc = json.loads(file.read_text(encoding="utf-8"))
        return RunningSandbox(
            int(doc["owner_pid"]), str(doc["scenario"]), str(doc["gateway"]), str(doc["idp"]), float(doc["started_at"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
