"""VerdictBar: the answer in one line: identity intact, or the hop where it broke, the finding and the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from widgets.pane import Pane
from widgets.text import Part, line, lines, safe

if TYPE_CHECKING:
    from console.model.trace import Verdict



def verdict_state(verdict: Verdict | None) -> str:
    """The CSS class for a verdict: -empty, -ok, -broken (a hop is named) or -unconfirmed."""
    if verdict is None:
        return "-empty"
    if verdict.ok:
        return "-ok"
    return "-broken" if verdict.broken_at is not None else "-unconfirmed"


def _summary(verdict: Verdict) -> str:
    # The engine's summary often already starts "broken at <hop>:"; the bar says that itself.
    prefix = f"broken at {verdict.broken_at}:" if verdict.broken_at else ""
    text = verdict.summary
    return text[len(prefix) :].strip() if prefix and text.lower().startswith(prefix) else text


def verdict_content(verdict: Verdict | None) -> Content:
    """The bar's text for a verdict."""
    if verdict is None:
        return Content.styled("No verdict yet: send a request.", "$text-muted")
    rows: list[Content] = []
    if verdict.ok:
        first: list[Part] = [("✓ identity reached IIS intact", "bold $text-success")]
        if verdict.summary:
            first += [" — ", safe(verdict.summary)]
    elif verdict.broken_at is not None:
        first = [("✗ broken at ", "bold $text-error"), safe(str(verdict.broken_at), "bold $text-error")]
        if verdict.finding:
            first += [": ", safe(verdict.finding, "bold")]
        first += [" — ", safe(_summary(verdict))]
    else:
        first = [("? unconfirmed", "bold $text-warning"), " — ", safe(verdict.summary)]
    rows.append(line(*first))
    if verdict.fix:
        rows.append(line(("fix: ", "bold $text-accent"), safe(verdict.fix)))
    if verdict.missing_evidence:
        rows.append(line(("missing evidence: ", "bold $text-warning"), safe(verdict.missing_evidence)))
    return lines(rows)


class VerdictBar(Pane):
    """The verdict of the current trace, with its fix and what evidence is missing."""

    HELP = """\
## Verdict
The answer for the current trace:

- **✓ identity reached IIS intact**: every hop carried the caller's identity.
- **✗ broken at HOP: CODE — summary**: the first hop where the identity was refused, lost or
  altered, the finding that explains it and, below, the one-line fix.
- **? unconfirmed**: IIS answered but no probe shows which identity it saw; *missing evidence*
  says what to configure so Baton can tell.
"""

    DEFAULT_CSS = """
    VerdictBar {
        height: auto;
        min-height: 3;
    }
    VerdictBar.-ok { border: round $success; }
    VerdictBar.-broken { border: round $error; }
    VerdictBar.-unconfirmed { border: round $warning; }
    VerdictBar > .verdict--text { height: auto; }
    """

    STATES = ("-empty", "-ok", "-broken", "-unconfirmed")
    verdict: reactive[Verdict | None] = reactive(None, always_update=True, init=False)
    """The verdict shown; None before the first trace finishes."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Verdict"
        self._text = Static(verdict_content(None), classes="verdict--text")

    def compose_body(self) -> ComposeResult:
        yield self._text

    def watch_verdict(self, verdict: Verdict | None) -> None:
        state = verdict_state(verdict)
        self.set_state(state)
        self._text.update(verdict_content(verdict))
