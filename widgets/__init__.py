"""Baton's panes: Textual widgets that render domain objects as inert text, with no I/O."""

from widgets.authorizer_panel import AuthorizerPanel
from widgets.hop_trace import HopTrace
from widgets.iis_panel import IisPanel
from widgets.pane import Pane, ScrollPane
from widgets.request_bar import RequestBar
from widgets.token_inspector import TokenInspector
from widgets.trace_feed import TraceFeed
from widgets.verdict_bar import VerdictBar

PANES: tuple[type[Pane], ...] = (RequestBar, HopTrace, TokenInspector, AuthorizerPanel, IisPanel, VerdictBar, TraceFeed)
"""Every pane, in screen order; the help screen lists their HELP."""

__all__ = [
    "PANES",
    "AuthorizerPanel",
    "HopTrace",
    "IisPanel",
    "Pane",
    "RequestBar",
    "ScrollPane",
    "TokenInspector",
    "TraceFeed",
    "VerdictBar",
]
