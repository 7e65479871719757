"""Integration request parameter mapping: REST ``integration.request.header.X``, HTTP API ``overwrite|append:``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console.sandbox.records import header_value

__all__ = ["MappingContext", "apply_mapping", "planned_value", "resolve"]


@dataclass(frozen=True, slots=True)
class MappingContext:
    """What a mapping expression can read for one request."""

    request_id: str
    client_headers: list[tuple[str, str]]
    principal_id: str | None = None
    claims: Mapping[str, Any] | None = None
    context: Mapping[str, Any] | None = None
    stage_variables: Mapping[str, str] = field(default_factory=dict)


def resolve(expression: str, ctx: MappingContext) -> str | None:
    """The value of one source expression; None when it names nothing (an absent claim, a missing header)."""
    expr = expression.strip()
    if len(expr) >= 2 and expr[0] == expr[-1] == "'":
        return expr[1:-1]
    expr = expr.removeprefix("$").removeprefix("{").removesuffix("}")
    if expr.startswith("context.authorizer.claims."):
        value = (ctx.claims or {}).get(expr.removeprefix("context.authorizer.claims."))
        return None if value is None else str(value)
    if expr == "context.authorizer.principalId":
        return ctx.principal_id
    if expr.startswith("context.authorizer."):
        value = (ctx.context or {}).get(expr.removeprefix("context.authorizer."))
        return None if value is None else str(value)
    if expr in {"context.requestId", "context.extendedRequestId"}:
        return ctx.request_id
    for prefix in ("method.request.header.", "request.header."):
        if expr.startswith(prefix):
            return header_value(ctx.client_headers, expr.removeprefix(prefix))
    if expr.startswith("stageVariables."):
        return ctx.stage_variables.get(expr.removeprefix("stageVariables."))
    return None


def planned_value(name: str, mapping: tuple[tuple[str, str], ...], integration: str, ctx: MappingContext) -> str | None:
    """The value integration header ``name`` will carry, judged before the authorizer has run.

    Its mapping's source when the API maps it (authorizer sources are not known yet: None), else the
    client's own header when the integration passes client headers through (HTTP_PROXY)."""
    low = name.lower()
    source = next((src for header, src in mapping if header.lower() == low), None)
    if source is not None:
        return resolve(source, ctx)
    return header_value(ctx.client_headers, name) if integration == "HTTP_PROXY" else None


def apply_mapping(
    headers: list[tuple[str, str]],
    mapping: tuple[tuple[str, str], ...],
    ctx: MappingContext,
    *,
    rest: bool,
    append: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """Integration headers after mapping.

    REST sets each mapped header (replacing a passed-through one); an unresolvable source still sends
    the header, empty (F17: "header dump shows X-User-Id= with no value"). HTTP API ``overwrite:``
    replaces, ``append:`` comma-joins after the client's value (§2.4, F19); an empty value is not sent [inf].
    """
    out = list(headers)
    for name, source in mapping:
        value = resolve(source, ctx)
        low = name.lower()
        existing = [v for k, v in out if k.lower() == low]
        if not rest and name in append:
            if value is None:
                continue
            out = [(k, v) for k, v in out if k.lower() != low]
            out.append((name, ",".join([*existing, value])))
            continue
        if value is None and not rest:
            continue
        out = [(k, v) for k, v in out if k.lower() != low]
        out.append((name, value or ""))
    return out
