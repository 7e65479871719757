"""AuthorizerPanel: the authorizer's decision: effect, principal, policy against this method ARN, context, cache."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive

from console.model.enums import HopStatus, VerdictKind
from widgets.pane import ScrollPane
from widgets.text import Part, heading, hop_value, line, lines, safe

if TYPE_CHECKING:
    from console.model.trace import AuthorizerDecision, PolicyStatement
    from console.model.views import AuthorizerView

EFFECT_BADGE = {
    "allow": ("✓ ALLOW", "bold $text-success"),
    "deny": ("✗ DENY", "bold $text-error"),
    "unauthorized": ("✗ UNAUTHORIZED (401)", "bold $text-error"),
    "error": ("✗ ERROR", "bold $text-error"),
    "skipped": ("– SKIPPED", "$text-muted"),
    "unknown": ("? UNKNOWN", "$text-muted"),
}
_EFFECT_CLASS = {"allow": "-allow", "deny": "-deny", "unauthorized": "-deny", "error": "-deny"}
_CLAIMS_ONLY = ("cognito", "jwt")
"""Authorizer kinds that never set a principalId: the caller travels in their claims."""


def principal_text(decision: AuthorizerDecision) -> Content:
    """The principal, or what its absence means: normal for Cognito and JWT authorizers, worth a look on an allow
    by any other, nothing to report on a refusal. Only a missing principal on an allow is coloured, and not as an
    error: the request went through."""
    if decision.principal_id:
        return safe(decision.principal_id, "bold")
    kind = decision.kind.lower()
    if kind in _CLAIMS_ONLY:
        return line(
            ("(none)", "$text-muted"),
            (f" — normal for {kind}: the caller travels in the claims (context.authorizer.claims.sub)", "$text-muted"),
        )
    if decision.effect.lower() == "allow":
        return line(
            ("(none)", "$text-warning"),
            (
                " — allowed without naming a caller: a mapping of context.authorizer.principalId sends IIS nobody",
                "$text-muted",
            ),
        )
    return Content.styled("(none) — no caller: the request was refused", "$text-muted")


def cache_text(decision: AuthorizerDecision) -> Content:
    """``hit``, ``miss`` or ``unknown``, said in words."""
    if decision.cached is None:
        state: Part = ("unknown", "$text-muted")
    elif decision.cached:
        state = ("hit — this decision came from the authorizer cache", "bold $text-warning")
    else:
        state = ("miss — the authorizer ran for this request", "")
    parts: list[Part] = [("cache  ", "bold"), state]
    if decision.cache_key:
        parts += [("   key ", "$text-muted"), hop_value("cache key", decision.cache_key, masked=True)]
    return line(*parts)


def statement_row(statement: PolicyStatement) -> Content:
    """One policy statement; the one matching this method ARN is marked with ▶ and words."""
    mark: Part = ("▶ ", "bold $text-accent") if statement.matches_request else "  "
    effect_style = "$text-success" if statement.effect.lower() == "allow" else "$text-error"
    parts: list[Part] = [
        mark,
        safe(statement.effect.ljust(5), f"bold {effect_style}"),
        " ",
        safe(", ".join(statement.actions)),
        " ",
        safe(", ".join(statement.resources)),
    ]
    if statement.matches_request:
        parts.append(("  ← matches this method", "bold $text-accent"))
    return line(*parts)


def view_content(view: AuthorizerView | None, now: float | None = None) -> Content:
    """The panel text for the current trace: pending, cancelled and not-reached say so; never a stale decision."""
    if view is None:
        return decision_content(None)
    if view.kind is VerdictKind.CANCELLED:
        return Content.styled("– cancelled: the trace was stopped before the authorizer was seen.", "$text-muted")
    if view.hop_status is HopStatus.NOT_REACHED:
        return Content.styled(
            "– not reached: an earlier hop stopped the request before the authorizer ran.", "$text-muted"
        )
    if view.decision is None:
        if view.kind is VerdictKind.PENDING:
            return Content.styled("· pending: waiting for this trace…", "$text-muted")
        return Content.styled("? unknown: no probe saw the authorizer's decision for this trace.", "$text-muted")
    return decision_content(view.decision, now)


def decision_content(decision: AuthorizerDecision | None, now: float | None = None) -> Content:
    """The whole panel text for a decision; with ``now``, time values (``exp``, ``claims.iat``…) read as UTC times
    and how far off they are, never raw epochs."""
    if decision is None:
        return Content.styled("No authorizer decision for this trace yet.", "$text-muted")
    known = EFFECT_BADGE.get(decision.effect.lower())
    badge = Content.styled(*known) if known else line(("? ", "bold"), safe(decision.effect.upper(), "bold"))
    rows: list[Content | str] = [
        line(
            badge,
            ("  by ", "$text-muted"),
            safe(decision.kind, "bold"),
            ("  seen by ", "$text-muted"),
            safe(decision.source),
        ),
    ]
    if decision.reason:
        rows.append(line(("reason  ", "bold"), safe(decision.reason)))
    rows.append(line(("principal  ", "bold"), principal_text(decision)))
    if decision.method_arn:
        rows.append(line(("method ARN  ", "bold"), safe(decision.method_arn)))
    rows.append(cache_text(decision))
    rows += ["", heading("Policy")] if decision.policy else []
    rows += [statement_row(s) for s in decision.policy]
    if decision.policy and not any(s.matches_request for s in decision.policy):
        rows.append(Content.styled("  no statement matches this method ARN (implicit deny)", "bold $text-error"))
    rows += ["", heading("Context → integration")] if decision.context else []
    targets = {key.lower(): header for key, header in decision.context_targets}
    width = max((len(k) for k, _ in decision.context), default=0)
    for key, value in decision.context:
        target = targets.get(key.lower())
        goes: Part | Content = (
            line(("  → ", "$text-accent"), safe(target, "$text-accent"))
            if target
            else ("  → not mapped", "$text-muted")
        )
        rows.append(
            line("  ", safe(key.ljust(width), "$text-primary"), "  ", hop_value(key, value, masked=True, now=now), goes)
        )
    return lines(Content(r) if isinstance(r, str) else r for r in rows)


class AuthorizerPanel(ScrollPane):
    """The authorizer's decision for this request."""

    HELP = """\
## Authorizer decision
What the authorizer decided and why:

- **effect** (✓ ALLOW, ✗ DENY, ✗ UNAUTHORIZED, ✗ ERROR, ? UNKNOWN), the authorizer kind and which
  probe saw the decision (sandbox, local evaluation, the response, `aws test-invoke`).
- **principal**: who the authorizer says the caller is. *(none)* is normal for Cognito and JWT
  authorizers (the caller travels in the claims); on an allow by a Lambda authorizer it means IIS
  gets nobody from a `principalId` mapping.
- **policy**: the statements returned; **▶ … ← matches this method** marks the one covering this
  request's method ARN. No match is an implicit deny.
- **context → integration**: each context key and the header it is mapped to for IIS; times
  (`exp`, `iat`, `auth_time`) in UTC with how long ago or ahead.
- **cache**: hit (a cached decision, possibly from another route), miss, or unknown.
"""

    DEFAULT_CSS = """
    AuthorizerPanel.-allow { border-title-color: $text-success; }
    AuthorizerPanel.-deny { border-title-color: $text-error; }
    """

    STATES = ("-empty", "-allow", "-deny", "-unknown")

    def __init__(
        self,
        *,
        now: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Authorizer"
        self.now = now
        """The clock for "expires in 4 min"; tests and snapshots freeze it."""
        self.set_body(decision_content(None))

    view: reactive[AuthorizerView | None] = reactive(None, always_update=True, init=False)
    """The current trace's authorizer, from the TraceBook; None before the first request."""

    def watch_view(self, view: AuthorizerView | None) -> None:
        shown = view.decision if view is not None and view.hop_status is not HopStatus.NOT_REACHED else None
        effect = shown.effect.lower() if shown is not None else ""
        self.set_state("-empty" if shown is None else _EFFECT_CLASS.get(effect, "-unknown"))
        self.set_class(shown is not None and bool(shown.cached), "-cached")
        self.set_body(view_content(view, self.now()))
