"""VerdictBar: the answer in one line: identity intact, or the hop where it broke, the finding and the fix."""

from __future__ import annotations

from time import gmtime, strftime
from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive

from console.model.enums import VerdictKind
from console.sanitize import inert
from widgets.pane import ScrollPane
from widgets.text import Part, line, lines, safe

if TYPE_CHECKING:
    from console.model.trace import Verdict
    from console.model.views import VerdictView


_STATE = {
    VerdictKind.PENDING: "-pending",
    VerdictKind.OK: "-ok",
    VerdictKind.BROKEN: "-broken",
    VerdictKind.UNCONFIRMED: "-unconfirmed",
    VerdictKind.ERROR: "-broken",
    VerdictKind.CANCELLED: "-cancelled",
}


def verdict_state(view: VerdictView | None) -> str:
    """The CSS class for a verdict: -empty, -pending, -ok, -broken (a hop, or the trace, failed), -unconfirmed or
    -cancelled."""
    return "-empty" if view is None else _STATE[view.kind]


def _summary(verdict: Verdict) -> str:
    # The engine's summary often already starts "broken at <hop>:"; the bar says that itself.
    prefix = f"broken at {verdict.broken_at}:" if verdict.broken_at else ""
    text = verdict.summary
    return text[len(prefix) :].strip() if prefix and text.lower().startswith(prefix) else text


def view_content(view: VerdictView | None) -> Content:
    """The bar's text for the current trace, whatever its state: one state, never a mix of two traces."""
    if view is None:
        return Content.styled("No verdict yet: send a request (ctrl+r).", "$text-muted")
    if view.kind is VerdictKind.PENDING:
        return Content.styled("… tracing: every hop is pending until the trace answers (esc cancels)", "$text-muted")
    if view.kind is VerdictKind.CANCELLED:
        return line(
            ("– cancelled", "bold $text-warning"),
            " — the trace was stopped before it finished; nothing was concluded. ctrl+r sends it again.",
        )
    if view.kind is VerdictKind.ERROR or view.verdict is None:
        return line(("✗ the trace could not run", "bold $text-error"), " — ", safe(view.error or "unknown error"))
    return verdict_content(view.verdict)


def verdict_report(view: VerdictView) -> str:
    """The verdict as plain text for the clipboard: what a colleague needs to find this trace again."""
    first = view_content(view).plain
    rows = [first]
    where = [("profile", view.profile), ("trace id", view.trace_id), ("correlation id", view.correlation_id)]
    rows += [f"{name}: {inert(value)}" for name, value in where if value]
    if view.started_at is not None:
        rows.append(f"time: {strftime('%Y-%m-%d %H:%M:%S UTC', gmtime(view.started_at))}")
    return "\n".join(rows)


def verdict_content(verdict: Verdict) -> Content:
    """The bar's text for a finished trace's verdict."""
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


class VerdictBar(ScrollPane):
    """The verdict of the current trace, with its fix and what evidence is missing; it scrolls and takes focus when
    its text is taller than the room the screen gives it."""

    HELP = """\
## Verdict
The answer for the current trace:

- **✓ identity reached IIS intact**: every hop carried the caller's identity.
- **✗ broken at HOP: CODE — summary**: the first hop where the identity was refused, lost or
  altered, the finding that explains it and, below, the one-line fix.
- **? unconfirmed**: IIS answered but no probe shows which identity it saw; *missing evidence*
  says what to configure so Baton can tell.
- **– cancelled**: you stopped the trace (esc); nothing was concluded.
- **✗ the trace could not run**: a hop could not be reached; the error names it.

`ctrl+y` copies the verdict with the profile, trace id, correlation id and time. When the text is
taller than the pane, `tab` to it and scroll with `↑`/`↓`.
"""

    DEFAULT_CSS = """
    VerdictBar.-ok { border: round $success; }
    VerdictBar.-broken { border: round $error; }
    VerdictBar.-unconfirmed { border: round $warning; }
    VerdictBar.-cancelled { border: round $warning; }
    """

    STATES = ("-empty", "-pending", "-ok", "-broken", "-unconfirmed", "-cancelled")
    view: reactive[VerdictView | None] = reactive(None, always_update=True, init=False)
    """The current trace's outcome, from the TraceBook; None before the first request."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Verdict"
        self.set_body(view_content(None))

    def watch_view(self, view: VerdictView | None) -> None:
        self.set_state(verdict_state(view))
        self.set_body(view_content(view))
