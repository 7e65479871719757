"""HopTrace: the five hops in order, each with a status glyph and word, latency and the identity it carried."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.model.enums import HOP_ORDER, HopName, HopStatus, VerdictKind
from widgets.pane import Pane
from widgets.text import identity_summary, latency, line, safe, status_badge

if TYPE_CHECKING:
    from console.model.trace import Hop
    from console.model.views import HopsView


def hop_row(name: HopName, hop: Hop | None, kind: VerdictKind = VerdictKind.PENDING) -> Content:
    """One row: ``✓ ok       authorizer   12 ms  sub=alice via authorizer context``."""
    cancelled = kind is VerdictKind.CANCELLED
    if cancelled:
        badge = Content.styled("– cancelled", "$text-muted")
    elif hop is None and kind is not VerdictKind.PENDING:
        badge = status_badge(HopStatus.NOT_REACHED)  # the trace ended (an error) before anything saw this hop
    else:
        badge = status_badge(hop.status if hop else None)
    ms = latency(hop.elapsed_ms if hop else None)
    identity = identity_summary(hop.identity, name) if hop and hop.status is not HopStatus.NOT_REACHED else Content("")
    if hop is None:
        identity = Content.styled("waiting…", "$text-muted") if kind is VerdictKind.PENDING else Content("")
    return line(
        badge.pad_right(14 - badge.cell_length), (f"{name:<11}", "bold"), (f"{ms:>6}  ", "$text-muted"), identity
    )


class HopTrace(Pane):
    """The hops of the current trace, live as they are observed; selecting one shows it in the inspector."""

    HELP = """\
## Hop trace
The request's path: **client → gateway → authorizer → integration → iis**.

Each row shows the hop's status as a glyph and a word (**✓ ok**, **! warning**, **✗ broken**,
**? unknown** — no probe could see it, never assumed fine — **– not reached**, **· pending**),
its latency and the identity it carried (`sub=alice via X-User-Sub header`, `anonymous`, `unknown`).

- `↑`/`↓` or `k`/`j`: select a hop; the token inspector shows the identity as that hop saw it.
- `enter` or a click: select the hop again.
"""

    DEFAULT_CSS = """
    HopTrace > OptionList, HopTrace > OptionList:focus {
        height: auto;
        border: none;
        padding: 0;
        background: transparent;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    HopTrace.-live { border-subtitle-color: $text-warning; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next hop", show=False),
        Binding("k", "cursor_up", "Previous hop", show=False),
    ]

    class HopSelected(Message):
        """A hop was selected (moved to or chosen) in the trace."""

        def __init__(self, hop_trace: HopTrace, hop: HopName) -> None:
            super().__init__()
            self.hop_trace = hop_trace
            self.hop = hop

        @property
        def control(self) -> HopTrace:
            return self.hop_trace

    view: reactive[HopsView | None] = reactive(None, always_update=True, init=False)
    """The hops of the current trace, from the TraceBook; None before the first request."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Hop trace"
        self._list = OptionList(*(Option(hop_row(h, None), id=str(h)) for h in HOP_ORDER), id="hop-list")

    def compose_body(self) -> ComposeResult:
        yield self._list

    def on_mount(self) -> None:
        self._list.highlighted = 0

    @property
    def selected(self) -> HopName:
        """The hop under the cursor."""
        return HOP_ORDER[self._list.highlighted or 0]

    def select(self, hop: HopName) -> None:
        """Move the cursor to ``hop`` (posts HopSelected like a key press, when it moves)."""
        if self._list.highlighted != HOP_ORDER.index(hop):
            self._list.highlighted = HOP_ORDER.index(hop)

    def watch_view(self, view: HopsView | None) -> None:
        kind = view.kind if view is not None else VerdictKind.PENDING
        live = view is not None and kind is VerdictKind.PENDING
        self.set_class(live, "-live")
        self.set_class(view is not None and not live, "-done")
        self.set_class(kind in (VerdictKind.BROKEN, VerdictKind.ERROR), "-broken")
        self.border_subtitle = safe(view.trace_id or "") if view is not None else ""
        for index, name in enumerate(HOP_ORDER):
            hop = view.hops[index] if view is not None else None
            self._list.replace_option_prompt_at_index(index, hop_row(name, hop, kind))

    def action_cursor_down(self) -> None:
        self._list.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._list.action_cursor_up()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.HopSelected(self, HOP_ORDER[event.option_index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.HopSelected(self, HOP_ORDER[event.option_index]))
