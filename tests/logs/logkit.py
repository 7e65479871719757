"""Write IIS W3C, HTTPERR and Advanced Logging logs for tests, byte for byte as chosen (any helper may import it).

Usage::

    from logkit import Block, DEFAULT_FIELDS, row, write_w3c
    rows = [row(DEFAULT_FIELDS, {"cs-username": r"CONTOSO\\alice", "sc-status": "401", "X-Correlation-Id": "c-1"})]
    write_w3c(tmp_path / "u_ex260517.log", [Block(DEFAULT_FIELDS + ("X-Correlation-Id",), rows)])

Values in ``Block.rows`` are written exactly as given (raw: ``-``, ``+``, quotes); ``w3c_value`` and
``advanced_value`` encode plain text the way IIS and Advanced Logging write it. A path ending ``.gz`` is gzipped; one
ending ``.zip`` becomes an archive holding the log as ``member``.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ADVANCED_SOFTWARE",
    "DEFAULT_FIELDS",
    "HTTPERR_FIELDS",
    "HTTPERR_SOFTWARE",
    "IIS_SOFTWARE",
    "Block",
    "advanced_value",
    "render",
    "row",
    "w3c_value",
    "write_w3c",
]

IIS_SOFTWARE = "Microsoft Internet Information Services 10.0"
HTTPERR_SOFTWARE = "Microsoft HTTP API 2.0"
ADVANCED_SOFTWARE = "IIS Advanced Logging Module"
DEFAULT_FIELDS: tuple[str, ...] = (
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "cs(Referer)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
)
"""IIS 10's default ``logExtFileFlags``, in the order http.sys writes them."""
HTTPERR_FIELDS: tuple[str, ...] = (
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "streamid",
    "sc-status",
    "s-siteid",
    "s-reason",
    "s-queuename",
)
_DEFAULTS = {
    "date": "2026-05-17",
    "time": "10:00:00",
    "s-ip": "10.0.0.5",
    "cs-method": "GET",
    "cs-uri-stem": "/",
    "s-port": "443",
    "c-ip": "203.0.113.8",
    "cs(user-agent)": "Mozilla/5.0",
    "sc-status": "200",
    "sc-substatus": "0",
    "sc-win32-status": "0",
    "time-taken": "1",
    "c-port": "50000",
    "cs-version": "HTTP/1.1",
    "cs-uri": "/",
    "s-reason": "Hostname",
}


@dataclass(frozen=True)
class Block:
    """One header block and the data lines after it."""

    fields: Sequence[str]
    rows: Sequence[Sequence[str]] = ()
    """Raw values, one sequence per data line, written joined by single spaces."""
    software: str | None = IIS_SOFTWARE
    date: str | None = "2026-05-17 10:00:00"
    """Written as ``#Date:`` (``#Start-Date:`` when software is Advanced Logging); None: no date directive."""
    version: str | None = "1.0"
    directives: Sequence[str] = field(default_factory=tuple)
    """More directive lines written after ``#Fields`` (e.g. ``"#Remark: restarted"``)."""
    header: bool = True
    """False: no directives at all (the rows continue the block before, or come before any #Fields)."""


def w3c_value(value: str) -> str:
    """Plain text as IIS writes it: empty → ``-``, spaces → ``+``."""
    return value.replace(" ", "+") if value else "-"


def advanced_value(value: str) -> str:
    """Plain text as Advanced Logging writes it: empty → ``-``; quoted (``"`` doubled) when it holds a space or a
    quote or is ``-`` itself."""
    if not value:
        return "-"
    if " " in value or '"' in value or value == "-":
        return '"' + value.replace('"', '""') + '"'
    return value


def row(fields: Sequence[str], values: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Raw values for ``fields``: ``values`` by field name (case-insensitive) else a plausible default, else ``-``."""
    given = {k.lower(): v for k, v in (values or {}).items()}
    return tuple(given.get(f.lower(), _DEFAULTS.get(f.lower(), "-")) for f in fields)


def _block_lines(block: Block) -> list[str]:
    lines: list[str] = []
    if block.header:
        if block.software is not None:
            lines.append(f"#Software: {block.software}")
        if block.version is not None:
            lines.append(f"#Version: {block.version}")
        if block.date is not None:
            advanced = block.software is not None and "Advanced Logging" in block.software
            lines.append(f"#{'Start-Date' if advanced else 'Date'}: {block.date}")
        lines.append("#Fields: " + " ".join(block.fields))
        lines.extend(block.directives)
    lines.extend(" ".join(values) for values in block.rows)
    return lines


def render(
    blocks: Sequence[Block], line_end: str = "\r\n", final_line_end: bool = True, encoding: str = "utf-8"
) -> bytes:
    """The log's bytes (http.sys writes CRLF; ``final_line_end=False`` leaves the last line unfinished)."""
    lines = [line for block in blocks for line in _block_lines(block)]
    text = line_end.join(lines) + (line_end if final_line_end and lines else "")
    return text.encode(encoding, "surrogateescape")


def write_w3c(
    path: Path,
    blocks: Sequence[Block],
    line_end: str = "\r\n",
    final_line_end: bool = True,
    encoding: str = "utf-8",
    member: str = "u_ex260517.log",
) -> Path:
    """Write the log to ``path`` (gzipped for ``.gz``; a zip holding ``member`` for ``.zip``); returns ``path``."""
    data = render(blocks, line_end, final_line_end, encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, data)
    else:
        path.write_bytes(data)
    return path
