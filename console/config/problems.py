"""One located problem (error or warning) in a profile file, and the did-you-mean that goes with it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where: ``file:line: key: message (did you mean 'x'?)``."""

    file: str
    line: int | None
    key: str
    """Dotted key (``identity.flow``), ``[table]`` for a table, or ``syntax``."""
    message: str
    suggestion: str | None = None
    """The did-you-mean, already quoted as the user would type it."""
    warning: bool = False
    """A warning does not stop the profile from loading (``name`` differs from the file, no ``environment``);
    an error does."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.what()}"

    def what(self) -> str:
        """``key: [warning: ]message (did you mean …?)``: the problem without its file and line."""
        text = f"{self.key}: {'warning: ' if self.warning else ''}{self.message}"
        if self.suggestion:
            text = f"{text} (did you mean {self.suggestion}?)"
        return text

    def sort_key(self) -> int:
        """File order (a stable sort keeps found order within a line); no line (missing keys) last."""
        return self.line if self.line is not None else 1 << 30


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to ``word`` (case-insensitive), or None when nothing is close."""
    options = list(choices)
    by_lower = {c.lower(): c for c in options}
    if word.lower() in by_lower and by_lower[word.lower()] != word:
        return by_lower[word.lower()]
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    if matches:
        return by_lower[matches[0]]
    prefixed = [c for c in by_lower if len(word) >= 3 and c.startswith(word.lower())]
    return by_lower[prefixed[0]] if len(prefixed) == 1 else None


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut short; never used for secret-bearing keys."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def type_name(value: object) -> str:
    """The TOML name of a parsed value's type, with its article: 'an integer', 'a table'."""
    names: list[tuple[type, str]] = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
    ]
    for kind, name in names:
        if isinstance(value, kind):
            return name
    return "a date/time"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a profile from loading."""
    return [p for p in problems if not p.warning]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that are only worth telling."""
    return [p for p in problems if p.warning]
