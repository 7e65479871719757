"""Drift in who the gateway lets through: authorization type, authorizer settings, caching, scopes, token type. Pure."""

from __future__ import annotations

from console.aws.drift_expect import (
    audience_meets,
    gateway_token_type,
    issuer_meets,
    likely_wrong,
    scopes_meet,
    token_type_meets,
    token_words,
)
from console.aws.drift_model import Difference, DriftKind, SideInput
from console.model.aws_config import AuthorizerConfig


def _words(values: tuple[str, ...]) -> str:
    return " ".join(values) if values else "(none)"


def _function(uri: str) -> str:
    """The Lambda function's name in an authorizer URI (the account and region differ between environments)."""
    marker = ":function:"
    return uri.split(marker, 1)[1].split("/", 1)[0] if marker in uri else uri


def _expected_values(
    key: str, subject: str, a: SideInput, b: SideInput, values: tuple[str, str], meets: tuple[bool | None, bool | None]
) -> Difference:
    """An issuer or audience difference: informational when each side's profile expects its own value (one user pool
    per environment is the norm), identity-changing otherwise, with the side that misses its profile named."""
    ok_a, ok_b = meets
    wrong = likely_wrong(ok_a, ok_b, a.name, b.name)
    if ok_a is True and ok_b is True:
        sentence = f"each side trusts the {subject} its own profile expects: tokens of one are refused by the other."
        return Difference(DriftKind.AUTHORIZER, subject, *values, sentence, identity=False)
    sentence = (
        f"{a.name} and {b.name} trust a different {subject}: a token accepted by one is refused (401) by the other"
        + ("" if wrong else f"; set [identity] {key} in both profiles to tell which side is meant")
        + "."
    )
    why = f"its authorizer does not trust the {subject} its profile's [identity] names" if wrong else ""
    return Difference(DriftKind.AUTHORIZER, subject, *values, sentence, likely_wrong=wrong, why=why)


_SOURCE_PREFIXES = (
    ("method.request.header.", "header"),
    ("$request.header.", "header"),
    ("method.request.querystring.", "query"),
    ("$request.querystring.", "query"),
    ("stagevariables.", "stage variable"),
    ("$stagevariables.", "stage variable"),
    ("context.", "context"),
    ("$context.", "context"),
)


def read_from(identity_source: str) -> frozenset[str]:
    """What an identity source reads, whatever API spells it: ``method.request.header.Authorization`` (REST) and
    ``$request.header.authorization`` (HTTP API) both read the header ``authorization`` (names are case-blind)."""
    found = set()
    for part in identity_source.split(","):
        text = part.strip()
        lowered = text.lower()
        for prefix, kind in _SOURCE_PREFIXES:
            if lowered.startswith(prefix):
                name = text[len(prefix) :]
                found.add(f"{kind}:{name.lower() if kind == 'header' else name}")
                break
        else:
            if text:
                found.add(text)
    return frozenset(found)


def _authorizer_settings(a: SideInput, b: SideInput, x: AuthorizerConfig, y: AuthorizerConfig) -> list[Difference]:
    found: list[Difference] = []
    if x.type != y.type:
        sentence = (
            f"{a.name} authorizes with a {x.type} authorizer, {b.name} with a {y.type} one: different tokens "
            "are accepted and different values reach the mappings."
        )
        found.append(Difference(DriftKind.AUTHORIZER, "authorizer type", x.type, y.type, sentence))
    if read_from(x.identity_source) != read_from(y.identity_source):
        sentence = (
            f"the token (or identity) is read from {x.identity_source or '(nothing)'} on {a.name}, "
            f"{y.identity_source or '(nothing)'} on {b.name}: a request carrying it in the one place is refused "
            "(401) by the other side before its authorizer runs."
        )
        found.append(
            Difference(DriftKind.AUTHORIZER, "identity source", x.identity_source, y.identity_source, sentence)
        )
    if set(x.issuers) != set(y.issuers):
        meets = (issuer_meets(a.config, a.issuer), issuer_meets(b.config, b.issuer))
        values = (_words(x.issuers), _words(y.issuers))
        found.append(_expected_values("issuer", "issuer (user pool)", a, b, values, meets))
    if set(x.audiences) != set(y.audiences):
        meets = (audience_meets(a.config, a.audiences), audience_meets(b.config, b.audiences))
        values = (_words(x.audiences), _words(y.audiences))
        found.append(_expected_values("audience", "audience", a, b, values, meets))
    if x.validation_expression != y.validation_expression:
        sentence = (
            "the token validation expression differs: a token one side accepts can be refused (401) by the other "
            "without its authorizer running."
        )
        found.append(
            Difference(
                DriftKind.AUTHORIZER,
                "token validation expression",
                x.validation_expression or "(none)",
                y.validation_expression or "(none)",
                sentence,
            )
        )
    if x.is_lambda and y.is_lambda and _function(x.authorizer_uri) != _function(y.authorizer_uri):
        sentence = (
            f"a different Lambda function decides on {a.name} and {b.name}: the same caller may get another answer."
        )
        fa, fb = _function(x.authorizer_uri) or "(none)", _function(y.authorizer_uri) or "(none)"
        found.append(Difference(DriftKind.AUTHORIZER, "authorizer function", fa, fb, sentence))
    found.extend(_caching(a, b, x, y))
    return found


def _caching(a: SideInput, b: SideInput, x: AuthorizerConfig, y: AuthorizerConfig) -> list[Difference]:
    if x.ttl == y.ttl or not (x.is_lambda or y.is_lambda or x.type == y.type == "COGNITO_USER_POOLS"):
        return []
    va, vb = f"{x.ttl}s" + ("" if x.ttl_set else " (default)"), f"{y.ttl}s" + ("" if y.ttl_set else " (default)")
    if (x.ttl == 0) != (y.ttl == 0):
        cached = a if x.ttl else b
        sentence = (
            f"{cached.name} caches its authorizer's answer and reuses it for the same identity on other "
            "methods and routes (and after a revocation) until the TTL runs out; the other side decides every request."
        )
        return [Difference(DriftKind.CACHING, "authorizer result TTL", va, vb, sentence)]
    sentence = "both sides cache the authorizer's answer, for different times: a stale decision lasts longer on one."
    return [Difference(DriftKind.CACHING, "authorizer result TTL", va, vb, sentence, identity=False)]


def authorization_differences(a: SideInput, b: SideInput) -> list[Difference]:
    """How each side lets callers through: method authorization, API key, authorizer, caching, scopes, token type."""
    ha, hb = a.config.hit, b.config.hit
    if ha is None or hb is None:
        return []
    found: list[Difference] = []
    if ha.authorization_type != hb.authorization_type:
        open_side = next((s.name for s, h in ((a, ha), (b, hb)) if h.authorization_type == "NONE"), None)
        sentence = f"{a.name} authorizes with {ha.authorization_type}, {b.name} with {hb.authorization_type}" + (
            f": on {open_side} IIS receives requests nobody authenticated."
            if open_side
            else ": different callers get through."
        )
        found.append(
            Difference(
                DriftKind.AUTHORIZATION, "authorization type", ha.authorization_type, hb.authorization_type, sentence
            )
        )
    if ha.api_key_required != hb.api_key_required:
        needs = a.name if ha.api_key_required else b.name
        sentence = (
            f"only {needs} requires an API key (x-api-key): callers without one reach IIS on the other side only."
        )
        found.append(
            Difference(
                DriftKind.AUTHORIZATION,
                "API key required",
                str(ha.api_key_required).lower(),
                str(hb.api_key_required).lower(),
                sentence,
            )
        )
    x, y = a.config.authorizer, b.config.authorizer
    if x is not None and y is not None:
        found.extend(_authorizer_settings(a, b, x, y))
    if set(ha.scopes) != set(hb.scopes):
        ok = (scopes_meet(a.config, a.scopes), scopes_meet(b.config, b.scopes))
        wrong = likely_wrong(*ok, a.name, b.name)
        sentence = (
            f"the scopes required differ: a token carrying only {_words(ha.scopes)} or {_words(hb.scopes)} is "
            "let through by one side and refused by the other."
        )
        why = "the method requires scopes its profile's [identity] scopes do not include" if wrong else ""
        found.append(
            Difference(DriftKind.SCOPES, "scopes", _words(ha.scopes), _words(hb.scopes), sentence, True, wrong, why)
        )
    ta, tb = gateway_token_type(a.config), gateway_token_type(b.config)
    if ta != tb and ta is not None and tb is not None:
        ok = (token_type_meets(a.config, a.token_use), token_type_meets(b.config, b.token_use))
        wrong = likely_wrong(*ok, a.name, b.name)
        sentence = (
            f"{a.name}'s authorizer takes {token_words(ta)}, {b.name}'s {token_words(tb)}: the same caller's token "
            "is refused on one side, and the claims reaching the mappings differ."
        )
        why = "its authorizer takes the other token type than its profile's [identity] token_use" if wrong else ""
        found.append(Difference(DriftKind.TOKEN_TYPE, "token type", ta, tb, sentence, True, wrong, why))
    return found
