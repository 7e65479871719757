"""TokenInspector: the caller's identity as one hop saw it, what changed from the hop before, and the token."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from console.model.enums import HopName, SignatureStatus
from console.timefmt import numeric_date
from widgets.identity_diff import CHANGE_STYLE, CHANGE_WORD, Change, diff, subject_change
from widgets.pane import ScrollPane
from widgets.text import heading, hop_value, identity_summary, line, lines, safe, status_badge
from widgets.token_text import countdown_line, findings_rows, token_rows

if TYPE_CHECKING:
    from console.model.findings import Finding
    from console.model.token import TokenReport
    from console.model.trace import Hop
    from console.model.views import Inspection as HopView

SECTION = {
    HopName.CLIENT: "Request identity",
    HopName.GATEWAY: "Identity at the gateway",
    HopName.AUTHORIZER: "Principal and context",
    HopName.INTEGRATION: "Headers sent to IIS",
    HopName.IIS: "What IIS saw",
}
_BANNER = {
    SignatureStatus.INVALID: "✗ SIGNATURE INVALID — these claims are forged or the key is wrong; trust nothing below",
    SignatureStatus.UNVERIFIED: "! UNVERIFIED — no key was given, the signature was not checked; claims are untrusted",
    SignatureStatus.UNSUPPORTED: "! UNVERIFIED — Baton cannot check this token's signature; claims are untrusted",
}


class TokenInspector(ScrollPane):
    """The identity as seen at the selected hop, with changes from the previous hop marked."""

    HELP = """\
## Token inspector
The caller's identity **as the hop selected in the hop trace saw it**:

- **client**: the token — header, claims with UTC times, a live expiry countdown, the signature
  check and the findings with their fixes. An **UNVERIFIED** banner means the signature was not
  valid or not checked: the claims are only what the token *says*.
- **authorizer**: the principal and the context map; **integration**: the headers sent to IIS;
  **iis**: the user IIS resolved and the headers it received.

Changes from the previous hop are marked: `+` added, `~` changed, `−` missing, `→` renamed
(the same value under a new name, e.g. `sub` → `X-User-Sub`).

- `m`: reveal or mask credential values (Authorization, x-api-key, cookies, long opaque values).
"""

    DEFAULT_CSS = """
    TokenInspector > .inspector--banner {
        display: none;
        height: auto;
        text-style: bold;
        color: $text;
        background: $warning-muted;
    }
    TokenInspector.-unverified > .inspector--banner { display: block; }
    TokenInspector.-invalid > .inspector--banner { background: $error-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "toggle_mask", "Mask/reveal")]

    view: reactive[HopView | None] = reactive(None, always_update=True)
    """The hop shown, from the TraceBook; None while it is pending or before any trace."""
    """The hop shown; None until a hop is selected."""
    masked: reactive[bool] = reactive(True)
    """Credential-looking values are shown by their shape only."""

    def __init__(
        self,
        *,
        now: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Token inspector"
        self.now = now
        """The clock for the countdown; tests and snapshots freeze it."""
        self._banner = Static("", classes="inspector--banner")

    def compose_body(self) -> ComposeResult:
        yield self._banner
        yield from super().compose_body()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="countdown")

    def show(
        self,
        hop: Hop,
        previous: Hop | None,
        report: TokenReport | None,
        findings: tuple[Finding, ...] = (),
    ) -> None:
        """Show ``hop`` against ``previous``; ``report`` is used at the client hop only."""
        from console.model.views import Inspection

        self.view = Inspection(hop, previous, report, findings)

    def clear(self) -> None:
        """Show nothing (a new trace started)."""
        self.view = None

    def tick(self) -> None:
        """Redraw when a countdown is on screen (called each second)."""
        if self._report() is not None:
            self._draw()

    def action_toggle_mask(self) -> None:
        self.masked = not self.masked

    def watch_masked(self, masked: bool) -> None:
        self.set_class(not masked, "-revealed")
        self._draw()

    def watch_view(self, view: HopView | None) -> None:
        self.border_subtitle = f"at {view.hop.name}" if view else ""
        report = self._report()
        status = report.signature.status if report else SignatureStatus.VALID
        self.set_class(status is not SignatureStatus.VALID, "-unverified")
        self.set_class(status is SignatureStatus.INVALID, "-invalid")
        banner = _BANNER.get(status, "")
        detail = report.signature.detail if report and banner else ""
        self._banner.update(line(banner, *((" (", safe(detail), ")") if detail else ())))
        self._draw()

    def _tokens(self) -> tuple[str, ...]:
        """The client's token: a hop that logged only its tail is shown with this token's length and fingerprint."""
        view = self.view
        return (view.report.token.compact,) if view is not None and view.report is not None else ()

    def _report(self) -> TokenReport | None:
        view = self.view
        return view.report if view is not None and view.hop.name is HopName.CLIENT else None

    def _draw(self) -> None:
        view = self.view
        if view is None:
            self.set_body(
                Content.styled("Select a hop in the hop trace to see the identity it carried.", "$text-muted")
            )
            return
        rows = self._identity_rows(view)
        report = self._report()
        if report is not None:
            now, exp = self.now(), numeric_date(report.token.claims.get("exp"))
            rows += ["", countdown_line(exp, now) if exp is not None else Content(""), *token_rows(report, now)]
        findings = [*(report.findings if report else ()), *view.findings]
        if findings:
            rows += ["", heading("Findings"), *findings_rows(findings)]
        if view.hop.evidence:
            rows += ["", heading("Evidence"), *(safe(e, "$text-muted") for e in view.hop.evidence)]
        self.set_body(lines(Content(r) if isinstance(r, str) else r for r in rows))

    def _identity_rows(self, view: HopView) -> list[Content | str]:
        hop, previous = view.hop, view.previous
        identity, before = hop.identity, previous.identity if previous else None
        subject = subject_change(identity, before) if previous else Change.SAME
        head = line(
            status_badge(hop.status),
            "  at ",
            (str(hop.name), "bold"),
            "  ",
            identity_summary(identity, hop.name),
            *self._mark(subject, before.subject if before else None),
        )
        rows: list[Content | str] = [head, "", heading(SECTION[hop.name])]
        if previous is not None:
            rows.append(
                line(
                    ("compared with ", "$text-muted"),
                    (str(previous.name), "$text-muted bold"),
                    ("   + added  ~ changed  − missing  → renamed", "$text-muted"),
                )
            )
        changes = diff(identity, before if previous else None)
        if not changes:
            rows.append(Content.styled("(nothing observed)", "$text-muted"))
        width = max((len(r.name) for r in changes), default=0)
        for row in changes:
            style = CHANGE_STYLE[row.change]
            value = (
                Content("")
                if row.value is None
                else hop_value(row.name, row.value, masked=self.masked, now=self.now(), known=self._tokens())
            )
            rows.append(
                line(
                    (f"{row.change} ", f"bold {style}".strip()),
                    safe(row.name.ljust(width), style),
                    "  ",
                    value,
                    *self._mark(row.change, row.before, name=row.name),
                )
            )
        return rows

    def _mark(self, change: Change, before: str | None, *, name: str = "") -> tuple[Content, ...]:
        if change is Change.SAME:
            return ()
        word, style = CHANGE_WORD[change], CHANGE_STYLE[change]
        if before is None:
            return (Content.styled(f"  ({word})", style),)
        what = "from " if change is Change.RENAMED else "was "
        shown = (
            before
            if change is Change.RENAMED
            else hop_value(name, before, masked=self.masked, known=self._tokens()).plain
        )
        return (line((f"  ({word}, {what}", style), safe(shown, style), (")", style)),)
