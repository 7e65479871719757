"""Read a profile by name or path: parse the TOML, validate it, build the Profile or say what is wrong."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

from console.config.build import build_profile
from console.config.discovery import DEFAULT_PROFILE, ProfileLocation, find_profile
from console.config.problems import Problem
from console.config.validate import validate
from console.errors import ProfileError
from console.model.profile import Profile

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


def check_text(text: str, file: str) -> list[Problem]:
    """Every problem in one profile's text; empty when it is valid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [_syntax_problem(file, text, exc)]
    return validate(data, file, text)


def _read(file: Traversable | Path, label: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{label}: no such profile file") from None
    except IsADirectoryError:
        raise ProfileError(f"{label}: is a directory, not a profile file") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{label}: is not UTF-8 text; profiles are TOML files") from None
    except OSError as exc:
        raise ProfileError(f"{label}: cannot be read ({exc.strerror or type(exc).__name__})") from None


def check_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in the profile file at ``path`` (what ``baton profiles validate`` prints)."""
    label = os.fspath(path)
    return check_text(_read(Path(label), label), label)


def load_text(text: str, file: str, *, base_dir: str | None = None) -> Profile:
    """The Profile in ``text``; ProfileError carrying every problem when it is invalid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems = [_syntax_problem(file, text, exc)]
    else:
        problems = validate(data, file, text)
        if not problems:
            return build_profile(data, source=file, base_dir=base_dir)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise ProfileError(
        f"{problems[0]}{more}; 'baton profiles validate {file}' lists every problem",
        problems=[str(p) for p in problems],
    )


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or os.sep in text or "/" in text or Path(text).is_file()


def load_profile(
    name_or_path: str | os.PathLike[str] | None = None,
    *,
    locations: Sequence[ProfileLocation] | None = None,
) -> Profile:
    """Load a profile by discovery name (default ``sandbox``) or by file path."""
    target = DEFAULT_PROFILE if name_or_path is None else os.fspath(name_or_path)
    if not target.strip():
        raise ProfileError("the profile name is empty; give a name from 'baton profiles list' or a path")
    if isinstance(name_or_path, os.PathLike) or _looks_like_path(target):
        path = Path(target).expanduser()
        text = _read(path, target)
        return load_text(text, target, base_dir=str(path.resolve().parent))
    entry = find_profile(target, locations)
    text = _read(entry.file, entry.path)
    base_dir = str(Path(entry.path).parent) if Path(entry.path).is_file() else None
    return load_text(text, entry.path, base_dir=base_dir)
