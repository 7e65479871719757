"""JoinSummary: gateway access log ⨝ IIS log by correlation id: how many requests kept, lost or bypassed identity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content

from widgets.pane import ScrollPane
from widgets.text import Part, line, lines, safe

VERDICTS: tuple[tuple[str, str, str], ...] = (
    ("intact", "intact", "$text-success"),
    ("lost", "lost", "bold $text-error"),
    ("altered", "altered", "bold $text-error"),
    ("refused_at_iis", "refused at IIS", "$text-warning"),
    ("missing_at_iis", "missing at IIS", "$text-warning"),
    ("refused_at_gateway", "refused at gateway", ""),
)
"""(verdict name, label, style) in the order shown; bypassed is shown apart, as a security finding."""


def summary_content(
    counts: Mapping[str, int] | None, note: str = "", bypassed_lines: Sequence[str] = (), width: int = 80
) -> Content:
    """The counts packed into lines of ``width`` (a verdict is never split from its count), then the bypass finding
    (or the note saying why there is no join)."""
    if counts is None:
        return safe(note or "No join yet.", "$text-muted")
    rows: list[Content] = []
    bypassed = counts.get("bypassed", 0)
    if bypassed:  # first: in a small terminal the pane shows two lines, and this is the one that must be seen
        rows.append(
            line(
                (f"⚠ bypassed {bypassed}", "bold $text-error"),
                (": security finding, requests reached IIS around the gateway", ""),
            )
        )
    parts: list[Part] = []
    used = 0
    for name, label, style in VERDICTS:
        count = counts.get(name, 0)
        cells = len(label) + 1 + len(str(count))
        if parts and used + 2 + cells > width:
            rows.append(line(*parts))
            parts, used = [], 0
        if parts:
            parts.append(("  ", ""))
            used += 2
        parts += [(f"{label} ", "" if count else "dim"), (str(count), style if count else "dim")]
        used += cells
    rows.append(line(*parts))
    if bypassed:
        rows += [line(("  ", ""), safe(text, "$text-muted")) for text in bypassed_lines]
    else:
        rows.append(Content.styled("bypassed 0: every IIS request came through the gateway", "dim"))
    if note:
        rows.append(safe(note, "$text-muted"))
    return lines(rows)


class JoinSummary(ScrollPane):
    """Verdict counts of the gateway ⨝ IIS join; bypassed traffic flagged as a security finding."""

    HELP = """\
## Join summary
The profile's API Gateway access log joined with its IIS log by correlation id. Per request:
**intact** (IIS saw the gateway's caller), **lost** (the gateway had a caller, IIS logged anonymous),
**altered** (another caller), **refused at IIS** (IIS answered 401/403), **missing at IIS** (not in the
IIS log: it may not be flushed yet), **refused at gateway** (the gateway answered itself: IIS was never
asked), and **bypassed**: an IIS line no gateway record matches, traffic that reached IIS around the
gateway, a security finding. `r` runs the join again.
"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Gateway ⨝ IIS"
        self._shown: tuple[Mapping[str, int] | None, str, Sequence[str]] = (None, "No join yet.", ())

    def show(self, counts: Mapping[str, int] | None, note: str = "", bypassed_lines: Sequence[str] = ()) -> None:
        self._shown = (counts, note, bypassed_lines)
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # the counts are packed to the width

    def _draw(self) -> None:
        width = max(self.content_region.width - 1, 20)  # the scrollbar's column
        self.set_body(summary_content(*self._shown, width=width))
