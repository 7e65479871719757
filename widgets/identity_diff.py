"""What changed in the caller's identity between two hops: added, changed, missing and renamed values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.model.trace import Identity


class Change(StrEnum):
    """How one value differs from the previous hop; each has a symbol so colour is never the only cue."""

    SAME = " "
    ADDED = "+"
    CHANGED = "~"
    MISSING = "−"
    RENAMED = "→"


CHANGE_WORD = {
    Change.SAME: "",
    Change.ADDED: "added",
    Change.CHANGED: "changed",
    Change.MISSING: "missing",
    Change.RENAMED: "renamed",
}
CHANGE_STYLE = {
    Change.SAME: "",
    Change.ADDED: "$text-success",
    Change.CHANGED: "$text-warning",
    Change.MISSING: "$text-error",
    Change.RENAMED: "$text-accent",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One value at this hop, or one the previous hop had and this one lacks."""

    name: str
    value: str | None
    change: Change
    before: str | None = None
    """The previous hop's value (changed, missing) or name (renamed)."""


def diff(current: Identity | None, previous: Identity | None) -> list[Row]:
    """The rows to show for ``current``, marked against ``previous`` (no marks when there is none)."""
    now = list(current.claims) if current else []
    if previous is None:
        return [Row(k, v, Change.SAME) for k, v in now]
    before = {k.lower(): (k, v) for k, v in previous.claims}
    present = {k.lower() for k, _ in now}
    gone = {low: kv for low, kv in before.items() if low not in present}
    rows: list[Row] = []
    for name, value in now:
        old = before.get(name.lower())
        if old is not None:
            rows.append(Row(name, value, Change.SAME if old[1] == value else Change.CHANGED, old[1]))
            continue
        # A value that reappears under a new name was carried across (claim → context key → header).
        source = next((low for low, (_, v) in gone.items() if v == value), None)
        if source is not None:
            rows.append(Row(name, value, Change.RENAMED, gone.pop(source)[0]))
        else:
            rows.append(Row(name, value, Change.ADDED))
    rows.extend(Row(k, None, Change.MISSING, v) for k, v in gone.values())
    return rows


def subject_change(current: Identity | None, previous: Identity | None) -> Change:
    """How the subject changed from the previous hop."""
    if previous is None:
        return Change.SAME
    was = previous.subject if previous else None
    now = current.subject if current else None
    if was == now:
        return Change.SAME
    if not now:
        return Change.MISSING
    return Change.ADDED if not was else Change.CHANGED
