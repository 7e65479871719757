"""Every console action, declared once: its keys, title and help feed the bindings, footer, help page and palette."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConsoleAction:
    """One thing the user can do on the console screen."""

    action: str
    """The screen's ``action_<name>``."""
    keys: tuple[str, ...]
    """Textual key names; the first is shown in the footer."""
    title: str
    """Short, for the footer and the palette."""
    help: str
    """One line for the help page and the palette."""
    label: str = ""
    """How the keys read to a person (default: the key names)."""

    @property
    def key_label(self) -> str:
        """``ctrl+r`` or ``F1 / ?``."""
        return self.label or " / ".join(self.keys)

    @property
    def footer_key(self) -> str:
        """The key as the footer shows it, short like Textual's own ``^p``: ``^r``, ``F5``, ``F1 / ?``."""
        return self.key_label.replace("ctrl+", "^")


ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction("send", ("ctrl+r",), "Send", "Send the test request through the gateway"),
    ConsoleAction("resend", ("f5",), "Re-send", "Repeat the last request", "F5"),
    ConsoleAction("cancel", ("escape",), "Cancel", "Cancel the running trace", "esc"),
    ConsoleAction("switch_profile", ("ctrl+o",), "Profile", "Open another profile"),
    ConsoleAction("switch_scenario", ("ctrl+n",), "Scenario", "Restart the sandbox with another breakage"),
    ConsoleAction(
        "copy_verdict",
        ("ctrl+y",),
        "Copy verdict",
        "Copy the verdict, its fix, the profile, trace id, correlation id and time",
    ),
    ConsoleAction(
        "copy_curl",
        ("ctrl+k",),
        "Copy curl",
        "Copy the equivalent curl command (the token is $TOKEN: export TOKEN=$(baton token --profile NAME))",
    ),
    ConsoleAction(
        "logs", ("ctrl+l",), "Logs", "Open the Logs view: search, tail and join the IIS and gateway access logs"
    ),
    ConsoleAction("toggle_token", ("ctrl+t",), "Reveal", "Reveal or mask credential-like values in the inspector"),
    ConsoleAction("help", ("f1", "question_mark"), "Help", "Keys and what each pane shows", "F1 / ?"),
)
"""In footer order."""

LOGS_ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction("back", ("escape", "q"), "Back", "Back to the console screen (the tail keeps its place)", "esc / q"),
    ConsoleAction(
        "focus_search", ("slash",), "Search", "Search the IIS logs: a correlation id or field:value words", "/"
    ),
    ConsoleAction("toggle_tail", ("t",), "Tail", "Follow the IIS log live (a selected line pauses it)", "t"),
    ConsoleAction("refresh", ("r",), "Re-run", "Run the search and the gateway ⨝ IIS join again", "r"),
    ConsoleAction("open_trace", ("enter",), "Open trace", "Open the trace carrying the selected line's correlation id"),
    ConsoleAction("send", ("ctrl+r",), "Send", "Back to the console screen and send the test request"),
    ConsoleAction("switch_profile", ("ctrl+o",), "Profile", "Back to the console screen and open another profile"),
    ConsoleAction("switch_scenario", ("ctrl+n",), "Scenario", "Back to the console screen and pick a scenario"),
    ConsoleAction("help", ("f1", "question_mark"), "Help", "The Logs view's keys, search words and panes", "F1 / ?"),
)
"""The Logs view's actions, in footer order: its bindings, palette entries and help page."""

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "Move between panes (below 100x30 they stack: each scrolls into view); the verdict scrolls"),
    ("↑ ↓ / j k", "Select a hop or a feed item"),
    ("ctrl+p", "Command palette"),
    ("ctrl+q", "Quit"),
)
"""Keys Textual and the panes provide, for the help page."""


def binding_actions() -> list[str]:
    """Every action a key is bound to (a test proves each resolves to a method)."""
    return [a.action for a in ACTIONS]
