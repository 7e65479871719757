"""Fixes built from the profile: the mapping for its own header and claim, the probe it has (or lacks)."""

from __future__ import annotations

from console.engine.diagnosis.iis_log import joined
from console.engine.target import Target
from console.model.trace import ResponseSnapshot

ECHO_SHAPE = '{"headers": {…}, "user": "…", "auth_type": "…"}'


def mapping_expression(target: Target, header: str, claim: str) -> str:
    """The integration mapping that sends ``claim`` to IIS as ``header``, in the syntax of this API kind and auth.

    REST parameter mapping omits the ``$``; an HTTP API overwrites with ``$context``; a Lambda authorizer's values
    are its context keys, a JWT/Cognito authorizer's are ``claims.<name>``."""
    source = f"authorizer.{claim}" if target.auth == "lambda" else f"authorizer.claims.{claim}"
    if target.gateway_kind == "http":
        return f"overwrite:header.{header} = $context.{source}"
    return f"integration.request.header.{header} = context.{source}"


def header_missing_fix(target: Target, header: str, claim: str) -> str:
    """Fix for integration.claim_header_missing with the profile's own header and claim."""
    where = "route's parameter mapping" if target.gateway_kind == "http" else "integration request"
    return f"Map the claim to the header in the {where} ({mapping_expression(target, header, claim)}) and redeploy."


def header_empty_fix(target: Target, header: str, claim: str) -> str:
    """Fix for integration.claim_header_empty: the mapped source is absent from this token or context path."""
    return (
        f"The mapping for {header} reads a value this token does not carry: check that the token has {claim} and "
        f"that the mapping reads it ({mapping_expression(target, header, claim)}); map a claim the token carries."
    )


def claim_missing_fix(target: Target, header: str, claim: str) -> str:
    """Fix for a token that lacks the claim the profile propagates: no mapping can send what the token lacks."""
    return (
        f"Request a token that carries {claim} (IdP claim mapping / scopes, or the access token rather than the "
        f"ID token), or change [propagation] so {header} carries a claim the token has."
    )


def underscore_fix(header: str, alias: str) -> str:
    """Fix for iis.header_name_underscore with the names actually seen."""
    return (
        f"Use hyphens ({header}, not {alias}): underscore names are dropped by proxies and collide with HTTP_ "
        f"server variables at IIS, so the module reading {header} sees nothing."
    )


def unconfirmed_fix(
    target: Target,
    response: ResponseSnapshot | None,
    log_note: str = "",
    *,
    echo_answered: bool = False,
    log_no_field: bool = False,
    log_headers_only: bool = False,
) -> str:
    """What would confirm the identity IIS saw, given what the profile already configures.

    ``echo_answered``: an echo body was read but could not speak for this request (another request's, malformed).
    ``log_no_field``: the log has no correlation-id field. ``log_headers_only``: this request's line shows the
    identity header IIS received, but cs-username is '-'."""
    parts: list[str] = []
    if echo_answered:
        parts.append(
            "The echo answered, but its answer cannot confirm this request: make sure nothing caches or replays it "
            "(a CDN or proxy keyed without the correlation id) and that it reports one user, as a string."
        )
    elif target.echo_path:
        what = ""
        if response is not None:
            kind = (response.header("content-type") or "no content type").split(";", 1)[0].strip()
            what = f" answered {response.status} {kind}, not"
        parts.append(
            f"The echo endpoint ([iis] echo_path = {target.echo_path}){what or ' did not answer with'} the echo JSON "
            f"{ECHO_SHAPE}: check that echo_path is right, that the request went to it, and that the echo is "
            "deployed behind this route."
        )
    if target.log_path:
        parts.append(_log_fix(target, log_note, log_no_field=log_no_field, log_headers_only=log_headers_only))
    if not parts:
        parts.append(
            "Configure [iis] echo_path (an endpoint returning what IIS received) or log_path with a "
            "correlation-id field, so Baton can confirm the identity that reached IIS."
        )
    return " ".join(parts)


def _log_fix(target: Target, log_note: str, *, log_no_field: bool, log_headers_only: bool) -> str:
    where = f"The IIS log ([iis] log_path = {target.log_path})"
    header = target.correlation_header
    if log_no_field:
        return (
            f"{where} has no {header} field, so no line can be tied to this request: add a custom field named "
            f"{header} (source type RequestHeader, the {header} request header) to the site's W3C log, and make "
            "sure the gateway forwards that header to IIS."
        )
    if log_headers_only:
        return (
            f"{where} shows the identity header IIS received, not the user the application resolved from it "
            "(cs-username stays '-' unless IIS itself authenticated the call): configure [iis] echo_path, an "
            "endpoint that reports the user the application resolved."
        )
    return joined(
        f"{where} did not show the user" + (f": {log_note}" if log_note else ""),
        f"log cs-username (or the identity header as a custom field) with {header} as a custom field, "
        "and flush the log buffer (netsh http flush logbuffer).",
    )
