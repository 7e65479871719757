"""FeedList: rows of fixed-width columns under a header that stays put; only the lines on screen are drawn.

It replaced a DataTable in the live feed. A DataTable redraws every visible cell through Rich after each sort, about
35 ms per batch on this machine, so a keypress during a burst of requests waited behind it. Here a line is drawn once
per content and width, and a batch only invalidates the rows it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

Column = tuple[str, int | None]
"""A column's name and width in cells; one column may be None: it takes the room the others leave."""
FLEX_MIN = 4
"""The flexible column never gets narrower than this."""


class _RowMessage(Message):
    """A message about one row, by key."""

    def __init__(self, feed_list: FeedList, key: str) -> None:
        super().__init__()
        self.feed_list = feed_list
        self.key = key

    @property
    def control(self) -> FeedList:
        return self.feed_list


class FeedList(ScrollView, can_focus=True):
    """Keyed rows with a cursor: ↑/↓, home/end and page keys move it; Enter or a click on it chooses the row."""

    DEFAULT_CSS = """
    FeedList {
        height: 1fr;
        background: transparent;
        overflow-x: hidden;
        & > .feed-list--header { text-style: bold; background: $panel; }
        & > .feed-list--even { background: $surface-lighten-1 40%; }
        & > .feed-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .feed-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-list--header",
        "feed-list--row",
        "feed-list--even",
        "feed-list--cursor",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]

    class Highlighted(_RowMessage):
        """The cursor moved to the row ``key``."""

    class Chosen(_RowMessage):
        """The row ``key`` was chosen (Enter, or a click on the row under the cursor)."""

    def __init__(self, columns: Sequence[Column], *, drop_first: Sequence[str] = (), id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.drop_first = tuple(drop_first)
        """Columns to leave out, in this order, when the others would not fit whole."""
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, tuple[int, tuple[Content, ...]]] = {}
        """Each row's content, with a version that changes with it (part of the drawn line's cache key)."""
        self._version = 0
        self._cursor = 0
        self._lines: LRUCache[tuple[str, int, int, str], Strip] = LRUCache(512)
        """Drawn lines by (key, version, width, look); the header's version is 0 (rows start at 1)."""
        self._layouts: dict[int, list[tuple[int, int]]] = {}

    # -- content -------------------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None when empty)."""
        return self._keys[self._cursor] if self._keys else None

    def set_rows(self, keys: Sequence[str], cells: dict[str, tuple[Content, ...]]) -> None:
        """Show ``keys`` in this order; ``cells`` holds the rows whose content is new or changed.

        On the top row, the cursor follows the newest row (the list is live: new rows arrive on top); anywhere else it
        stays on its row, by key, while that row is there.
        """
        keep = None if self._cursor == 0 and round(self.scroll_offset.y) == 0 else self.cursor_key
        for key, row in cells.items():
            self._version += 1
            self._cells[key] = (self._version, row)
        self._keys = list(keys)
        self._index = {key: n for n, key in enumerate(self._keys)}
        for gone in set(self._cells) - self._index.keys():
            del self._cells[gone]
        self._cursor = self._index.get(keep, 0) if keep is not None else 0
        self._cursor = min(self._cursor, max(len(self._keys) - 1, 0))
        self._update_virtual_size()
        self.refresh()

    def move_to(self, key: str) -> bool:
        """Put the cursor on ``key`` (no message); False when there is no such row."""
        if key not in self._index:
            return False
        self._move(self._index[key], announce=False)
        return True

    def clear(self) -> None:
        self.set_rows((), {})

    # -- cursor --------------------------------------------------------------------------------------------------
    def _move(self, row: int, *, announce: bool = True) -> None:
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        moved = row != self._cursor
        self._cursor = row
        self._scroll_to_cursor()
        self.refresh()
        if moved and announce:
            self.post_message(self.Highlighted(self, self._keys[row]))

    def _scroll_to_cursor(self) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)  # the header takes one line
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._move(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self._cursor + 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._keys) - 1)

    def action_page_up(self) -> None:
        self._move(self._cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        self._move(self._cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_choose(self) -> None:
        if self._keys:
            self.post_message(self.Chosen(self, self._keys[self._cursor]))

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_offset.y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._keys):
            return  # the header, or below the last row
        event.stop()
        if row == self._cursor:
            self.action_choose()
        else:
            self._move(row)

    # -- drawing -------------------------------------------------------------------------------------------------
    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._keys) + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme or focus change recolours every line

    def on_focus(self) -> None:
        self.refresh()  # the cursor line has a focused and a blurred look

    def on_blur(self) -> None:
        self.refresh()

    def _layout(self, width: int) -> list[tuple[int, int]]:
        """(column index, width) of the columns shown at ``width``: optional ones go before any column is cut."""
        layout = self._layouts.get(width)
        if layout is None:
            layout = self._layouts[width] = self._fit(width)
        return layout

    def _fit(self, width: int) -> list[tuple[int, int]]:
        shown = list(range(len(self.columns)))
        names = [name for name, _ in self.columns]
        droppable = [names.index(name) for name in self.drop_first if name in names]

        def needed(columns: list[int]) -> int:
            widths = [self.columns[i][1] for i in columns]
            return sum(w if w is not None else FLEX_MIN for w in widths) + len(columns) - 1

        while droppable and needed(shown) > width:
            shown.remove(droppable.pop(0))
        fixed = sum(self.columns[i][1] or 0 for i in shown) + len(shown) - 1
        return [(i, self.columns[i][1] or max(width - fixed, FLEX_MIN)) for i in shown]

    def _line(self, parts: Sequence[Content], width: int) -> Content:
        return Content(" ").join(parts[i].truncate(w, ellipsis=True, pad=True) for i, w in self._layout(width))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = self._lines.get(("", 0, width, "feed-list--header"))
            if header is None:
                style = self.get_visual_style("feed-list--header")
                content = self._line([Content(name) for name, _ in self.columns], width)
                header = self._lines[("", 0, width, "feed-list--header")] = Visual.to_strips(
                    self, content, width, 1, style, pad=True
                )[0]
            return header
        row = round(self.scroll_offset.y) + y - 1
        entry = self._cells.get(self._keys[row]) if 0 <= row < len(self._keys) else None
        if entry is None:  # below the last row (or a key given without its cells)
            return Strip.blank(width, self.get_visual_style("feed-list--row").rich_style)
        key = self._keys[row]
        version, cells = entry
        if row == self._cursor:
            kind = "feed-list--cursor-focused" if self.has_focus else "feed-list--cursor"
        else:
            kind = "feed-list--even" if row % 2 else "feed-list--row"
        cache_key = (key, version, width, kind)
        line = self._lines.get(cache_key)
        if line is None:
            style = self.get_visual_style("feed-list--row", kind.removesuffix("-focused"))
            line = Visual.to_strips(self, self._line(cells, width), width, 1, style, pad=True)[0]
            self._lines[cache_key] = line
        return line
