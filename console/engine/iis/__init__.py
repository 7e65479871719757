"""IIS knowledge for the engine: the status/substatus catalogue and error-page readers (domain §4)."""

from __future__ import annotations

from console.engine.iis.status import MEANINGS, IisPage, meaning, page_lines, read_error_page

__all__ = ["MEANINGS", "IisPage", "meaning", "page_lines", "read_error_page"]
