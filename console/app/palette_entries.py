"""The console's actions as the palette lists them: (action, title, help)."""

from __future__ import annotations

PALETTE: list[tuple[str, str, str]] = [
    ("send", "Send the request", "Send the test request through the gateway (ctrl+r)"),
    ("resend", "Re-send the last request", "Repeat the last request (F5)"),
    ("cancel", "Cancel the trace", "Stop waiting for the running trace (esc)"),
    ("switch_profile", "Switch profile", "Open another profile (ctrl+o)"),
    ("switch_scenario", "Switch sandbox scenario", "Restart the sandbox with another breakage (ctrl+n)"),
    ("copy_verdict", "Copy the verdict", "Copy the verdict line and its fix (ctrl+y)"),
    ("copy_curl", "Copy as curl", "Copy the equivalent curl command, token redacted (ctrl+k)"),
    ("toggle_token", "Reveal / mask token values", "Show or hide credential-like values in the inspector (ctrl+t)"),
    ("help", "Help", "Keys and what each pane shows (F1 / ?)"),
]
