"""TraceFeed: every request of this run, newest first: Baton's traces and what others sent through the sandbox."""

from __future__ import annotations

from contextlib import suppress
from time import gmtime, strftime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from console.model.trace import FeedItem, Verdict
from console.sanitize import inert
from widgets.pane import Pane

COLUMNS = ("time", "from", "method", "path", "status", "verdict")
WIDTHS = {"time": 8, "from": 5, "status": 6, "verdict": 13}
FLUSH_INTERVAL = 0.2
"""Seconds between table updates while items stream in: a burst redraws the table a few times, not per frame."""


class _When(Text):
    """The time cell; it carries the arrival order so the table can sort newest first."""

    def __init__(self, item: FeedItem, seq: int) -> None:
        super().__init__(strftime("%H:%M:%S", gmtime(item.received_at)), style="dim")
        self.order = (item.received_at, seq)


def _verdict_cell(verdict: Verdict | None, origin: str) -> Text:
    if verdict is None:
        return Text("…" if origin == "baton" else "", style="dim")
    if verdict.ok:
        return Text("✓ ok", style="green")
    if verdict.broken_at is None:
        return Text("? unconfirmed", style="yellow")
    return Text(f"✗ {inert(str(verdict.broken_at))}", style="bold red")


def _status_cell(status: int | None) -> Text:
    if status is None:
        return Text("…", style="dim")
    return Text(str(status), style="red" if status >= 400 else "green")


def cells(item: FeedItem) -> dict[str, Text]:
    """The cells of one row (all plain Text; method and path came from the network)."""
    external = item.origin != "baton"
    return {
        "from": Text("ext" if external else "baton", style="italic" if external else ""),
        "method": Text(inert(item.method), style="bold"),
        "path": Text(inert(item.path)),
        "status": _status_cell(item.status),
        "verdict": _verdict_cell(item.verdict, item.origin),
    }


class TraceFeed(Pane):
    """The live feed of requests, newest first; choosing one reselects it."""

    HELP = """\
## Live feed
Every trace of this run, newest first, and (in sandbox mode) every request anyone sends through
the sandbox gateway, e.g. `curl` from another terminal (**ext**). Times are UTC.

- `↑`/`↓` or `k`/`j`: move; `enter` or a click on the highlighted row: show that trace again.
- **verdict**: ✓ ok, ✗ the hop where the identity broke, ? unconfirmed, … still running.
"""

    DEFAULT_CSS = """
    TraceFeed {
        height: 1fr;
        min-height: 6;
    }
    TraceFeed > DataTable { height: 1fr; background: transparent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next request", show=False),
        Binding("k", "cursor_up", "Previous request", show=False),
    ]

    class ItemSelected(Message):
        """A feed item was chosen (enter or click): the app shows that trace again."""

        def __init__(self, trace_feed: TraceFeed, key: str) -> None:
            super().__init__()
            self.trace_feed = trace_feed
            self.key = key

        @property
        def control(self) -> TraceFeed:
            return self.trace_feed

    def __init__(
        self, *, max_items: int = 1000, name: str | None = None, id: str | None = None, classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Live feed"
        self.max_items = max_items
        """Older items beyond this are dropped so a long session stays fast."""
        self.items: dict[str, FeedItem] = {}
        """Every item shown, by key."""
        self._pending: dict[str, FeedItem] = {}
        self._seq = 0
        self._flush_scheduled = False
        self._table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="feed-table")

    def compose_body(self) -> ComposeResult:
        yield self._table

    def on_mount(self) -> None:
        for column in COLUMNS:
            # Fixed widths where the longest value is known, so updates never clip ("✗ integration").
            self._table.add_column(column, key=column, width=WIDTHS.get(column))

    @property
    def highlighted(self) -> str | None:
        """The key of the item under the cursor."""
        if not self._table.row_count:
            return None
        try:
            row_key, _ = self._table.coordinate_to_cell_key(self._table.cursor_coordinate)
        except CellDoesNotExist:
            return None
        return row_key.value

    def add(self, item: FeedItem) -> None:
        """Add (or replace) an item; rows are drawn in one batch after the current burst of messages."""
        self._pending[item.key] = item
        if not self._flush_scheduled:
            # Coalesce: 200 items arriving together cost one table update and one sort, not 200.
            self._flush_scheduled = True
            self.set_timer(FLUSH_INTERVAL, self.flush)

    @property
    def settled(self) -> bool:
        """True when every added item is drawn (nothing waits for the next flush)."""
        return not self._pending

    def update(self, item: FeedItem) -> None:
        """Replace an item (e.g. its verdict arrived); batched like ``add``."""
        self.add(item)

    def flush(self) -> None:
        """Apply every pending add and update now."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        if not pending:
            return
        table, keep = self._table, self.highlighted
        added = False
        for key, item in pending.items():
            if key in self.items:
                for column, cell in cells(item).items():
                    table.update_cell(key, column, cell)  # widths are set when a row is added: no jumps
            else:
                self._seq += 1
                table.add_row(_When(item, self._seq), *cells(item).values(), key=key)
                added = True
            self.items[key] = item
        if not added:
            return
        excess = len(self.items) - self.max_items
        if excess > 0:
            for key in sorted(self.items, key=lambda k: self.items[k].received_at)[:excess]:
                del self.items[key]
                table.remove_row(key)
        table.sort("time", key=lambda when: when.order, reverse=True)
        self._restore(keep)
        self.border_subtitle = f"{len(self.items)} requests"

    def clear(self) -> None:
        """Forget every item."""
        self._pending.clear()
        self.items.clear()
        self._table.clear()
        self.border_subtitle = ""

    def select(self, key: str) -> None:
        """Move the cursor to the item ``key`` (no message)."""
        self.flush()
        self._restore(key)

    def _restore(self, key: str | None) -> None:
        if key is None:
            return
        with suppress(RowDoesNotExist):  # it was trimmed or cleared meanwhile
            self._table.move_cursor(row=self._table.get_row_index(key), scroll=True)

    def action_cursor_down(self) -> None:
        self._table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table.action_cursor_up()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ItemSelected(self, event.row_key.value))
