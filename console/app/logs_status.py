"""The Logs view's status line: counts, notes and errors, wrapped onto more rows when they do not fit on one.

A message is read whole or it misleads ("… unknown field 'foo'; known: id, path, since, status, until, user, or a"
and "… 2265 older lines dropped (the last 10000 kept) ·" were cut mid-sentence at 80 and 100 columns), so the line
is as tall as its text (baton.tcss: height auto). It changes ten times a second while a tail streams, and a relayout
costs tens of milliseconds; so it asks for one only when the number of rows its text needs changes.
"""

from __future__ import annotations

from typing import cast

from textual.css.styles import RulesMap
from textual.widgets import Static

from console.sanitize import inert


class StatusLine(Static):
    """One row of counts and notes, a second (or third) only while the text needs it; network text shown inert."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.said = ""
        """The text shown, before sanitising (what tests and the screen read back)."""

    def say(self, text: str) -> None:
        """Show ``text`` (it may hold network text: it is shown inert), wrapped, whole."""
        self.said = text
        self.update(inert(text), layout=False)
        if self.rows_needed() != self.content_size.height:
            self.refresh(layout=True)  # one more row or one fewer: the only time the view relayouts for this line

    def rows_needed(self) -> int:
        """How many rows the text takes at the current width (-1 before the first layout: then a layout is due)."""
        width = self.content_size.width
        if width <= 0:
            return -1
        # The widget's styles, as Textual itself measures a widget's content (they read like the rules mapping).
        return self.visual.get_height(cast(RulesMap, self.styles), width)
