"""Wire a JWT (HTTP API) or Cognito (REST) authorizer's configuration to the local evaluation: the identity source
header, the issuer's JWKS (through the engine's cache), the method ARN. Used by console.aws.authorizer_decide."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from console.aws.authorizer_jwt import JwtRules, evaluate, jwks_url
from console.aws.policy_match import method_arn
from console.model.authorizer_decision import AuthorizerResult, ClientResponse, Effect, Source, Unavailable

if TYPE_CHECKING:
    from console.engine.tokens.keys import KeySet
    from console.model.aws_config import AuthorizerConfig, RestApiConfig
    from console.model.profile import AwsSettings

_HEADER_SOURCE = re.compile(r"(?:method\.request\.header\.|\$request\.header\.)([A-Za-z0-9_!#$%&'*+.^`|~-]+)")


def source_header(identity_source: str) -> str:
    """The header an authorizer reads its token from (``Authorization`` when the source names no header)."""
    match = _HEADER_SOURCE.search(identity_source)
    return match.group(1) if match else "Authorization"


def _token_issuer(token: str) -> str | None:
    from console.engine.tokens import decode_token
    from console.errors import TokenDecodeError

    bare = token[7:].strip() if token[:7].lower() == "bearer " else token.strip()
    try:
        iss = decode_token(bare).claims.get("iss")
    except TokenDecodeError:
        return None
    return iss if isinstance(iss, str) else None


def decide_locally(
    config: RestApiConfig,
    authorizer: AuthorizerConfig,
    scopes: tuple[str, ...],
    sent: Sequence[tuple[str, str]],
    account: str,
    stage: str,
    settings: AwsSettings,
    keys_for: Callable[[str], KeySet | None] | None,
    now: float | None,
) -> AuthorizerResult | Unavailable:
    """The decision of a JWT or Cognito authorizer for the request headers ``sent``."""
    arn = method_arn(config.region, account, config.api_id, stage, config.request_method, config.request_path)
    header = source_header(authorizer.identity_source)
    value = next((v for name, v in reversed(sent) if name.lower() == header.lower()), "")
    if not value.strip():
        return AuthorizerResult(
            allowed=False,
            source=Source.LOCAL,
            authorizer_type=authorizer.type,
            authorizer_id=authorizer.id,
            authorizer_name=authorizer.name,
            method_arn=arn,
            effect=Effect.NO_POLICY,
            response=ClientResponse(401, "Unauthorized", "UnauthorizedException"),
            reasons=(f"the identity source header {header} is missing or empty: API Gateway answers 401",),
        )
    if not authorizer.issuers:
        what = "user pool ARN" if authorizer.type == "COGNITO_USER_POOLS" else "issuer"
        return Unavailable(f"authorizer {authorizer.name} ({authorizer.id}) has no {what} Baton can read", "config")
    claimed = _token_issuer(value)
    issuer = claimed if claimed in authorizer.issuers else authorizer.issuers[0]
    url = jwks_url(issuer, endpoint_url=settings.endpoint_url)
    if keys_for is None:
        from console.engine.jwks_cache import keys_for as cached

        keys_for = cached
    keys = keys_for(url)
    if keys is None:
        return Unavailable(
            f"the issuer's JWKS at {url} could not be fetched: the signature cannot be judged (is it reachable "
            "from here?)",
            kind="jwks",
        )
    rules = JwtRules(
        kind=authorizer.type,
        issuers=authorizer.issuers,
        audiences=authorizer.audiences,
        scopes=scopes,
        validation_expression=authorizer.validation_expression,
    )
    return evaluate(
        value, rules, keys, method_arn=arn, authorizer_id=authorizer.id, authorizer_name=authorizer.name, now=now
    )
