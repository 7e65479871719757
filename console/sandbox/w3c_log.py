"""IIS W3C extended log and http.sys HTTPERR log writers, written as IIS 10 writes them (domain §4.2, §4.6)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

__all__ = ["HTTPERR_FIELDS", "W3C_FIELDS", "HttpErrLog", "W3cLog", "w3c_value"]

W3C_FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "cs(Referer) sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id X-User-Sub"
)
"""The default logExtFileFlags columns, then two custom fields (sourceType RequestHeader)."""

HTTPERR_FIELDS = "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename"


def w3c_value(value: str | None) -> str:
    """A W3C field: '-' when absent, spaces as '+' (as IIS writes User-Agent strings)."""
    if value is None or value == "":
        return "-"
    return value.replace(" ", "+").replace("\r", "").replace("\n", "")


class _DailyFile:
    """A UTC-daily rolling log file that writes its directive block when it is created."""

    def __init__(self, directory: Path, pattern: str, software: str, fields: str) -> None:
        self.directory = directory
        self.pattern = pattern
        self.software = software
        self.fields = fields
        self._day = ""
        self._file: TextIO | None = None
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, now: datetime) -> Path:
        """The file for ``now`` (UTC)."""
        return self.directory / now.strftime(self.pattern)

    def _open(self, now: datetime) -> TextIO:
        day = now.strftime("%Y%m%d")
        if self._file is None or day != self._day:
            if self._file is not None:
                self._file.close()
            path = self.path_for(now)
            fresh = not path.exists()
            # newline="\r\n": IIS writes CRLF line ends.
            self._file = path.open("a", encoding="utf-8", newline="\r\n")
            self._day = day
            if fresh:
                self._file.write(
                    f"#Software: {self.software}\n#Version: 1.0\n"
                    f"#Date: {now:%Y-%m-%d %H:%M:%S}\n#Fields: {self.fields}\n"
                )
                self._file.flush()
        return self._file

    def ensure(self) -> Path:
        """Create today's file with its directives (so `tail -f` works before the first request)."""
        now = datetime.now(UTC)
        with self._lock:
            self._open(now)
        return self.path_for(now)

    def write(self, fields: list[str], now: datetime) -> str:
        """Append one record; returns the line as written (without the line end)."""
        line = f"{now:%Y-%m-%d %H:%M:%S} " + " ".join(fields)
        with self._lock:
            handle = self._open(now)
            handle.write(line + "\n")
            handle.flush()
        return line

    def close(self) -> None:
        """Close the current file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class W3cLog(_DailyFile):
    """``W3SVC<siteId>/u_exYYMMDD_x.log``: UTF-8 (``u_``) daily file; ``_x`` because it has custom fields."""

    def __init__(self, directory: Path) -> None:
        # Domain §4.6: "Custom fields -> '_x' appended: u_ex250101_x.log"; the brief's u_exYYMMDD.log
        # predates that fact, so the file follows IIS.
        super().__init__(directory, "u_ex%y%m%d_x.log", "Microsoft Internet Information Services 10.0", W3C_FIELDS)


class HttpErrLog(_DailyFile):
    """``HTTPERR/httperr1.log``-style file where http.sys records what it refused before IIS saw it."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory, "httperr1.log", "Microsoft HTTP API 2.0", HTTPERR_FIELDS)
