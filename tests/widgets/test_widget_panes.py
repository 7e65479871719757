"""Every pane: its own help, a border title, and a readable place in a 100x30 and a 200x50 layout."""

from __future__ import annotations

import pytest
from factories import authorizer_view, clock, hops_view, iis_view, verdict_view, windows_auth_trace
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from widget_harness import Harness, screen_text

from widgets import (
    PANES,
    AuthorizerPanel,
    HopTrace,
    IisPanel,
    Pane,
    RequestBar,
    TokenInspector,
    TraceFeed,
    VerdictBar,
)

TITLES = {
    HopTrace: "Hop trace",
    TokenInspector: "Token inspector",
    AuthorizerPanel: "Authorizer",
    IisPanel: "IIS response",
    VerdictBar: "Verdict",
    TraceFeed: "Live feed",
}


@pytest.mark.parametrize("pane", PANES, ids=lambda p: p.__name__)
def test_each_pane_has_its_own_help(pane: type[Pane]) -> None:
    assert pane.HELP.startswith("## ")
    assert len(pane.HELP.splitlines()) >= 3


class Console(Harness):
    """Roughly the layout the app uses: bar, two columns, verdict."""

    CSS = "#mid { height: 1fr; } #left, #right { width: 1fr; }"

    def compose(self) -> ComposeResult:
        now = clock()
        yield RequestBar(path="/orders")
        with Horizontal(id="mid"):
            with Vertical(id="left"):
                yield HopTrace()
                yield TokenInspector(now=lambda: now[0])
            with Vertical(id="right"):
                yield AuthorizerPanel()
                yield IisPanel()
                yield TraceFeed()
        yield VerdictBar()


@pytest.mark.parametrize("size", [(100, 30), (200, 50)])
async def test_all_panes_fit_and_show_their_titles(size: tuple[int, int]) -> None:
    app = Console()
    async with app.run_test(size=size) as pilot:
        trace = windows_auth_trace()
        app.query_one(HopTrace).view = hops_view(trace)
        app.query_one(TokenInspector).show(trace.hops[4], trace.hops[3], trace.token)
        app.query_one(AuthorizerPanel).view = authorizer_view(trace.authorizer)
        app.query_one(IisPanel).view = iis_view(trace.iis)
        app.query_one(VerdictBar).view = verdict_view(trace)
        await pilot.pause()
        text = screen_text(app)
        for pane, title in TITLES.items():
            widget = app.query_one(pane)
            assert title in text
            assert widget.region.height >= 3 and widget.region.right <= size[0] and widget.region.bottom <= size[1]
        assert "broken at iis" in text
        assert "· pending" not in text and "✗ broken      iis" in text
