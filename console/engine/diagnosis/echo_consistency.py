"""An echo that contradicts itself (a member given twice, server variables naming another user) shows no one user."""

from __future__ import annotations

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.diagnosis.iis_rules import same_user
from console.engine.diagnosis.propagation import lookup
from console.engine.probes.iis import IisView
from console.model.findings import Finding
from console.model.trace import HopName

IDENTITY_MEMBERS = ("headers", "server_variables", "auth_type")
"""Echo members besides ``user`` that say who IIS resolved: two differing copies leave it to JSON's last-wins."""
USER_VARIABLES = ("AUTH_USER", "LOGON_USER", "REMOTE_USER")
"""IIS's own record of the user it authenticated: non-empty, it must be the echo's user."""

_FIX = (
    "Fix the echo endpoint (or what feeds it) so it reports one consistent view: each member once, and the user, "
    "AUTH_USER/LOGON_USER/REMOTE_USER and the HTTP_ variables of the identity headers agreeing; if they really "
    "differ, IIS authenticated someone else (Windows auth or a reused connection) than the header names."
)


def contradictions(view: IisView, ev: Evidence) -> list[Finding]:
    """What makes the echo name more than one identity: repeated members, or server variables it disagrees with."""
    said: list[str] = []
    for name, values in view.duplicates:
        if name in IDENTITY_MEMBERS and len(set(values)) > 1:
            listed = ", ".join(values)
            said.append(f'the echo gives "{name}" {len(values)} times with different contents ({listed})')
    said += _variables(view, ev)
    if not said:
        return []
    detail = "; ".join(said) + ": the echo contradicts itself, so who IIS resolved is ambiguous"
    return [
        hop_finding(
            "iis.identity_ambiguous",
            detail,
            hop=HopName.IIS,
            evidence=tuple(f"echo: {s}" for s in said),
            fix=_FIX,
        )
    ]


def _variables(view: IisView, ev: Evidence) -> list[str]:
    said: list[str] = []
    user = view.user or ""
    for name in USER_VARIABLES:
        value = (lookup(view.server_variables, name) or "").strip()
        if value and not (user and (same_user(value, user) or same_user(user, value))):
            said.append(f'the echo\'s user is "{user or "nobody"}" but its server variable {name} is "{value}"')
    for header, _claim in ev.target.propagation:
        variable = "HTTP_" + header.upper().replace("-", "_")
        folded, got = lookup(view.server_variables, variable), lookup(view.headers, header)
        if folded is not None and got is not None and folded != got:
            # IIS folds X-User-Id and X_User_Id into one variable: a second value is another header's.
            said.append(f'the echo shows {header}: "{got}" but its server variable {variable} is "{folded}"')
        twin = header.replace("-", "_")
        other = lookup(view.headers, twin) if twin != header else None
        if other is not None and got is not None and other != got:
            # Both spellings reached IIS with different values: which one the module reads decides the user.
            said.append(f'IIS received {header}: "{got}" and {twin}: "{other}"')
    return said
