"""One side of a drift against its own profile: does its configuration meet [propagation] and [identity]? And words.

Pure. A check answers True (meets), False (misses) or None (the profile says nothing about it): only a True beside a
False names a side as likely wrong.
"""

from __future__ import annotations

from console.aws.config_read_http import is_cognito_issuer
from console.aws.inspect_findings import ACCESS_LACKS, ID_LACKS, method_token_type
from console.aws.rest_shape import SECRET_NAME
from console.model.aws_config import HeaderMapping, RestApiConfig, SourceKind

Check = bool | None


def gateway_token_type(config: RestApiConfig) -> str | None:
    """``id`` or ``access``: what the authorizer takes, from its configuration alone (the rule inspect uses)."""
    return method_token_type(config)


def token_words(kind: str | None) -> str:
    """``the ID token``, ``the access token`` or ``the token``."""
    return {"id": "the ID token", "access": "the access token"}.get(kind or "", "the token")


def cognito_tokens(config: RestApiConfig) -> bool:
    """True when the authorizer's tokens are a Cognito user pool's (their claim sets are known: domain §6)."""
    authorizer = config.authorizer
    if authorizer is None:
        return False
    return authorizer.type == "COGNITO_USER_POOLS" or any(is_cognito_issuer(issuer) for issuer in authorizer.issuers)


def lacks_claim(config: RestApiConfig, claim: str) -> bool:
    """True when the token type this side takes is a Cognito one that does not carry ``claim``."""
    kind = gateway_token_type(config)
    if kind is None or not cognito_tokens(config):
        return False
    if kind == "access":
        return claim in ACCESS_LACKS or claim.startswith("custom:")
    return claim in ID_LACKS


def source_words(mapping: HeaderMapping | None, config: RestApiConfig) -> str:
    """Where a header's value comes from, in words: ``the ID token's email``, ``the caller's own request``…"""
    if mapping is None:
        return "nothing (no mapping)"
    kind, key = mapping.kind, mapping.key
    if kind is SourceKind.CLAIM:
        token = token_words(gateway_token_type(config))
        return f"{token}'s {key}" + (f" (which {token} does not carry)" if lacks_claim(config, key) else "")
    if kind is SourceKind.CONTEXT:
        return "the authorizer's principalId" if key == "principalId" else f"the authorizer's context key {key}"
    words = {
        SourceKind.IDENTITY: f"the IAM caller's {key}",
        SourceKind.REQUEST_CONTEXT: f"the request context's {key}",
        SourceKind.CLIENT: f"the caller's own request ({key})",
        SourceKind.STAGE_VARIABLE: f"stage variable {key}",
        SourceKind.LITERAL: "a fixed value",
    }
    return words.get(kind, mapping.source)


def header_meets(config: RestApiConfig, mapping: HeaderMapping | None, header: str, claim: str) -> tuple[bool, str]:
    """Does the mapping of ``header`` carry ``claim`` as the profile expects? And, when not, why not."""
    if SECRET_NAME.search(header):
        if mapping is None:
            return False, f"its profile expects the origin secret header {header}, which no mapping sets"
        if mapping.kind is SourceKind.CLIENT:
            return False, f"its {header} is copied from the caller's request"
        return True, ""
    if mapping is None:
        return False, f"its profile expects {header} to carry {claim}, and no mapping sets it"
    if mapping.via == "append":
        return False, f"it sets {header} with append:, so a caller's own value reaches IIS first"
    if mapping.kind is SourceKind.CLIENT:
        return False, f"its {header} is copied from the caller's request"
    if mapping.kind not in (SourceKind.CLAIM, SourceKind.CONTEXT, SourceKind.IDENTITY):
        return False, f"its profile expects {header} to carry {claim}, not {source_words(mapping, config)}"
    if mapping.key != claim and not (mapping.kind is SourceKind.CONTEXT and mapping.key == "principalId"):
        return False, f"its profile expects {header} to carry {claim}, not {mapping.key}"
    if mapping.kind is SourceKind.CLAIM and lacks_claim(config, claim):
        kind = token_words(gateway_token_type(config))
        return False, f"{kind} its authorizer takes carries no {claim}"
    return True, ""


def issuer_meets(config: RestApiConfig, issuer: str | None) -> Check:
    """Does the authorizer trust the profile's [identity] issuer?"""
    authorizer = config.authorizer
    if not issuer or authorizer is None or not authorizer.issuers:
        return None
    return issuer.rstrip("/") in {known.rstrip("/") for known in authorizer.issuers}


def audience_meets(config: RestApiConfig, audiences: tuple[str, ...]) -> Check:
    """Does a JWT authorizer accept one of the profile's [identity] audiences?"""
    authorizer = config.authorizer
    if not audiences or authorizer is None or not authorizer.audiences:
        return None
    return bool(set(audiences) & set(authorizer.audiences))


def scopes_meet(config: RestApiConfig, scopes: tuple[str, ...]) -> Check:
    """Does the caller's token (its profile's [identity] scopes) carry one of the scopes the method requires?"""
    if not scopes or config.hit is None:
        return None
    return not config.hit.scopes or bool(set(scopes) & set(config.hit.scopes))


def token_type_meets(config: RestApiConfig, token_use: str | None) -> Check:
    """Does the authorizer take the token type the profile's [identity] token_use names?"""
    kind = gateway_token_type(config)
    if token_use not in ("id", "access") or kind is None:
        return None
    return kind == token_use


def likely_wrong(a: Check, b: Check, a_name: str, b_name: str) -> str | None:
    """The side that misses its expectation while the other meets its own; None when that is not so."""
    if a is True and b is False:
        return b_name
    if b is True and a is False:
        return a_name
    return None
