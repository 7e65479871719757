"""DriftView: renders one DriftOutcome (progress, the drift, or a failure) as plain Text; it keeps no other state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.aws.drift_model import Difference, Drift, DriftOutcome
from console.sanitize import inert


def _line(text: Text, value: str, style: str = "") -> None:
    text.append(inert(value), style=style)  # AWS and profile strings: inert, never markup
    text.append("\n")


def _difference(text: Text, item: Difference, drift: Drift) -> None:
    a, b = drift.a.name, drift.b.name
    width = max(len(a), len(b))
    _line(text, f"{item.kind.value}: {item.subject}", "bold")
    _line(text, f"  {a:<{width}}  {item.a}")
    _line(text, f"  {b:<{width}}  {item.b}")
    _line(text, f"  → {item.consequence}")
    if item.likely_wrong:
        _line(text, f"  likely wrong: {item.likely_wrong} — {item.why}", "bold yellow")


def render_outcome(outcome: DriftOutcome | None) -> Text:
    """The outcome as lines of plain Text: a heading per side, identity differences, informational ones, notes."""
    text = Text()
    if outcome is None:
        return text
    if outcome.error is not None:
        _line(text, "The comparison could not run:", "bold red")
        _line(text, outcome.error)
        _line(text, "The console keeps running; esc closes this screen.")
        return text
    drift = outcome.drift
    if drift is None:
        _line(text, outcome.progress or "Starting…")
        return text
    for side in (drift.a, drift.b):
        stale = "" if side.serves_latest else " (not the latest deployment)"
        _line(text, f"{side.name}: {side.kind.upper()} API {side.api_id} ({side.region}), stage {side.stage}{stale}")
        _line(text, f"  {side.request} hits {side.hit}")
    identity, info = drift.identity, drift.informational
    text.append("\n")
    if identity:
        _line(text, f"{len(identity)} difference(s) change who reaches IIS", "bold red")
    else:
        _line(text, "No difference changes who reaches IIS", "bold green")
    for item in identity:
        _difference(text, item, drift)
    if info:
        text.append("\n")
        _line(text, f"Informational ({len(info)})", "bold")
        for item in info:
            _difference(text, item, drift)
    if drift.notes:
        text.append("\n")
        for note in drift.notes:
            _line(text, f"note: {note}", "dim")
    return text


class DriftView(Static):
    """The drift screen's body: set ``outcome`` and it redraws; nothing reads it back."""

    outcome: reactive[DriftOutcome | None] = reactive(None, init=False, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def watch_outcome(self, outcome: DriftOutcome | None) -> None:
        self.update(render_outcome(outcome))
