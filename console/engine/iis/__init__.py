"""IIS knowledge for the engine: the status/substatus/win32 and HTTPERR catalogue and error-page readers (domain §4)."""

from __future__ import annotations

from console.engine.iis.catalogue import StatusMeaning, describe
from console.engine.iis.httperr import HttpErrReason, httperr_reason
from console.engine.iis.status import MEANINGS, IisPage, meaning, page_lines, read_error_page
from console.engine.iis.win32 import Win32Meaning, win32_meaning

__all__ = [
    "MEANINGS",
    "HttpErrReason",
    "IisPage",
    "StatusMeaning",
    "Win32Meaning",
    "describe",
    "httperr_reason",
    "meaning",
    "page_lines",
    "read_error_page",
    "win32_meaning",
]
