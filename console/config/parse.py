"""Read one profile file safely and parse it: the TOML, then every located problem (errors and warnings)."""

from __future__ import annotations

import re
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from console.config.locate import Locator
from console.config.problems import Problem, errors
from console.config.safe_read import KIB, FileReadError, read_regular_file, size_text
from console.config.validate import validate
from console.errors import ProfileError

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _syntax_problem(file: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's message and position as a Problem (tomllib writes no file content into it)."""
    message = str(exc)
    match = _AT.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        return Problem(file, line, "syntax", f"{message[: match.start()]} (column {column})")
    if _AT_END.search(message):
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        return Problem(file, last, "syntax", f"{_AT_END.sub('', message)} (at end of file)")
    return Problem(file, None, "syntax", message)


MAX_PROFILE_BYTES = 256 * KIB
"""A profile is a few KiB; anything this large is not one (and must not cost seconds or gigabytes to refuse)."""
MAX_KEY_PARTS = 32
"""The format nests 3 deep; a longer dotted key is refused before tomllib, whose dotted-key parsing is quadratic."""


def stem_of(file: str) -> str | None:
    """``dir/rest-cognito.toml`` → ``rest-cognito``: the default name, and what ``--profile`` matches."""
    name = Path(file).name
    return name[: -len(".toml")] if name.endswith(".toml") and len(name) > len(".toml") else None


def parse_profile(text: str, file: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The parsed table (None on a syntax problem) and every problem, errors and warnings."""
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Windows editors write one)
    locator = Locator(text)
    parts, line = locator.deepest
    if parts > MAX_KEY_PARTS:
        return None, [
            Problem(
                file,
                line,
                "syntax",
                f"a key or table name {parts} levels deep; "
                f"profiles nest 3 deep (at most {MAX_KEY_PARTS} levels are read)",
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(file, text, exc)]
    except RecursionError:
        return None, [
            Problem(file, None, "syntax", "arrays or inline tables nested too deeply to read; profiles nest 3 deep")
        ]
    return data, validate(data, file, text, stem=stem_of(file), locator=locator)


def check_text(text: str, file: str, *, warnings: bool = False) -> list[Problem]:
    """Every error in one profile's text (and, with ``warnings``, every warning); empty when it is valid."""
    _data, problems = parse_profile(text, file)
    return problems if warnings else errors(problems)


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(f"{label}: is not UTF-8 text; profiles are TOML files") from None


def read_profile_text(file: Traversable | Path, label: str) -> str:
    """The text of a profile file: a regular file of at most MAX_PROFILE_BYTES (a FIFO would hang, /dev/zero
    would fill memory)."""
    too_big = f"is larger than {size_text(MAX_PROFILE_BYTES)}, too large for a profile"
    if isinstance(file, Path):
        try:
            return _decode(read_regular_file(file, MAX_PROFILE_BYTES), label)
        except FileReadError as exc:
            reason = "no such profile file" if exc.reason == "no such file" else exc.reason
            reason = too_big if reason.startswith("is larger than") else reason
            raise ProfileError(f"{label}: {reason}") from None
    try:  # package data inside a zip: no stat, but the read is still bounded
        with file.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"{label}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{label}: {too_big}")
    return _decode(data, label)
