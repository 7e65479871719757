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
from console.sanitize import inert
from widgets.pane import Pane
from widgets.text import identity_summary, latency, line, safe, status_badge

if TYPE_CHECKING:
    from console.model.trace import Hop
    from console.model.views import HopsView


def hop_row(name: HopName, hop: Hop | None, kind: VerdictKind = VerdictKind.PENDING) -> Content:
    """One row: ``✓ ok       authorizer   12 ms  sub=alice via authorizer context``; while the trace runs, a hop a
    probe is still waiting on says how far along it is (``· pending  integration  6/30 s  CloudWatch: 6 s of 30 s,
    attempt 3 — …``: the clock in the latency column, so a narrow pane still shows it)."""
    cancelled = kind is VerdictKind.CANCELLED
    waiting = progress_of(hop) if kind is VerdictKind.PENDING else None
    if cancelled:
        badge = Content.styled("– cancelled", "$text-muted")
    elif hop is None and kind is not VerdictKind.PENDING:
        badge = status_badge(HopStatus.NOT_REACHED)  # the trace ended (an error) before anything saw this hop
    else:
        badge = status_badge(hop.status if hop and waiting is None else None)
    ms = f"{latency(hop.elapsed_ms if hop else None):>6}  "
    if waiting is not None and hop is not None:
        clock = next((o.data.get("progress_clock") for o in reversed(hop.observations) if "progress" in o.data), None)
        # One space each side ("integration" fills its column): the row's width stays that of a latency.
        ms = f"{inert(clock)[:8]:>7} " if isinstance(clock, str) else ms
    identity = identity_summary(hop.identity, name) if hop and hop.status is not HopStatus.NOT_REACHED else Content("")
    if hop is None:
        identity = Content.styled("waiting…", "$text-muted") if kind is VerdictKind.PENDING else Content("")
    elif waiting is not None:
        identity = safe(waiting, "$text-muted")
    return line(badge.pad_right(14 - badge.cell_length), (f"{name:<11}", "bold"), (ms, "$text-muted"), identity)


def progress_of(hop: Hop | None) -> str | None:
    """What a live hop is still waiting for: the latest ``progress`` a probe told for it (e.g. the CloudWatch poll's
    ``CloudWatch: 6 s of 30 s, attempt 3 — waiting for …``), while nothing has settled its status."""
    if hop is None or hop.status is not HopStatus.UNKNOWN or hop.identity is not None:
        return None
    said = next((o.data["progress"] for o in reversed(hop.observations) if "progress" in o.data), None)
    return said if isinstance(said, str) and said else None


class HopTrace(Pane):
    """The hops of the current trace, live as they are observed; selecting one shows it in the inspector."""

    HELP = """\
## Hop trace
The request's path: **client → gateway → authorizer → integration → iis**.

Each row shows the hop's status as a glyph and a word (**✓ ok**, **! warning**, **✗ broken**,
**? unknown** — no probe could see it, never assumed fine — **– not reached**, **· pending**),
its latency and the identity it carried (`sub=alice via X-User-Sub header`, `anonymous`, `unknown`).
While a trace runs, a hop still being looked up says how far along it is
(`6/30 s  CloudWatch: 6 s of 30 s, attempt 3`, up to the profile's `[aws] log_wait`).

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
