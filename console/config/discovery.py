"""Where profiles live: the user config dir, then ./profiles, then the profiles shipped with Baton."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from console.config.parse import parse_profile, read_profile_text
from console.config.problems import did_you_mean, errors
from console.errors import ProfileError

DEFAULT_PROFILE = "sandbox"
"""The profile used when none is named: it starts the embedded sandbox."""


@dataclass(frozen=True, slots=True)
class ProfileLocation:
    """A directory searched for ``*.toml`` profiles."""

    origin: str
    """``user``, ``cwd`` or ``shipped``."""
    directory: Traversable


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    """One profile file found by discovery."""

    name: str
    """The file name without ``.toml``: what ``--profile NAME`` matches."""
    path: str
    origin: str
    description: str | None
    environment: str | None
    file: Traversable = field(repr=False, compare=False)
    """The file itself, for reading (works for shipped package data too)."""
    shadowed_by: str | None = None
    """The path of the earlier file with the same name that wins, when this one is hidden."""
    unreadable: str | None = None
    """Why the file could not be read, when it could not."""
    errors: tuple[str, ...] = ()
    """Every error validation finds (``file:line: key: message``); a profile with any is invalid."""

    @property
    def invalid(self) -> bool:
        """True when ``--profile`` with this entry would fail: unreadable or with validation errors."""
        return self.unreadable is not None or bool(self.errors)


def default_locations() -> list[ProfileLocation]:
    """The search path, first match wins; ./profiles is skipped when it is the shipped directory."""
    shipped = files("profiles")
    cwd = Path.cwd() / "profiles"
    locations = [ProfileLocation("user", Path(platformdirs.user_config_dir("baton")) / "profiles")]
    if not _same_dir(cwd, shipped):
        locations.append(ProfileLocation("cwd", cwd))
    locations.append(ProfileLocation("shipped", shipped))
    return locations


def _same_dir(path: Path, other: Traversable) -> bool:
    try:
        return path.resolve() == Path(str(other)).resolve()
    except OSError:
        return False


def _summary(file: Traversable, path: str) -> tuple[str | None, str | None, str | None, list[str]]:
    """(description, environment, why unreadable, errors): the file is read and validated in full."""
    try:
        text = read_profile_text(file, path)
    except ProfileError as exc:
        return None, None, exc.message.removeprefix(f"{path}: "), []
    data, problems = parse_profile(text, path)
    found = [str(p) for p in errors(problems)]
    if data is None:
        return None, None, None, found
    description = data.get("description")
    environment = data.get("environment", "sandbox" if "sandbox" in data else None)
    return (
        description if isinstance(description, str) else None,
        environment if isinstance(environment, str) else None,
        None,
        found,
    )


def _files_in(location: ProfileLocation) -> list[Traversable]:
    try:
        if not location.directory.is_dir():
            return []
        found = [f for f in location.directory.iterdir() if f.name.endswith(".toml") and f.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda f: f.name)


def discover_profiles(locations: Sequence[ProfileLocation] | None = None) -> list[ProfileEntry]:
    """Every profile file in search order; a later file with a taken name is marked ``shadowed_by``."""
    winners: dict[str, str] = {}
    entries: list[ProfileEntry] = []
    for location in default_locations() if locations is None else locations:
        for file in _files_in(location):
            name = file.name[: -len(".toml")]
            path = str(file)
            description, environment, unreadable, found = _summary(file, path)
            entries.append(
                ProfileEntry(
                    name=name,
                    path=path,
                    origin=location.origin,
                    description=description,
                    environment=environment,
                    file=file,
                    shadowed_by=winners.get(name),
                    unreadable=unreadable,
                    errors=tuple(found),
                )
            )
            winners.setdefault(name, path)
    return entries


def profile_names(locations: Sequence[ProfileLocation] | None = None) -> list[str]:
    """The names ``--profile NAME`` can select, in search order (for did-you-mean)."""
    return [e.name for e in discover_profiles(locations) if e.shadowed_by is None]


def find_profile(name: str, locations: Sequence[ProfileLocation] | None = None) -> ProfileEntry:
    """The entry that ``name`` selects; ProfileError with a did-you-mean when there is none."""
    searched = list(default_locations() if locations is None else locations)
    entries = discover_profiles(searched)
    for entry in entries:
        if entry.name == name and entry.shadowed_by is None:
            return entry
    guess = did_you_mean(name, {e.name for e in entries})
    where = ", ".join(str(loc.directory) for loc in searched)
    hint = f" (did you mean '{guess}'?)" if guess else ""
    raise ProfileError(
        f"no profile named '{name}'{hint}; looked in {where}; "
        "or pass a file path; 'baton profiles list' shows what exists"
    )
