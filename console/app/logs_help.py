"""The Logs view's words for the user: its search hint, its own help page (keys and panes) and what its footer shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.app.actions import LOGS_ACTIONS

if TYPE_CHECKING:
    from console.app.modals import HelpModal

SHOWN = ("back", "focus_search", "toggle_tail", "refresh", "help")
"""The Logs view's actions the footer shows (every one is in the palette and the help page)."""

SEARCH_HINT = "correlation id, or status:401.2 user:alice path:/orders since:2026-01-01T10:00"
"""The search box's placeholder: the two kinds of search, by example."""

SEARCH_HELP = """\
## Search box
Type `/`, then words, then `enter`. A bare word is a correlation id (`X-Correlation-Id`, or the profile's
correlation field). Field words, all of which must match: `status:401` or `status:401.2`,
`user:alice` (the caller the line names, by the join's rule: `cs-username`, else a logged identity header such as
`X-User-Sub`; exact, `*` spans realms: `user:*\\alice`), `path:/orders` (the whole path; `path:/orders*` for a
prefix), `since:2026-01-01T10:00` and `until:…` (UTC, as IIS logs).
An empty search lists every line, newest first. At most 10,000 lines are kept; the status line counts the older
ones not shown, the quarantined lines and the lines read.
"""

TAIL_HELP = """\
## Tail
`t` follows the IIS log live (a file, a folder's newest `u_ex*.log`, or a glob's newest match, across daily
rotation). It keeps its place while you are away: coming back shows every line written since, or the newest
10,000 and how many older ones were not shown. Selecting a line other than the newest pauses it (`‖ tail paused`)
so the line stays put; `home` resumes. A log that does not exist yet: `◌ tail waiting`, and it is picked up when
IIS creates it.
"""

MOVE_KEYS = ("↑ ↓ / j k, home / end", "Move in the lines")
"""The table's own keys, listed after the view's actions."""


def help_modal() -> HelpModal:
    """The Logs view's help page: its keys, then the search, the tail and each pane's own help."""
    from console.app.modals import HelpModal
    from widgets.join_summary import JoinSummary
    from widgets.log_record_detail import LogRecordDetail
    from widgets.log_table import LogLines

    keys = [(action.key_label, action.help) for action in LOGS_ACTIONS] + [MOVE_KEYS]
    panes = [SEARCH_HELP, TAIL_HELP, LogLines.HELP, LogRecordDetail.HELP, JoinSummary.HELP]
    return HelpModal(keys, panes, "Baton · Logs view — keys")
