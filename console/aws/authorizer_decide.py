"""The authorizer's decision for one token and request: one entry point for the CLI and, later, the trace.

    decide(profile, token, method, path, headers, *, client_factory=None) -> AuthorizerResult | Unavailable

* REST ``TOKEN``/``REQUEST`` (Lambda): AWS ``TestInvokeAuthorizer`` with the request's headers, path and the stage's
  variables, its policy judged against this method ARN (console.aws.authorizer_rest);
* HTTP API ``REQUEST`` (Lambda): the Lambda invoked with API Gateway's event, only with ``[aws] allow_invoke = true``
  (console.aws.authorizer_lambda);
* HTTP API ``JWT`` and REST ``COGNITO_USER_POOLS``: evaluated locally from their configuration and the issuer's
  JWKS (console.aws.authorizer_jwt, with the engine's verification and JWKS cache).

The API's configuration (route, method, authorizer) is read by console.aws.config_read / config_read_http.
``client_factory(service)`` makes the clients of the calls added here (sts GetCallerIdentity for the account in the
method ARN, apigateway GetStage and TestInvokeAuthorizer, apigatewayv2 GetStage and GetAuthorizer, lambda Invoke);
by default from the profile's ``[aws]`` table. Every failure is an ``Unavailable`` naming the fix, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from console.aws.config_read import Reader
from console.aws.config_shared import ConfigReader, read_profile_config
from console.errors import AwsError, BatonError, KeyLoadError
from console.model.authorizer_decision import AuthorizerResult, Unavailable

if TYPE_CHECKING:
    from console.engine.tokens.keys import KeySet
    from console.model.aws_config import RestApiConfig
    from console.model.profile import Profile

ClientFactory = Callable[[str], Any]
KeysFor = Callable[[str], "KeySet | None"]


def request_headers(token: str | None, headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers the test request carries, as a trace sends them: ``Authorization: Bearer TOKEN`` (unless the
    caller gave an Authorization header of their own), then the caller's headers."""
    given = [(name, value) for name, value in headers]
    if token and not any(name.lower() == "authorization" for name, _ in given):
        value = token if token[:7].lower() == "bearer " else f"Bearer {token}"
        given.insert(0, ("Authorization", value))
    return given


def _default_factory(profile: Profile, env: Mapping[str, str] | None) -> ClientFactory:
    from console.aws.session import make_client, make_session, target_for

    target = target_for(profile.aws, env)
    session = make_session(target)
    return lambda service: make_client(session, service, target)


def decide(
    profile: Profile,
    token: str | None,
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]] = (),
    *,
    client_factory: ClientFactory | None = None,
    keys_for: KeysFor | None = None,
    env: Mapping[str, str] | None = None,
    now: float | None = None,
    read: ConfigReader | None = None,
) -> AuthorizerResult | Unavailable:
    """What the authorizer of ``method path`` (after the stage) on the profile's API decides for ``token``.
    ``read``: the configuration reader to use (a trace shares one with its expected propagation)."""
    if profile.aws is None:
        return Unavailable("the profile has no [aws] table: add api_id, stage and region to ask AWS", kind="config")
    try:
        return _decide(profile, token, method.upper(), path, headers, client_factory, keys_for, env, now, read)
    except AwsError as exc:
        return Unavailable(exc.one_line(), kind=exc.reason)
    except BatonError as exc:  # a JWKS that cannot be fetched, a secret that cannot be read
        return Unavailable(exc.one_line(), kind="jwks" if isinstance(exc, KeyLoadError) else "config")


def _decide(
    profile: Profile,
    token: str | None,
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    client_factory: ClientFactory | None,
    keys_for: KeysFor | None,
    env: Mapping[str, str] | None,
    now: float | None,
    read: ConfigReader | None,
) -> AuthorizerResult | Unavailable:
    from console.aws.session import target_for

    settings = profile.aws
    assert settings is not None
    config = read(method, path) if read is not None else read_profile_config(profile, method, path, env)
    hit = config.hit
    if hit is None:
        return Unavailable(f"{method} {path}: {config.miss_reason}; no authorizer runs", kind="no_route")
    if hit.authorization_type in ("NONE", "AWS_IAM") or not hit.authorizer_id:
        what = "SigV4 and IAM policies decide, not an authorizer" if hit.authorization_type == "AWS_IAM" else ""
        reason = f"{hit.http_method} {hit.resource_path} has authorization {hit.authorization_type}: no authorizer"
        return Unavailable(
            f"{reason} to ask{'; ' + what if what else ' (every caller passes this hop)'}", "no_authorizer"
        )
    authorizer = config.authorizer
    if authorizer is None:
        return Unavailable(f"authorizer {hit.authorizer_id} of {hit.resource_path} was not found", kind="not_found")
    factory = client_factory or _default_factory(profile, env)
    target = target_for(settings, env)
    api_id, stage = config.api_id, settings.stage or ""
    sent = request_headers(token, headers)
    held = [value for name, value in sent if name.lower() == "authorization"] + ([token] if token else [])
    if authorizer.type in ("JWT", "COGNITO_USER_POOLS"):
        from console.aws.authorizer_local import decide_locally

        account = _account(factory, target, api_id, stage)
        return decide_locally(config, authorizer, hit.scopes, sent, account, stage, settings, keys_for, now)
    account = _account(factory, target, api_id, stage)
    if config.kind == "http":
        return _http_lambda(profile, factory, target, config, sent, account, held, path)
    from console.aws.authorizer_rest import test_invoke
    from console.aws.policy_match import method_arn

    arn = method_arn(config.region, account, api_id, stage, method, path)
    reader = Reader(factory("apigateway"), target, api_id, stage)
    variables = reader.call("GetStage", "get_stage", restApiId=api_id, stageName=stage).get("variables", {}) or {}
    return test_invoke(reader, authorizer, headers=sent, path=path, stage_variables=variables, arn=arn, held=held)


def _account(factory: ClientFactory, target: Any, api_id: str, stage: str) -> str:
    """The API's account (the caller's own: API Gateway's control plane serves only the caller's account)."""
    reader = Reader(factory("sts"), target, api_id, stage, service="sts")
    return str(reader.call("GetCallerIdentity", "get_caller_identity").get("Account", ""))


def _http_lambda(
    profile: Profile,
    factory: ClientFactory,
    target: Any,
    config: RestApiConfig,
    sent: list[tuple[str, str]],
    account: str,
    held: list[str],
    path: str,
) -> AuthorizerResult | Unavailable:
    from console.aws.authorizer_event import RequestFacts
    from console.aws.authorizer_lambda import INVOKE_REFUSED, invoke

    settings = profile.aws
    assert settings is not None and config.hit is not None and config.authorizer is not None
    if not settings.allow_invoke:
        return Unavailable(INVOKE_REFUSED, kind="not_allowed")
    stage = settings.stage or ""
    reader = Reader(factory("apigatewayv2"), target, config.api_id, stage, service="apigatewayv2")
    raw = reader.call("GetAuthorizer", "get_authorizer", ApiId=config.api_id, AuthorizerId=config.authorizer.id)
    found = reader.call("GetStage", "get_stage", ApiId=config.api_id, StageName=stage)
    hit = config.hit
    route_key = hit.resource_path if hit.resource_path == "$default" else f"{hit.http_method} {hit.resource_path}"
    url = profile.gateway.url if profile.gateway is not None else None
    facts = RequestFacts(
        method=config.request_method,
        path=path,
        headers=tuple(sent),
        region=config.region,
        account=account,
        api_id=config.api_id,
        stage=stage,
        route_key=route_key,
        domain_name=urlsplit(url).hostname or "" if url else "",
        stage_variables=dict(found.get("StageVariables", {}) or {}),
    )
    lambda_reader = Reader(factory("lambda"), target, config.api_id, stage, service="lambda")
    return invoke(lambda_reader, raw, facts, held)
