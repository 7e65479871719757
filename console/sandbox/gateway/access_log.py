"""The gateway's access-log file: one JSON line per request, UTC-daily files under ``<log dir>/apigateway/``.

Layout: ``<log dir>/apigateway/access_YYYYMMDD.log`` (UTC day of the request, like the IIS W3C log beside
it in ``W3SVC1/u_exYYMMDD_x.log``). Each line is ``access_line()`` of one request in ACCESS_LOG_FORMAT,
the way a CloudWatch export of the stage's access-log group holds it: no header, no directives.
"""

from __future__ import annotations

import calendar
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from console.sandbox.gateway.logs import access_line

__all__ = ["ACCESS_LOG_DIR", "AccessLog"]

ACCESS_LOG_DIR = "apigateway"
_DAY = 86_400


class AccessLog:
    """Appends access-log lines; written on the gateway's event loop, so no lock is needed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._fd = -1
        self._next_day = 0.0
        self.path = self._roll(time.time())

    def path_for(self, epoch: float) -> Path:
        """The file holding requests of ``epoch``'s UTC day."""
        return self.directory / time.strftime("access_%Y%m%d.log", time.gmtime(epoch))

    def _roll(self, epoch: float) -> Path:
        if self._fd >= 0:
            os.close(self._fd)
        path = self.path_for(epoch)
        # O_APPEND and one os.write per line: no Python buffer to flush, a line is whole on disk when the
        # client gets its response (join and tail can read it at once), and it costs one syscall.
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        day = time.gmtime(epoch)
        self._next_day = calendar.timegm((day.tm_year, day.tm_mon, day.tm_mday, 0, 0, 0)) + _DAY
        self.path = path
        return path

    def write(self, ctx: Mapping[str, Any]) -> None:
        """Append the line of one request (its context as ``access_line`` reads it)."""
        epoch = float(ctx.get("requestTimeEpoch") or time.time())
        if epoch >= self._next_day or self._fd < 0:
            self._roll(epoch)
        os.write(self._fd, (access_line(ctx) + "\n").encode())

    def close(self) -> None:
        """Close the current file (idempotent); a later write reopens it."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
