"""AuthorizerPanel: the authorizer's decision: effect, principal, policy against this method ARN, context, cache."""

from __future__ import annotations

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
    parts: list[Part] = [mark, safe(statement.effect.ljust(5), f"bold {effect_style}"), " ",
                         safe(", ".join(statement.actions)), " ", safe(", ".join(statement.resources))]
    if statement.matches_request:
        parts.append(("  ← matches this method", "bold $text-accent"))
    return line(*parts)


def view_content(view: AuthorizerView | None) -> Content:
    """The panel text for the current trace: pending, cancelled and not-reached say so; never a stale decision."""
    if view is None:
        return decision_content(None)
    if view.kind is VerdictKind.CANCELLED:
        return Content.styled("– cancelled: the trace was stopped before the authorizer was seen.", "$text-muted")
    if view.hop_status is HopStatus.NOT_REACHED:
        return Content.styled("– not reached: an earlier hop stopped the request before the authorizer ran.",
                              "$text-muted")
    if view.decision is None:
        if view.kind is VerdictKind.PENDING:
            return Content.styled("· pending: waiting for this trace…", "$text-muted")
        return Content.styled("? unknown: no probe saw the authorizer's decision for this trace.", "$text-muted")
    return decision_content(view.decision)


def decision_content(decision: AuthorizerDecision | None) -> Content:
    """The whole panel text for a decision."""
    if decision is None:
        return Content.styled("No authorizer decision for this trace yet.", "$text-muted")
    known = EFFECT_BADGE.get(decision.effect.lower())
    badge = Content.styled(*known) if known else line(("? ", "bold"), safe(decision.effect.upper(), "bold"))
    rows: list[Content | str] = [
        line(badge, ("  by ", "$text-muted"), safe(decision.kind, "bold"),
             ("  seen by ", "$text-muted"), safe(decision.source)),
    ]
    if decision.reason:
        rows.append(line(("reason  ", "bold"), safe(decision.reason)))
    principal = (safe(decision.principal_id, "bold") if decision.principal_id
                 else Content.styled("(none)", "$text-error"))
    rows.append(line(("principal  ", "bold"), principal))
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
        goes: Part | Content = (line(("  → ", "$text-accent"), safe(target, "$text-accent")) if target
                                else ("  → not mapped", "$text-muted"))
        rows.append(line("  ", safe(key.ljust(width), "$text-primary"), "  ", hop_value(key, value, masked=True), goes))
    return lines(Content(r) if isinstance(r, str) else r for r in rows)


class AuthorizerPanel(ScrollPane):
    """The authorizer's decision for this request."""

    HELP = """\
## Authorizer decision
What the authorizer decided and why:

- **effect** (✓ ALLOW, ✗ DENY, ✗ UNAUTHORIZED, ✗ ERROR, ? UNKNOWN), the authorizer kind and which
  probe saw the decision (sandbox, local evaluation, the response, `aws test-invoke`).
- **principal**: who the authorizer says the caller is; *(none)* means it carries no identity.
- **policy**: the statements returned; **▶ … ← matches this method** marks the one covering this
  request's method ARN. No match is an implicit deny.
- **context → integration**: each context key and the header it is mapped to for IIS.
- **cache**: hit (a cached decision, possibly from another route), miss, or unknown.
"""

    DEFAULT_CSS = """
    AuthorizerPanel.-allow { border-title-color: $text-success; }
    AuthorizerPanel.-deny { border-title-color: $text-error; }
    """

    STATES = ("-empty", "-allow", "-deny", "-unknown")
    decision: reactive[AuthorizerDecision | None] = reactive(None, always_update=True, init=False)
    """The decision shown; None when no probe saw the authorizer (yet)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Authorizer"
        self.set_body(decision_content(None))

    view: reactive[AuthorizerView | None] = reactive(None, always_update=True, init=False)
    """The current trace's authorizer, from the TraceBook; None before the first request."""

    def watch_view(self, view: AuthorizerView | None) -> None:
        shown = view.decision if view is not None and view.hop_status is not HopStatus.NOT_REACHED else None
        effect = shown.effect.lower() if shown is not None else ""
        self.set_state("-empty" if shown is None else _EFFECT_CLASS.get(effect, "-unknown"))
        self.set_class(shown is not None and bool(shown.cached), "-cached")
        self.set_body(view_content(view))

    def watch_decision(self, decision: AuthorizerDecision | None) -> None:
        state = "-empty" if decision is None else _EFFECT_CLASS.get(decision.effect.lower(), "-unknown")
        self.set_state(state)
        self.set_class(decision is not None and bool(decision.cached), "-cached")
        self.set_body(decision_content(decision))
