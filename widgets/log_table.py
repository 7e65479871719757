"""LogTable: decoded log lines, newest first; a line is drawn only when it is on screen, from plain segments.

A tail can bring thousands of lines a second. Each row is kept as the engine's row object; its cells are made inert,
cut to their column and styled only when render_line reaches it, and the drawn line is cached by key and width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.sanitize import inert
from widgets.pane import Pane


class LogRowLike(Protocol):
    """One decoded log line (the engine's LogRow): every text came from a log file."""

    @property
    def key(self) -> str: ...
    @property
    def when(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def user(self) -> str: ...
    @property
    def correlation_id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def quarantined(self) -> bool: ...
    @property
    def failed(self) -> bool: ...


COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("time", 8),
    ("status", 11),
    ("method", 6),
    ("user", 12),
    ("correlation id", None),
    ("path", None),
)
"""The correlation id (the join key) and the path share what the others leave; when that is too little, method and
user go first."""
DROP = ("method", "user")
FLEX_MIN = 12
ID = 4
"""The correlation id's column."""
ID_MIN, ID_MAX = 14, 50
"""The id column's width: at least an id's distinctive end, at most a GUID with a derived suffix (``.spoof-check``)."""
PATH_MIN = 20
"""Cells the path keeps before the id column grows."""


def cell_texts(row: LogRowLike) -> tuple[tuple[str, str], ...]:
    """(text, accent) per column, every text inert (a log line may hold escape codes or markup)."""
    status = ("✗ quarant.", "warning") if row.quarantined else (inert(row.status), "error" if row.failed else "ok")
    return (
        (inert(row.when), "dim"),
        status,
        (inert(row.method), ""),
        (inert(row.user), "bold") if row.user else ("–", "dim"),
        (inert(row.correlation_id), ""),
        (inert(row.path), "warning" if row.quarantined else ""),
    )


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with …) to exactly ``width`` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def fit_end(text: str, width: int) -> str:
    """``text`` padded, or cut from the left (…) so its end shows: an id's suffix (``.spoof-check``, ``.warmup1``)
    is what tells a trace's line from its derived requests' lines."""
    if cell_len(text) > width:
        return "…" + text[len(text) - width + 1 :] if width > 1 else "…"
    return set_cell_size(text, width)


class LogTable(ScrollView, can_focus=True):
    """Search results and tailed lines, newest first; Enter on a line asks the screen to open its trace."""

    DEFAULT_CSS = """
    LogTable {
        background: transparent;
        overflow-x: hidden;
        & > .log-table--header { text-style: bold; background: $panel; }
        & > .log-table--row { color: $text; }
        & > .log-table--even { background: $surface-lighten-1 40%; }
        & > .log-table--cursor { background: $block-cursor-blurred-background; }
        & > .log-table--cursor-focused { color: $block-cursor-foreground; background: $block-cursor-background; }
        & > .log-table--ok { color: $text-success; }
        & > .log-table--error { color: $text-error; text-style: bold; }
        & > .log-table--warning { color: $text-warning; }
        & > .log-table--dim { color: $text-muted; }
        & > .log-table--bold { text-style: bold; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        f"log-table--{name}"
        for name in ("header", "row", "even", "cursor", "cursor-focused", "ok", "error", "warning", "dim", "bold")
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("home", "cursor(-1000000000)", "First", show=False),
        Binding("end", "cursor(1000000000)", "Last", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("enter", "choose", "Open trace", show=False),
    ]

    class Highlighted(Message):
        """The cursor is on the line ``key``: the screen shows its detail."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Chosen(Message):
        """The line ``key`` was chosen (Enter, or a click on the cursor's line): the screen opens its trace."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, max_rows: int = 10_000, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_rows = max_rows
        self._rows: list[LogRowLike] = []
        """Oldest first (appends are cheap); drawn newest first."""
        self._cursor = 0
        """Display index (0 is the newest line). On 0 the cursor follows new lines; elsewhere it holds its line."""
        self._lines: LRUCache[tuple[str, int, str], Strip] = LRUCache(1024)
        self._header_cells = [(name, "") for name, _ in COLUMNS]

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        """The cursor's display row: 0 is the newest line."""
        return self._cursor

    @property
    def highlighted(self) -> str | None:
        """The key of the line under the cursor."""
        return self._row(self._cursor).key if self._rows else None

    def _row(self, display: int) -> LogRowLike:
        return self._rows[len(self._rows) - 1 - display]

    def show(self, rows: Sequence[LogRowLike]) -> None:
        """Replace every line (``rows`` oldest first)."""
        self._rows = list(rows)[-self.max_rows :]
        self._cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._resized()

    def append(self, rows: Iterable[LogRowLike]) -> None:
        """Add lines that arrived (oldest first) in one redraw; the oldest beyond ``max_rows`` fall off."""
        before = len(self._rows)
        self._rows.extend(rows)
        added = len(self._rows) - before
        if not added:
            return
        if len(self._rows) > self.max_rows:
            del self._rows[: len(self._rows) - self.max_rows]
        if self._cursor or round(self.scroll_offset.y):  # holding still: shift with the lines arriving above
            self._cursor = min(self._cursor + added, len(self._rows) - 1)
            self.scroll_to(y=round(self.scroll_offset.y) + added, animate=False, immediate=True)
        self._resized()

    def _resized(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        self.refresh()

    def on_resize(self) -> None:
        self._resized()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme change recolours every line

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- cursor ------------------------------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        self._move(self._cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move(self._cursor + direction * max(self.scrollable_content_region.height - 1, 1))

    def action_choose(self) -> None:
        if self._rows:
            self.post_message(self.Chosen(self._row(self._cursor).key))

    def on_click(self, event: events.Click) -> None:
        display = round(self.scroll_offset.y) + event.y - 1
        if event.y < 1 or not 0 <= display < len(self._rows):
            return
        event.stop()
        if display == self._cursor:
            self.action_choose()
        else:
            self._move(display)

    def _move(self, display: int) -> None:
        if not self._rows:
            return
        before, self._cursor = self._cursor, max(0, min(display, len(self._rows) - 1))
        visible = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)
        else:  # only the two lines that changed look are drawn again (display row d is virtual line d + 1)
            self.refresh_line(before + 1)
            self.refresh_line(self._cursor + 1)
            self.post_message(self.Highlighted(self._row(self._cursor).key))
            return
        self.refresh()
        self.post_message(self.Highlighted(self._row(self._cursor).key))

    # -- drawing ------------------------------------------------------------------------------------------------
    def _layout(self, width: int) -> list[tuple[int, int]]:
        shown = list(range(len(COLUMNS)))
        names = [name for name, _ in COLUMNS]
        for name in DROP:
            if sum(w or FLEX_MIN for _, w in (COLUMNS[i] for i in shown)) + ID_MIN - FLEX_MIN + len(shown) - 1 <= width:
                break
            shown.remove(names.index(name))
        fixed = sum(COLUMNS[i][1] or 0 for i in shown) + len(shown) - 1
        left = max(width - fixed, 8)
        id_width = max(min(left - PATH_MIN, ID_MAX), min(ID_MIN, left - 4))  # the id whole before a longer path
        return [(i, COLUMNS[i][1] or (id_width if i == ID else max(left - id_width, 4))) for i in shown]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"log-table--{name}", partial=True)

    def _strip(self, cells: Sequence[tuple[str, str]], width: int, base: Style) -> Strip:
        segments: list[Segment] = []
        for n, (column, cell_width) in enumerate(self._layout(width)):
            text, accent = cells[column]
            if n:
                segments.append(Segment(" ", base))
            cut = fit_end if column == ID and cells is not self._header_cells else fit
            segments.append(Segment(cut(text, cell_width), base + self._style(accent) if accent else base))
        return Strip(segments).adjust_cell_length(width, base)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = self._lines.get(("", width, "header"))
            if header is None:
                base = self.get_component_rich_style("log-table--header")
                header = self._strip(self._header_cells, width, base)
                self._lines[("", width, "header")] = header
            return header
        display = round(self.scroll_offset.y) + y - 1
        if not 0 <= display < len(self._rows):
            return Strip.blank(width, self.get_component_rich_style("log-table--row"))
        row = self._row(display)
        if display == self._cursor:
            kind = "cursor-focused" if self.has_focus else "cursor"
        else:
            kind = "even" if display % 2 else "row"
        key = (row.key, width, kind)
        line = self._lines.get(key)
        if line is None:
            base = self.get_component_rich_style("log-table--row") + self.get_component_rich_style(f"log-table--{kind}")
            line = self._lines[key] = self._strip(cell_texts(row), width, base)
        return line


class LogLines(Pane):
    """The titled pane around the LogTable."""

    HELP = """\
## Log lines
IIS (W3C and HTTPERR) lines matching the search, newest first; with the tail on, new lines arrive on top
(on the top row the cursor follows them; move down to hold still). `↑`/`↓` or `k`/`j`, `home`/`end`, page
keys move; the detail pane decodes the highlighted line; `enter` opens the trace carrying its correlation
id. Quarantined lines (neither a record, a directive nor blank) are listed with their reason.
"""

    def __init__(self, table: LogTable, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Log lines"
        self.table = table

    def compose_body(self) -> ComposeResult:
        yield self.table
