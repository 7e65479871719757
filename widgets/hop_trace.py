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

from console.model.enums import HOP_ORDER, HopName, HopStatus
from widgets.pane import Pane
from widgets.text import identity_summary, latency, line, safe, status_badge

if TYPE_CHECKING:
    from console.model.trace import Hop, HopObservation, Trace

# When probes disagree about a hop, the most telling status wins; UNKNOWN only when nothing else was seen.
_RANK = {HopStatus.BROKEN: 4, HopStatus.WARNING: 3, HopStatus.OK: 2, HopStatus.NOT_REACHED: 1, HopStatus.UNKNOWN: 0}


def merge(name: HopName, observations: list[HopObservation]) -> Hop | None:
    """One hop from its live observations (None when none arrived yet)."""
    if not observations:
        return None
    from console.model.trace import Hop  # loaded by then: observations come from a trace
    status = max((o.status for o in observations), key=_RANK.__getitem__)
    identity = next((o.identity for o in reversed(observations) if o.identity is not None), None)
    elapsed = next((o.elapsed_ms for o in reversed(observations) if o.elapsed_ms is not None), None)
    evidence = tuple(e for o in observations for e in o.evidence)
    return Hop(name, status, identity, evidence, elapsed, tuple(observations))


def hop_row(name: HopName, hop: Hop | None) -> Content:
    """One row: ``✓ ok       authorizer   12 ms  sub=alice via authorizer context``."""
    badge = status_badge(hop.status if hop else None)
    ms = latency(hop.elapsed_ms if hop else None)
    identity = identity_summary(hop.identity, name) if hop and hop.status is not HopStatus.NOT_REACHED else Content("")
    if hop is None:
        identity = Content.styled("waiting…", "$text-muted")
    return line(badge.pad_right(14 - badge.cell_length), (f"{name:<11}", "bold"),
                (f"{ms:>6}  ", "$text-muted"), identity)


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
    HopTrace {
        min-height: 7;
    }
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

    trace: reactive[Trace | None] = reactive(None, always_update=True)
    """The finished trace; None while a trace is live (rows come from ``observe``) or before any."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Hop trace"
        self.trace_id: str | None = None
        self._observed: dict[HopName, list[HopObservation]] = {h: [] for h in HOP_ORDER}
        self._list = OptionList(*(Option(hop_row(h, None), id=str(h)) for h in HOP_ORDER), id="hop-list")

    def compose_body(self) -> ComposeResult:
        yield self._list

    def on_mount(self) -> None:
        self._list.highlighted = 0

    @property
    def selected(self) -> HopName:
        """The hop under the cursor."""
        return HOP_ORDER[self._list.highlighted or 0]

    def hop(self, name: HopName) -> Hop | None:
        """What is known about one hop now: from the finished trace, else merged from live observations."""
        if self.trace is not None:
            return self.trace.hop(name)
        return merge(name, self._observed[name])

    def reset(self, trace_id: str | None = None) -> None:
        """Start over for a new trace: every hop pending, selection kept."""
        self.trace_id = trace_id
        for observations in self._observed.values():
            observations.clear()
        self.trace = None
        self.set_class(trace_id is not None, "-live")
        self.border_subtitle = safe(trace_id or "")

    def observe(self, observation: HopObservation) -> None:
        """Show one probe's observation of one hop as it arrives."""
        self._observed[observation.hop].append(observation)
        if self.trace is None:
            self._show_row(observation.hop, merge(observation.hop, self._observed[observation.hop]))

    def select(self, hop: HopName) -> None:
        """Move the cursor to ``hop`` (posts HopSelected like a key press)."""
        self._list.highlighted = HOP_ORDER.index(hop)

    def watch_trace(self, trace: Trace | None) -> None:
        if trace is not None:
            self.trace_id = trace.trace_id
            self.border_subtitle = safe(trace.trace_id)
        self.set_class(trace is not None, "-done")
        self.set_class(trace is not None and not trace.verdict.ok, "-broken")
        if trace is not None:
            self.remove_class("-live")
        for name in HOP_ORDER:
            self._show_row(name, self.hop(name))

    def _show_row(self, name: HopName, hop: Hop | None) -> None:
        self._list.replace_option_prompt_at_index(HOP_ORDER.index(name), hop_row(name, hop))

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
