"""LogRecordDetail: one log line decoded: every field (decoded, and raw where they differ) and its status in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.content import Content

from widgets.pane import ScrollPane
from widgets.text import Part, heading, line, lines, safe


class RecordDetailLike(Protocol):
    """One line decoded (built by the app from the engine's record and status catalogue)."""

    @property
    def where(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def fields(self) -> Sequence[tuple[str, str, str]]:
        """(name, decoded value, raw value) in the line's own order."""

    @property
    def meaning(self) -> Sequence[tuple[str, str]]:
        """(label, words): the status, win32 and HTTPERR reason in plain words, and the fix when known."""

    @property
    def note(self) -> str:
        """Where this line leads (the trace carrying its correlation id, or that none does)."""


def detail_content(detail: RecordDetailLike | None) -> Content:
    """The pane text; every value from the log is inert."""
    if detail is None:
        return Content.styled("Highlight a line to decode it here.", "$text-muted")
    rows: list[Content | str] = [line(safe(detail.where, "bold"), ("  ", ""), safe(detail.kind, "$text-muted"))]
    for label, words in detail.meaning:
        rows.append(line((f"{label}  ", "bold $text-accent"), safe(words)))
    if detail.note:
        rows.append(safe(detail.note, "italic $text-muted"))
    rows += ["", heading("Fields")]
    width = max((len(name) for name, _, _ in detail.fields), default=0)
    for name, value, raw in detail.fields:
        parts: list[Part] = [safe(name.ljust(width), "bold"), "  "]
        parts.append(safe(value) if value else Content.styled("(empty)", "dim"))
        if raw not in (value, "-"):
            parts += [("  raw ", "$text-muted"), safe(raw, "$text-muted")]
        rows.append(line(*parts))
    return lines(Content(r) if isinstance(r, str) else r for r in rows)


class LogRecordDetail(ScrollPane):
    """The highlighted log line, every field decoded; status and reason words from IIS's catalogue."""

    HELP = """\
## Line detail
The highlighted line, field by field: the decoded value (`-` is empty, `+` a space) and, where it
differs, the value as written. Status, substatus and win32 status in plain words, with the fix; for
an HTTPERR line the reason http.sys refused the request. Times are UTC, as IIS logs them.
"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Line detail"
        self.detail: RecordDetailLike | None = None
        self._height = -1

    def on_mount(self) -> None:
        self.show(self.detail)

    def show(self, detail: RecordDetailLike | None) -> None:
        self.detail = detail
        content = detail_content(detail)
        width = self._body.content_region.width
        height = len(content.wrap(width)) if width > 0 else -1
        # A relayout costs the whole screen tens of ms, which each key press moving through a streaming tail waited
        # for: the text keeps the tallest height shown at this width (blank rows below), so it changes in place.
        grows = height < 0 or height > self._height
        if not grows:
            content = Content("\n").join([content, *[Content("")] * (self._height - height)])
        self._body.update(content, layout=grows)
        self._height = max(height, self._height)

    def on_resize(self) -> None:
        self._height = -1  # another width wraps to other heights
        self.show(self.detail)
