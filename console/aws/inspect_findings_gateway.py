"""Config findings on what reaches IIS at all: a request that hits no method, a method that checks no caller though
the profile says one is checked, a token type the method refuses, authorizer values mapped on a method no authorizer
runs on (domain §1.5, §1.7, §2.1, §2.4), and a change to the method that its stage does not serve yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.aws.inspect_findings import Expected, item, make_finding, method_token_type
from console.model.aws_config import ConfigFinding, RestApiConfig, SourceKind
from console.model.enums import HopName, Severity

if TYPE_CHECKING:
    from console.aws.inspect_commands import Commands


def _token_type_findings(config: RestApiConfig, expected: Expected) -> list[ConfigFinding]:
    kind, sent = method_token_type(config), expected.token_use
    if kind is None or sent not in ("id", "access") or sent == kind or config.hit is None:
        return []
    if config.hit.scopes:
        why = f"the method requires OAuth scopes ({' '.join(config.hit.scopes)}), so the authorizer takes access tokens"
    else:
        why = "the method has no OAuth scopes, so the Cognito authorizer treats the token as an ID token"
    title = f"the method takes {kind} tokens; the profile's [identity] token_use sends {sent} tokens"
    detail = f"{why}: every request carrying the profile's {sent} token is refused (401 Unauthorized)."
    fix = f'send {kind} tokens (set [identity] token_use = "{kind}"), or change the method\'s OAuth scopes'
    return [
        item(make_finding("config.token_type_mismatch", Severity.ERROR, HopName.AUTHORIZER, title, detail, fix), ())
    ]


def _no_authorizer_findings(config: RestApiConfig, commands: Commands) -> list[ConfigFinding]:
    hit = config.hit
    if hit is None or hit.authorizer_id or config.authorizer is not None:
        return []
    headers = [m.header for m in hit.mappings if m.kind in (SourceKind.CLAIM, SourceKind.CONTEXT)]
    refs = [ref for template in hit.templates for ref in template.authorizer_refs]
    if not headers and not refs:
        return []
    what = ", ".join(headers) if headers else f"the mapping template ({', '.join(refs)})"
    verb = "maps an authorizer value" if len(headers) == 1 else "map authorizer values"
    title = f"{what} {verb}, but no authorizer runs on {hit.http_method} {hit.resource_path}"
    detail = (
        f"The method's authorization is {hit.authorization_type}: no authorizer runs, so every context.authorizer "
        "value is empty. IIS gets no identity (or a blank header), and any caller gets through to IIS."
    )
    fix = "attach the authorizer those values come from to the method, and redeploy"
    claims = any(m.kind is SourceKind.CLAIM for m in hit.mappings) or any(".claims" in ref for ref in refs)
    finding = make_finding(
        "config.authorizer_value_without_authorizer", Severity.ERROR, HopName.AUTHORIZER, title, detail, fix
    )
    return [item(finding, commands.attach_authorizer(claims))]


_CHECKS = {"cognito": "a Cognito authorizer", "jwt": "a JWT authorizer", "lambda": "a Lambda authorizer", "iam": "IAM"}


def _auth_findings(config: RestApiConfig, expected: Expected) -> list[ConfigFinding]:
    """The profile's [gateway] auth contradicted by the method: nothing checks the caller it says is checked."""
    hit, auth = config.hit, expected.auth
    if hit is None or auth not in _CHECKS or hit.authorization_type.upper() != "NONE" or hit.authorizer_id:
        return []
    title = (
        f'the profile says [gateway] auth = "{auth}", but {hit.http_method} {hit.resource_path} has authorization '
        "NONE: nothing checks the caller at the gateway"
    )
    detail = (
        f"The profile expects {_CHECKS[auth]} to decide who gets through; this method runs none, so any caller, with "
        "any token or none, reaches IIS, and the trace's authorizer hop proves nothing about the token."
    )
    fix = f"attach {_CHECKS[auth]} to the method and redeploy (or correct the profile's [gateway] auth)"
    hop = HopName.AUTHORIZER
    return [item(make_finding("config.auth_not_enforced", Severity.ERROR, hop, title, detail, fix), ())]


def no_method_finding(config: RestApiConfig) -> ConfigFinding:
    answer = (
        '404 {"message":"Not Found"}'
        if config.kind == "http"
        else '403 {"message":"Missing Authentication Token"} (with a non-SigV4 Authorization header, an error that '
        "can echo the token back)"
    )
    request = f"{config.request_method} {config.request_path}"
    title = f"{request} reaches no method: API Gateway answers it itself and IIS never sees it"
    reason = (config.miss_reason or "nothing matches").split(": API Gateway answers", 1)[0].split(" and there is")[0]
    detail = f"{reason}. The client gets {answer}."
    known = ", ".join(config.resource_paths[:8]) + (" …" if len(config.resource_paths) > 8 else "")
    fix = f"check --path, --method and [gateway] url (the API has: {known or 'nothing'}), or add the method"
    return item(make_finding("config.no_method", Severity.ERROR, HopName.GATEWAY, title, detail, fix), ())


def undeployed_finding(config: RestApiConfig, commands: Commands) -> ConfigFinding:
    """The method was changed but not deployed: the stage serves its deployment, the console shows the change."""
    changes = "; ".join(f"{c.subject}: deployed {c.deployed}, current {c.current}" for c in config.undeployed)
    stage = config.stage.name
    title = f"changed but not deployed: stage {stage} still serves the deployed version of this method"
    detail = (
        f"The API's current configuration differs from deployment {config.stage.deployment_id or '?'}, which stage "
        f"{stage} serves ({changes}). Callers meet the deployed version shown above until a new deployment."
    )
    fix = f"review the change, then deploy it to stage {stage} (or revert it if it was not meant to go live)"
    finding = make_finding("config.not_deployed", Severity.WARNING, HopName.INTEGRATION, title, detail, fix)
    return item(finding, (commands.redeploy(),))


def gateway_findings(config: RestApiConfig, expected: Expected, commands: Commands) -> list[ConfigFinding]:
    """The token-type and no-authorizer findings of a method that is hit."""
    return [
        *_auth_findings(config, expected),
        *_token_type_findings(config, expected),
        *_no_authorizer_findings(config, commands),
    ]
