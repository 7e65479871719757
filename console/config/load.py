"""Read a profile by name or path: parse the TOML, validate it, build the Profile or say what is wrong."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from console.config.build import build_profile
from console.config.discovery import DEFAULT_PROFILE, ProfileLocation, find_profile, profile_names
from console.config.parse import check_text, parse_profile, read_profile_text, stem_of
from console.config.problems import Problem, did_you_mean, errors
from console.errors import ProfileError
from console.model.profile import Profile


def check_file(path: str | os.PathLike[str], *, warnings: bool = False) -> list[Problem]:
    """Every error (and, with ``warnings``, warning) in the profile file at ``path``: what
    ``baton profiles validate`` prints."""
    label = os.fspath(path)
    return check_text(read_profile_text(Path(label), label), label, warnings=warnings)


def load_text(text: str, file: str, *, base_dir: str | None = None) -> Profile:
    """The Profile in ``text``; ProfileError carrying every problem when it is invalid."""
    data, problems = parse_profile(text, file)
    found = errors(problems)
    if data is not None and not found:
        notes = tuple(p.what() for p in problems if p.warning)  # "environment: warning: not set: …", key named
        return build_profile(data, source=file, base_dir=base_dir, stem=stem_of(file), warnings=notes)
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    raise ProfileError(
        f"{found[0]}{more}; 'baton profiles validate {file}' lists every problem",
        problems=[str(p) for p in found],
    )


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or os.sep in text or "/" in text or Path(text).is_file()


def _read_suggesting(path: Path, label: str, locations: Sequence[ProfileLocation] | None) -> str:
    """read_profile_text, with a did-you-mean among the profile names when a bare ``NAME.toml`` is missing."""
    try:
        return read_profile_text(path, label)
    except ProfileError as exc:
        stem = stem_of(label)
        if not exc.message.endswith("no such profile file") or stem is None or path.parent != Path():
            raise
        names = profile_names(locations)
        guess = stem if stem in names else did_you_mean(stem, names)
        if guess is None:
            raise
        raise ProfileError(f"{label}: no such profile file (did you mean '--profile {guess}'?)") from None


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
        text = _read_suggesting(path, target, locations)
        return load_text(text, target, base_dir=str(path.resolve().parent))
    entry = find_profile(target, locations)
    text = read_profile_text(entry.file, entry.path)
    base_dir = str(Path(entry.path).parent) if Path(entry.path).is_file() else None
    return load_text(text, entry.path, base_dir=base_dir)
