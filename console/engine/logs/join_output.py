"""A join's rows in its output shapes: ``--json`` items (a million of them, fast) and CSV."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable
from itertools import islice
from typing import BinaryIO

import orjson

from console.engine.logs.gateway_access import clf_time
from console.engine.logs.join_lostid import confidence
from console.engine.logs.join_report import JoinRow

try:
    from console.engine.logs import _rows
except ImportError:  # built without a C compiler: orjson of row_dict a row (slower)
    _rows = None  # type: ignore[assignment]

__all__ = ["CSV_HEADER", "csv_cell", "csv_row", "json_rows", "json_rows_range", "one_row", "row_dict"]


CSV_HEADER = (
    "key",
    "verdict",
    "time",
    "method",
    "path",
    "gateway_caller",
    "iis_user",
    "gateway_status",
    "iis_status",
    "gateway_at",
    "iis_at",
    "confidence",
    "note",
)


def _iso(at: datetime.datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at is not None else None


_ISO_CAP = 1 << 17  # distinct logged times remembered (a day has 86,400 seconds)


class _Iso(dict[str | None, str | None]):
    """A logged time → its ISO text (remembered: a million rows share a few thousand seconds)."""

    def __init__(self, read: Callable[[str | None], datetime.datetime | None]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, logged: str | None) -> str | None:
        if len(self) >= _ISO_CAP:
            self.clear()
        iso = self[logged] = _iso(self.read(logged))
        return iso


def _iis_at(logged: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(logged or "").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


_gateway_iso = _Iso(clf_time)
_iis_iso = _Iso(_iis_at)


def row_dict(row: JoinRow) -> dict[str, object]:
    """One row for ``--json`` (values are data: whoever prints them to a terminal sanitises them)."""
    key, verdict, g, i, gateway_caller, iis_user, gateway_status, iis_status, note = row
    # Each side unpacked once: a million rows, and a field by name is a lookup each. The verdict goes in as it is: a
    # StrEnum is its value to orjson, json and str() alike, and ``.value`` is a property call a row.
    if g is not None and i is not None:  # the usual row (both hops logged it): one branch, one dict
        g_source, g_line, g_key, request_id, callers, _, integration_status, _, g_method, g_path, logged, g_dups = g
        i_source, i_line, i_key, _, _, _, _, _, _, i_dups, _, _, _ = i
        return {
            "key": key,
            "verdict": verdict,
            "time": _gateway_iso[logged],
            "method": g_method,
            "path": g_path,
            "gateway_caller": gateway_caller,
            "iis_user": iis_user,
            "gateway_status": gateway_status,
            "iis_status": iis_status,
            "gateway_at": f"{g_source}:{g_line}",
            "iis_at": f"{i_source}:{i_line}",
            "confidence": "certain" if i_key is not None and i_key == g_key else "possible",
            "note": note,
            "gateway_callers": list(callers),
            "request_id": request_id,
            "integration_status": integration_status,
            "iis_duplicates": i_dups,
            "gateway_duplicates": g_dups,
        }
    time: str | None = None
    method: str | None = None
    path: str | None = None
    if g is not None:
        g_source, g_line, _, request_id, callers, _, integration_status, _, method, path, logged, g_dups = g
        time = _gateway_iso[logged]
        gateway_at: str | None = f"{g_source}:{g_line}"
        gateway_callers = list(callers)
    else:
        request_id = integration_status = gateway_at = None
        g_dups, gateway_callers = 0, []
    if i is not None:
        i_source, i_line, _, _, _, _, i_method, i_path, _, i_dups, _, _, _ = i
        iis_at: str | None = f"{i_source}:{i_line}"
        if g is None:
            time, method, path = _iis_iso[i[8]], i_method, i_path
    else:
        iis_at, i_dups = None, 0
    return {
        "key": key,
        "verdict": verdict,
        "time": time,
        "method": method,
        "path": path,
        "gateway_caller": gateway_caller,
        "iis_user": iis_user,
        "gateway_status": gateway_status,
        "iis_status": iis_status,
        "gateway_at": gateway_at,
        "iis_at": iis_at,
        "confidence": confidence(row),  # one side only here
        "note": note,
        "gateway_callers": gateway_callers,
        "request_id": request_id,
        "integration_status": integration_status,
        "iis_duplicates": i_dups,
        "gateway_duplicates": g_dups,
    }


def json_rows(rows: Iterable[JoinRow], out: BinaryIO, first: bool = True) -> None:
    """``row_dict`` of every row as JSON array items (``\n  {…}``, comma-separated), UTF-8, to a binary stream: what
    orjson writes of each row's dict, or json where orjson refuses a value.

    A batch at a time: written by _rows.c where it was built; a batch it does not vouch for (a lone surrogate from a
    ``\\ud800`` escape in a gateway log, an integer beyond 64 bits, a value of a type JoinRow does not declare), and
    every batch where it is not built, the reference way: orjson of row_dict a row, and where orjson refuses, the batch
    again a row at a time, json writing the rows orjson refuses (see :func:`one_row`)."""
    if isinstance(rows, list):
        json_rows_range(rows, 0, len(rows), out, first)
        return
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        json_rows_range(batch, 0, len(batch), out, first)
        first = False


def json_rows_range(rows: list[JoinRow], lo: int, hi: int, out: BinaryIO, first: bool = True) -> None:
    """:func:`json_rows` of ``rows[lo:hi]``, a batch at a time. Where _rows.c serves, no reference to a row is taken
    (a forked writer then copies none of the rows' pages); other batches are sliced and written the reference way."""
    for start in range(lo, hi, _BATCH):
        end = min(start + _BATCH, hi)
        rendered = _compiled(rows, start, end)
        if rendered is None:
            rendered = _SEPARATOR + _reference(rows[start:end])
        out.write(memoryview(rendered)[1:] if first else rendered)
        first = False


def _compiled(rows: list[JoinRow], lo: int = 0, hi: int = -1) -> bytes | None:
    """``rows[lo:hi]`` written by _rows.c where it was built; None when it is not, or they hold a value it does not
    vouch for (rendered the other ways then)."""
    if _rows is None:
        return None
    try:
        return _rows.render(rows, _gateway_iso, _one_sided, lo, hi)
    except TypeError:  # orjson refusing a one-sided row: the reference way decides
        return None


def _one_sided(row: JoinRow) -> bytes:
    return _dumps(row_dict(row))


def _reference(batch: list[JoinRow]) -> bytes:
    try:
        return _SEPARATOR.join(map(_dumps, map(row_dict, batch)))
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _SEPARATOR.join(one_row(row).encode() for row in batch)


_BATCH = 1024
"""Rows per write: ~600 KB (the memory is reused batch to batch)."""
_SEPARATOR = b",\n  "
_dumps = functools.partial(orjson.dumps, default=str)


def one_row(row: JoinRow) -> str:
    """A row's JSON text as json_rows writes it: orjson's, or json's when orjson refuses a value."""
    data = row_dict(row)
    try:
        return orjson.dumps(data, default=str).decode()
    except TypeError:
        return json.dumps(data, default=str)


def csv_row(row: JoinRow) -> list[str]:
    """One row for CSV, in CSV_HEADER order (empty for absent; the CLI's csv.writer does the quoting)."""
    values = row_dict(row)
    return [csv_cell(values[name]) for name in CSV_HEADER]


def csv_cell(value: object) -> str:
    """A value as a CSV cell; one a spreadsheet could run as a formula gets a leading quote (CSV injection, OWASP:
    ``= + - @``, tab, CR first). ``=+@`` are guarded again by the writer; ``-`` alone (IIS's empty) is data."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in ("\t", "\r") or (text[:1] == "-" and len(text) > 1 and not _number(text)):
        return "'" + text
    return text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
