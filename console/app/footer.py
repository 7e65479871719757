"""KeyFooter: Textual's Footer, compact, wrapped onto two rows when one row cannot show every key."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

KEY_GAP = 1
"""Cells between two keys in the compact footer (FooterKey's margin-right)."""
PALETTE_EXTRA = 2
"""The palette key's own border and padding."""


def needed_width(keys: list[tuple[str, str]]) -> int:
    """Cells one row needs for ``(key, description)`` pairs drawn compact, the palette key last."""
    return sum(cell_len(key) + 1 + cell_len(text) + KEY_GAP for key, text in keys) + PALETTE_EXTRA


class KeyFooter(Footer):
    """Every key of the screen, always in sight.

    Textual's Footer is one row that scrolls sideways out of sight when it is too narrow (at 80 columns it hid
    half the console's keys). This one switches to the ``-wrapped`` class, which baton.tcss lays out as a grid
    of two rows, when one row is too narrow for every key."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        # Footer sets one grid column per key inline; wrapped, the stylesheet's grid-size decides instead.
        self.styles.clear_rule("grid_size_columns")
        self.call_after_refresh(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """One row when every key fits in it, else as many rows of equal columns as the keys need.

        The focused pane adds its own keys (the inspector's ``m``), so the row count is worked out each time: a
        fixed two rows hid the first row of eleven keys at 80 columns."""
        # By CSS type name: FooterKey lives in a private module of Textual's, which Baton does not import.
        keys = [
            (str(getattr(key, "key_display", "")), str(getattr(key, "description", "")))
            for key in self.query("FooterKey")
        ]
        if not keys or self.size.width <= 0:
            return
        wrapped = needed_width(keys) > self.size.width
        self.set_class(wrapped, "-wrapped")
        if not wrapped:
            self.styles.clear_rule("height")
            return
        widest = max(cell_len(key) + 1 + cell_len(text) + KEY_GAP for key, text in keys)
        columns = max(1, min(len(keys), self.size.width // widest))
        self.styles.grid_size_columns = columns
        self.styles.height = -(-len(keys) // columns)  # ceiling division: every key gets a cell
