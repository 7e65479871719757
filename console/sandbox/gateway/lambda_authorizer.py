"""Lambda authorizers: the exact TOKEN/REQUEST event, the sandbox's customer functions, policy evaluation, cache."""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

__all__ = [
    "CachedPolicy",
    "LambdaError",
    "PolicyCache",
    "evaluate_policy",
    "make_function",
    "request_event",
    "token_event",
    "validate_output",
]

Handler = Callable[[dict[str, Any], dict[str, jwt.PyJWK]], dict[str, Any]]


class LambdaError(Exception):
    """The function raised: ``Unauthorized`` means 401, anything else 500 (domain §1.7)."""


def token_event(header_value: str, method_arn: str) -> dict[str, Any]:
    """A TOKEN authorizer event: only the token (verbatim, Bearer prefix included) and the method ARN."""
    return {"type": "TOKEN", "authorizationToken": header_value, "methodArn": method_arn}


def request_event(
    method_arn: str,
    resource: str,
    path: str,
    method: str,
    headers: list[tuple[str, str]],
    query: dict[str, str],
    stage_variables: dict[str, str],
    context: dict[str, Any],
) -> dict[str, Any]:
    """A REQUEST authorizer event in the shape of domain §1.2 (with the multiValue maps real events carry)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return {
        "type": "REQUEST",
        "methodArn": method_arn,
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()},
        "pathParameters": {"proxy": path.split("/", 2)[-1]},
        "stageVariables": stage_variables,
        "requestContext": context,
    }


def _policy(principal: str, effect: str, resource: str, context: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context is not None:
        out["context"] = context
    return out


def _claims(event: dict[str, Any], keys: dict[str, jwt.PyJWK], issuer: str) -> dict[str, Any]:
    raw = event.get("authorizationToken") or event.get("headers", {}).get("authorization", "")
    token = raw[7:] if raw[:7].lower() == "bearer " else raw
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise LambdaError("Unauthorized")
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False}
        )
    except jwt.PyJWTError:
        raise LambdaError("Unauthorized") from None
    return claims


def make_function(
    behaviour: str, issuer: str, wildcard_arn: str, directory_groups: Callable[[str], tuple[str, ...]]
) -> Handler:
    """The customer's authorizer code for one scenario (what a team would deploy to Lambda)."""

    def handler(event: dict[str, Any], keys: dict[str, jwt.PyJWK]) -> dict[str, Any]:
        claims = _claims(event, keys, issuer)
        sub, username = str(claims.get("sub")), str(claims.get("username", ""))
        identity = {"sub": sub, "username": username}
        if behaviour == "exact_arn":
            # The classic bug: the policy names only this request's methodArn, and TTL > 0 caches it.
            return _policy(sub, "Allow", event["methodArn"], identity)
        if behaviour == "no_identity":
            # Like the AWS sample: a constant principal and no context, so nothing identifies the caller.
            return _policy("user", "Allow", wildcard_arn, None)
        if behaviour == "big_context":
            groups = ",".join(directory_groups(username))
            return _policy(sub, "Allow", wildcard_arn, {**identity, "groups": groups})
        groups_claim = claims.get("cognito:groups") or []
        effect = "Allow" if "orders-readers" in groups_claim else "Deny"
        return _policy(sub, effect, wildcard_arn, identity)

    return handler


def validate_output(output: Any) -> tuple[str, dict[str, Any], dict[str, str] | None]:
    """(principalId, policyDocument, stringified context); LambdaError for output API Gateway refuses."""
    if (
        not isinstance(output, dict)
        or not output.get("principalId")
        or not isinstance(output.get("policyDocument"), dict)
    ):
        raise LambdaError("authorizer output lacks principalId or policyDocument")
    context = output.get("context")
    if context is None:
        return str(output["principalId"]), output["policyDocument"], None
    if not isinstance(context, dict) or any(isinstance(v, dict | list) for v in context.values()):
        raise LambdaError("context values must be strings, numbers or booleans")
    # Context values reach mappings stringified: 1 -> "1", True -> "true" (domain §1.3).
    strings = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in context.items()}
    return str(output["principalId"]), output["policyDocument"], strings


def evaluate_policy(policy: Mapping[str, Any], method_arn: str) -> tuple[str, str | None]:
    """("allow"|"deny"|"implicit", matching resource): explicit Deny beats Allow; no match is implicit deny."""
    statements = policy.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    allowed: str | None = None
    for statement in statements:
        resources = statement.get("Resource", [])
        for resource in resources if isinstance(resources, list) else [resources]:
            if fnmatch.fnmatchcase(method_arn, str(resource)):
                if statement.get("Effect") == "Deny":
                    return "deny", str(resource)
                if statement.get("Effect") == "Allow":
                    allowed = str(resource)
    return ("allow", allowed) if allowed else ("implicit", None)


@dataclass(frozen=True, slots=True)
class CachedPolicy:
    """What the authorizer cache keeps: the policy (re-evaluated per method ARN), principal and context."""

    principal_id: str
    policy: dict[str, Any]
    context: dict[str, str] | None
    expires_at: float


class PolicyCache:
    """Authorizer results by identity-source value for ``ttl`` seconds (0 disables caching)."""

    def __init__(self, ttl: int) -> None:
        self.ttl = ttl
        self._entries: dict[str, CachedPolicy] = {}

    def get(self, key: str) -> CachedPolicy | None:
        """A live entry, or None."""
        entry = self._entries.get(key)
        if entry is None or entry.expires_at <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry

    def put(self, key: str, principal: str, policy: dict[str, Any], context: dict[str, str] | None) -> None:
        """Remember a result when caching is on."""
        if self.ttl > 0:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = CachedPolicy(principal, policy, context, time.monotonic() + self.ttl)
