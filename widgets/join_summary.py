"""JoinSummary: gateway access log ⨝ IIS log by correlation id: how many requests kept, lost or bypassed identity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.containers import VerticalScroll
from textual.content import Content

from widgets.pane import ScrollPane
from widgets.text import Part, line, lines, safe

VERDICTS: tuple[tuple[str, str, str, str], ...] = (
    ("intact", "intact", "intact", "$text-success"),
    ("lost", "lost", "lost", "bold $text-error"),
    ("altered", "altered", "altered", "bold $text-error"),
    ("name_only", "same name, realm not verified", "name only", "bold $text-warning"),
    ("refused_at_iis", "refused at IIS", "refused IIS", "$text-warning"),
    ("missing_at_iis", "missing at IIS", "missing IIS", "$text-warning"),
    ("refused_at_gateway", "refused at gateway", "refused gw", ""),
    ("baton_probe", "Baton probe", "probe", ""),
    ("not_joinable", "not joinable", "not joinable", "$text-warning"),
    ("id_not_propagated", "correlation id not propagated", "id lost", "$text-warning"),
)
"""(verdict name, label, short label, style) in the order shown; then bypassed, the security finding, last on the
counts line so it is where the eye ends."""
OPTIONAL = frozenset({"name_only", "not_joinable", "id_not_propagated"})
"""Shown only when some requests are (a small terminal keeps its rows for the usual counts): the same account name in
realms the logs cannot prove are one, requests a log without the correlation field cannot join, and IIS lines that
came through the gateway without its correlation id (paired by time, method and path or the gateway's User-Agent)."""
IIS_NOT_JOINABLE = "iis_not_joinable"
"""A count the caller may add: IIS records in a log without the correlation field (never judged, never bypassed)."""
COUNT_ROWS = 3
"""Rows the counts may take with full labels; narrower, the short labels keep them to as few rows as they can
(80x24: two rows of full labels and the finding fill the pane; 100x30: three of short ones)."""
FINDINGS = (
    line(("⚠ security finding", "bold $text-error"), (": requests reached IIS around the gateway", "")),
    line(("⚠ security finding", "bold $text-error"), (": gateway bypassed", "")),
    line(("⚠ security:", "bold $text-error"), (" gateway bypassed", "")),
)
"""The bypass finding above its lines, longest first: the first that fits on one row is shown (the counts row has
the number, the help the whole story)."""


def _counts(counts: Mapping[str, int], width: int, short: bool) -> list[Content]:
    """The counts packed into rows of ``width`` cells: a verdict is never split from its count."""
    shown = [v for v in VERDICTS if v[0] not in OPTIONAL or counts.get(v[0], 0)]
    cells: list[tuple[Part, Part]] = []
    for name, label, brief, style in shown:
        count = counts.get(name, 0)
        cells.append(
            ((f"{brief if short else label} ", "" if count else "dim"), (str(count), style if count else "dim"))
        )
    bypassed = counts.get("bypassed", 0)
    cells.append(
        (
            ("⚠ bypassed ", "bold $text-error") if bypassed else ("bypassed ", "dim"),
            (str(bypassed), "bold $text-error" if bypassed else "dim"),
        )
    )
    rows: list[Content] = []
    parts: list[Part] = []
    used = 0
    for word, number in cells:
        size = line(word, number).cell_length
        if parts and used + 2 + size > width:
            rows.append(line(*parts))
            parts, used = [], 0
        if parts:
            parts.append(("  ", ""))
            used += 2
        parts += [word, number]
        used += size
    rows.append(line(*parts))
    return rows


def summary_content(
    counts: Mapping[str, int] | None, note: str = "", bypassed_lines: Sequence[str] = (), width: int = 80
) -> Content:
    """The counts first (in a small terminal the pane shows two or three rows: every verdict's count must be in
    them), with short labels when the full ones take more than two rows; then the bypass finding and its lines (or
    the note saying why there is no join)."""
    if counts is None:
        return safe(note or "No join yet.", "$text-muted")
    rows = _counts(counts, width, short=False)
    if len(rows) > COUNT_ROWS:
        rows = _counts(counts, width, short=True)
    if counts.get("bypassed", 0):
        rows.append(next((f for f in FINDINGS if f.cell_length <= width), FINDINGS[-1]))
        rows += [line(("  ", ""), safe(text, "$text-muted")) for text in bypassed_lines]
    elif counts.get("not_joinable", 0) or counts.get(IIS_NOT_JOINABLE, 0):
        # "bypassed 0" says nothing of IIS records that could not be joined: nobody can tell where they came from.
        rows.append(Content.styled("some IIS records could not be joined: whether they came through is unknown", "dim"))
    elif counts.get("id_not_propagated", 0):
        lost = counts["id_not_propagated"]
        rows.append(
            Content.styled(
                f"every IIS request came through the gateway; {lost} without its correlation id (paired by time)",
                "$text-warning",
            )
        )
    else:
        rows.append(Content.styled("every IIS request came through the gateway", "dim"))
    if note:
        rows.append(safe(note, "$text-muted"))
    return lines(rows)


class JoinSummary(ScrollPane):
    """Verdict counts of the gateway ⨝ IIS join; bypassed traffic flagged as a security finding."""

    HELP = """\
## Join summary
The profile's API Gateway access log joined with its IIS log by correlation id. Per request:
**intact** (IIS saw the gateway's caller), **lost** (the gateway had a caller, IIS logged anonymous),
**altered** (another caller), **same name, realm not verified** (the account name matches but the logs cannot
prove the realms are one: never counted as intact), **not joinable** (its IIS log has no correlation field),
**refused at IIS** (IIS answered 401/403), **missing at IIS** (not in the
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
        scrollbar = self.query_one(VerticalScroll).styles.scrollbar_size_vertical  # its columns, when it shows
        width = max(self.content_region.width - scrollbar, 20)
        self.set_body(summary_content(*self._shown, width=width))
