"""Config findings for a REST API's identity chain: what the gateway will not send IIS, and why (domain §1, §5, §6).

Pure: takes the RestApiConfig read from AWS and the profile's expectations; no AWS call here.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.aws.config_read_http import is_cognito_issuer
from console.aws.inspect_commands import Commands, commands_for
from console.aws.rest_shape import SECRET_NAME
from console.model.aws_config import ConfigFinding, HeaderMapping, RestApiConfig, SourceKind
from console.model.enums import Confidence, HopName, Severity
from console.model.findings import Finding

ACCESS_LACKS = frozenset(
    {"aud", "email", "email_verified", "cognito:username", "phone_number", "phone_number_verified", "name"}
)
"""Claims of a Cognito ID token that its access tokens do not carry (domain §6), nor any ``custom:`` attribute."""
ID_LACKS = frozenset({"scope", "client_id", "username"})
"""Claims of a Cognito access token that its ID tokens do not carry (domain §6)."""


@dataclass(frozen=True, slots=True)
class Expected:
    """What the profile expects of the chain: headers → claim, the token type, the AWS profile for commands."""

    headers: tuple[tuple[str, str], ...]
    token_use: str | None = None
    aws_profile: str | None = None
    auth: str | None = None
    """The profile's [gateway] auth (``cognito``, ``jwt``, ``lambda``, ``iam``, ``none``)."""


def make_finding(code: str, severity: Severity, hop: HopName, title: str, detail: str, fix: str) -> Finding:
    """A config finding: likely (read from configuration, not observed on a request)."""
    return Finding(code, severity, title, detail, fix, hop=hop, confidence=Confidence.LIKELY)


def item(finding: Finding, commands: tuple[str, ...]) -> ConfigFinding:
    """The finding with its commands (an empty one, e.g. no redeploy on an auto-deploying stage, left out)."""
    return ConfigFinding(finding, tuple(command for command in commands if command))


def method_token_type(config: RestApiConfig) -> str | None:
    """``id`` or ``access``: the token type the METHOD takes, from its configuration alone (domain §1.5, §2.1): a
    Cognito authorizer treats the token as an ID token without OAuth scopes and requires an access token with them;
    a JWT authorizer with scopes checks the scope claim (access tokens). None: the configuration does not tell."""
    if config.authorizer is None or config.hit is None:
        return None
    if config.authorizer.type == "COGNITO_USER_POOLS":
        return "access" if config.hit.scopes else "id"
    if config.authorizer.type == "JWT" and config.hit.scopes:
        return "access"
    return None


def token_type(config: RestApiConfig, expected: Expected) -> str | None:
    """``id`` or ``access``: what the method takes; the profile's token_use only where the method does not tell (a
    JWT authorizer without scopes takes either)."""
    kind = method_token_type(config)
    if kind is not None or config.authorizer is None:
        return kind
    return expected.token_use if expected.token_use in ("id", "access") else None


def cognito_claims(config: RestApiConfig) -> bool:
    """True when the authorizer's tokens are Cognito's, whose claim sets per token type are known (domain §6)."""
    authorizer = config.authorizer
    if authorizer is None:
        return False
    return authorizer.type == "COGNITO_USER_POOLS" or (
        authorizer.type == "JWT" and any(is_cognito_issuer(issuer) for issuer in authorizer.issuers)
    )


def suggested_source(config: RestApiConfig, claim: str) -> str:
    """The mapping expression that would carry ``claim`` with this method's kind of authorization."""
    kind = config.hit.authorization_type if config.hit is not None else "NONE"
    dollar = "$" if config.kind == "http" else ""
    if kind == "CUSTOM":
        return f"{dollar}context.authorizer.{claim}"
    if kind == "AWS_IAM":
        return f"{dollar}context.identity.{claim}"
    if ":" in claim and not dollar:
        return f"context.authorizer.claims['{claim}']"
    return f"{dollar}context.authorizer.claims.{claim}"


def _lacks(claim: str, kind: str) -> bool:
    if kind == "access":
        return claim in ACCESS_LACKS or claim.startswith("custom:")
    return claim in ID_LACKS


def _by_header(mappings: tuple[HeaderMapping, ...]) -> dict[str, HeaderMapping]:
    """Header (lower case) → the mapping that sets it; an HTTP API ``remove:`` sets nothing."""
    return {mapping.header.lower(): mapping for mapping in mappings if mapping.via != "remove"}


def _secret_findings(header: str, mapping: HeaderMapping | None, commands: Commands) -> list[ConfigFinding]:
    if mapping is None:
        fix = f"keep the secret in a stage variable, map {header} from it and redeploy"
        return [
            item(
                make_finding(
                    "config.origin_secret_missing",
                    Severity.ERROR,
                    HopName.INTEGRATION,
                    f"the integration does not send the origin secret header {header}",
                    f"[propagation] names {header}, which IIS requires from the gateway; no mapping sets it, so IIS "
                    "refuses the request (or, worse, it is not enforced).",
                    fix,
                ),
                commands.secret_from_stage_variable(header, "originSecret"),
            )
        ]
    if mapping.kind is SourceKind.CLIENT:
        return [
            item(
                make_finding(
                    "config.origin_secret_from_client",
                    Severity.ERROR,
                    HopName.INTEGRATION,
                    f"the origin secret header {header} is copied from the caller's request",
                    f"{header} = {mapping.source}: whoever calls the API supplies the secret IIS trusts.",
                    "map it from a stage variable (or a literal) instead, and redeploy",
                ),
                commands.secret_from_stage_variable(header, "originSecret", replace=True),
            )
        ]
    return []


def _identity_findings(
    header: str, claim: str, mapping: HeaderMapping | None, config: RestApiConfig, commands: Commands
) -> list[ConfigFinding]:
    source = suggested_source(config, claim)
    hit = config.hit
    assert hit is not None
    if mapping is None:
        passthrough = (
            " On an HTTP_PROXY integration a client-sent header of that name reaches IIS unchanged."
            if (hit.integration_type == "HTTP_PROXY")
            else ""
        )
        title = f"no mapping sets {header} (the profile expects it to carry {claim})"
        detail = f"{hit.http_method} {hit.resource_path} sends IIS no {header}.{passthrough}"
        fix = f"map {header} from {source} and redeploy"
        finding = make_finding("config.header_unmapped", Severity.ERROR, HopName.INTEGRATION, title, detail, fix)
        return [item(finding, commands.set_header(header, source))]
    if mapping.kind is SourceKind.CLIENT:
        title = f"{header} is copied from the caller's request, not from the authorizer"
        detail = f"{header} = {mapping.source}: any caller can claim any identity."
        fix = f"map {header} from {source} and redeploy"
        finding = make_finding("config.header_from_client", Severity.ERROR, HopName.INTEGRATION, title, detail, fix)
        return [item(finding, commands.set_header(header, source, replace=True))]
    if mapping.kind in (SourceKind.LITERAL, SourceKind.STAGE_VARIABLE):
        what = "a fixed value" if mapping.kind is SourceKind.LITERAL else f"the stage variable {mapping.key}"
        title = f"{header} is {what}: every caller reaches IIS as the same identity"
        detail = (
            f"{header} = {mapping.source}; the profile expects it to carry {claim}. IIS cannot tell callers apart, "
            "and whoever gets through the gateway acts as that one identity."
        )
        fix = f"map {header} from {source} and redeploy"
        finding = make_finding("config.header_fixed_value", Severity.ERROR, HopName.INTEGRATION, title, detail, fix)
        return [item(finding, commands.set_header(header, source, replace=True))]
    if mapping.kind in (SourceKind.REQUEST_CONTEXT, SourceKind.OTHER):
        title = f"{header} carries {mapping.source}, not a caller identity; the profile expects {claim}"
        detail = f"{header} = {mapping.source}: it names the request, not who made it."
        fix = f"map {header} from {source} (if the profile is right) and redeploy"
        finding = make_finding("config.header_other_source", Severity.WARNING, HopName.INTEGRATION, title, detail, fix)
        return [item(finding, commands.set_header(header, source, replace=True))]
    if mapping.kind in (SourceKind.CLAIM, SourceKind.CONTEXT, SourceKind.IDENTITY) and mapping.key != claim:
        if mapping.kind is SourceKind.CONTEXT and mapping.key == "principalId":
            return []  # a Lambda authorizer's principalId is how it names the caller: the usual carrier of sub
        title = f"{header} carries {mapping.key}, the profile expects {claim}"
        detail = f"{header} = {mapping.source}"
        fix = f"map {header} from {source} (if the profile is right) and redeploy"
        finding = make_finding("config.header_other_source", Severity.WARNING, HopName.INTEGRATION, title, detail, fix)
        return [item(finding, commands.set_header(header, source, replace=True))]
    return []


def _claim_findings(config: RestApiConfig, expected: Expected, commands: Commands) -> list[ConfigFinding]:
    kind = token_type(config, expected)
    if kind is None or config.hit is None or config.authorizer is None:
        return []
    if not cognito_claims(config):
        return []
    found = []
    for mapping in config.hit.mappings:
        if mapping.kind is SourceKind.CLAIM and _lacks(mapping.key, kind):
            other = "ID" if kind == "access" else "access"
            title = f"{mapping.header} maps claim {mapping.key}, which Cognito {kind} tokens do not carry"
            detail = (
                f"{mapping.header} = {mapping.source}; the authorizer takes {kind} tokens"
                + (" (the method has OAuth scopes)" if config.hit.scopes and kind == "access" else "")
                + f": IIS receives an empty {mapping.header}. Only {other} tokens carry {mapping.key}."
            )
            fix = "map a claim this token type carries (sub), or send the other token type"
            finding = make_finding("config.claim_absent", Severity.ERROR, HopName.INTEGRATION, title, detail, fix)
            fixed = commands.set_header(mapping.header, suggested_source(config, "sub"), replace=True)
            found.append(item(finding, fixed))
    return found


def config_findings(config: RestApiConfig, expected: Expected) -> tuple[list[ConfigFinding], list[str]]:
    """The findings for ``config`` against ``expected``, and notes on what was not checked."""
    commands = commands_for(config, expected.aws_profile)
    findings: list[ConfigFinding] = []
    notes: list[str] = []
    # inspect_findings_gateway imports this module: imported below, when it runs.
    if not config.stage.serves_latest and config.stage.latest_deployment_id:
        latest = config.stage.latest_deployment_id
        title = f"stage {config.stage.name} serves deployment {config.stage.deployment_id}, not the latest ({latest})"
        detail = "Changes made since that deployment (mappings, authorizers) do not reach callers of this stage."
        fix = "point the stage at the latest deployment (or create a new one) once it is reviewed"
        finding = make_finding("config.stale_deployment", Severity.WARNING, HopName.GATEWAY, title, detail, fix)
        findings.append(item(finding, (commands.stage_to(latest),)))
    from console.aws.inspect_findings_gateway import gateway_findings, no_method_finding, undeployed_finding

    if config.undeployed:
        findings.append(undeployed_finding(config, commands))
    if config.source is not None and config.source.note:
        notes.append(config.source.note)
    authorizer = config.authorizer
    per_route = config.kind == "http" and authorizer is not None and "$context.routeKey" in authorizer.identity_source
    if authorizer is not None and authorizer.is_lambda and authorizer.ttl > 0 and not per_route:
        title = f"Lambda authorizer {authorizer.name} caches its policy for {authorizer.ttl}s"
        detail = (
            "A cached policy is reused for every method and path the same identity calls within the TTL: if the "
            "authorizer's policy names only the method ARN it was invoked for, other routes get 403 without the "
            "Lambda running. Baton cannot see the policy: check that its Resource covers the API (.../STAGE/*/*)."
        )
        fix = "return a policy for all methods (arn:…/STAGE/*/*), or set the TTL to 0"
        if config.kind == "http":
            title = f"Lambda authorizer {authorizer.name} caches its answer for {authorizer.ttl}s across routes"
            detail = (
                "API Gateway reuses the cached response for every route using this authorizer (a cached "
                "isAuthorized allows or denies them all): a decision made for one route applies to the others. "
                "Check the Lambda decides per identity only, or cache per route."
            )
            fix = "add $context.routeKey to the identity sources, or set the TTL to 0"
        finding = make_finding("config.authorizer_cached", Severity.WARNING, HopName.AUTHORIZER, title, detail, fix)
        findings.append(item(finding, commands.authorizer_ttl_zero(authorizer.id)))
    if config.hit is None:
        return [*findings, no_method_finding(config)], notes
    findings.extend(gateway_findings(config, expected, commands))
    mappings = _by_header(config.hit.mappings)
    secret_named = False
    for header, claim in expected.headers:
        mapping = mappings.get(header.lower())
        if SECRET_NAME.search(header):
            secret_named = True
            findings.extend(_secret_findings(header, mapping, commands))
        else:
            findings.extend(_identity_findings(header, claim, mapping, config, commands))
    findings.extend(_claim_findings(config, expected, commands))
    if config.kind == "http":
        from console.aws.inspect_findings_http import http_findings  # imports this module's Expected for typing

        findings.extend(http_findings(config, expected, commands))
    if not secret_named:
        notes.append(
            "origin secret not checked: the profile's [propagation] headers name no X-Origin-Secret-like header"
        )
    if config.hit.templates:
        notes.append("mapping templates are read for $context.authorizer references and requestOverride headers only")
    return findings, notes
