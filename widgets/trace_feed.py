"""TraceFeed: every request of this run, newest first: Baton's traces and what others sent through the sandbox."""

from __future__ import annotations

from time import gmtime, strftime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from console.model.enums import FeedOrigin, VerdictKind
from widgets.feed_list import Column, FeedList
from widgets.pane import Pane
from widgets.text import safe

if TYPE_CHECKING:
    from console.model.trace import FeedItem

COLUMNS: tuple[Column, ...] = (("time", 8), ("from", 5), ("method", 7), ("status", 6), ("verdict", 13), ("path", None))
"""Fixed widths where the longest value is known, so updates never clip ("✗ integration"). The path comes last and
takes the rest: in a narrow pane it is what gets cut, never the status or the verdict; a narrower one leaves out
"method" (nearly always GET), then "from"."""
FLUSH_INTERVAL = 0.2
"""Seconds between list updates while items stream in: a burst redraws the list a few times, not per frame."""


def _verdict_cell(item: FeedItem) -> Content:
    kind, verdict = item.kind, item.verdict
    if item.origin is not FeedOrigin.OWN or kind is None:
        return Content("")
    if kind is VerdictKind.PENDING:
        return Content.styled("… tracing", "dim")
    if kind is VerdictKind.CANCELLED:
        return Content.styled("– cancelled", "$text-muted")
    if kind is VerdictKind.ERROR:
        return Content.styled("✗ error", "bold $text-error")
    if kind is VerdictKind.OK:
        return Content.styled("✓ ok", "$text-success")
    if kind is VerdictKind.UNCONFIRMED or verdict is None or verdict.broken_at is None:
        return Content.styled("? unconfirmed", "$text-warning")
    return safe(f"✗ {verdict.broken_at}", "bold $text-error")


def _status_cell(status: int | None, kind: VerdictKind | None) -> Content:
    if status is None:
        return Content.styled("…" if kind is VerdictKind.PENDING else "–", "dim")
    return Content.styled(str(status), "$text-error" if status >= 400 else "$text-success")


def cells(item: FeedItem) -> tuple[Content, ...]:
    """One row, in COLUMNS order (method and path came from the network: inert)."""
    external = item.origin is FeedOrigin.EXTERNAL
    return (
        Content.styled(strftime("%H:%M:%S", gmtime(item.received_at)), "dim"),
        Content.styled("ext", "italic") if external else Content("baton"),
        safe(item.method, "bold"),
        _status_cell(item.status, item.kind),
        _verdict_cell(item),
        safe(item.path),
    )


class TraceFeed(Pane):
    """The live feed of requests, newest first; choosing one reselects it."""

    HELP = """\
## Live feed
Every trace of this run, newest first, and (in sandbox mode) every request anyone sends through
the sandbox gateway, e.g. `curl` from another terminal (**ext**). Times are UTC.

- `↑`/`↓` or `k`/`j` (`home`/`end`, `pgup`/`pgdn`): move; `enter` or a click on the highlighted row:
  show that trace again. On the top row the cursor follows the newest request; elsewhere it stays put.
  The path comes last: in a narrow pane it is cut, never the verdict.
- **verdict**: ✓ ok, ✗ the hop where the identity broke, ? unconfirmed, ✗ error (the trace could not
  run), – cancelled, … still running.
"""

    DEFAULT_CSS = """
    TraceFeed > FeedList { height: 1fr; }
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
        self,
        *,
        max_items: int = 1000,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Live feed"
        self.max_items = max_items
        """Older items beyond this are dropped so a long session stays fast."""
        self.items: dict[str, FeedItem] = {}
        """Every item shown, by key."""
        self._pending: dict[str, FeedItem] = {}
        self._order: dict[str, tuple[float, int]] = {}
        """Each item's place: arrival time, then arrival order (newest first)."""
        self._seq = 0
        self._flush_scheduled = False
        self._list = FeedList(COLUMNS, drop_first=("method", "from"), id="feed-table")

    def compose_body(self) -> ComposeResult:
        yield self._list

    @property
    def highlighted(self) -> str | None:
        """The key of the item under the cursor."""
        return self._list.cursor_key

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
        for key, item in pending.items():
            if key not in self._order:
                self._seq += 1
                self._order[key] = (item.received_at, self._seq)
            self.items[key] = item
        excess = len(self.items) - self.max_items
        if excess > 0:
            for key in sorted(self.items, key=self._order.__getitem__)[:excess]:
                del self.items[key], self._order[key]
                pending.pop(key, None)
        newest_first = sorted(self.items, key=self._order.__getitem__, reverse=True)
        self._list.set_rows(newest_first, {key: cells(item) for key, item in pending.items()})
        count = len(self.items)
        self.border_subtitle = f"{count} request{'' if count == 1 else 's'}"

    def clear(self) -> None:
        """Forget every item."""
        self._pending.clear()
        self.items.clear()
        self._order.clear()
        self._list.clear()
        self.border_subtitle = ""

    def select(self, key: str) -> None:
        """Move the cursor to the item ``key`` (no message)."""
        self.flush()
        self._list.move_to(key)

    def action_cursor_down(self) -> None:
        self._list.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._list.action_cursor_up()

    def on_feed_list_chosen(self, event: FeedList.Chosen) -> None:
        event.stop()
        self.post_message(self.ItemSelected(self, event.key))
