"""The authorizer step of one request: run the configured authorizer, log it, and say allow or refuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from console.sandbox.config import ACCOUNT_ID, REGION, GatewayConfig
from console.sandbox.gateway.jwt_authorizers import AuthOutcome, JwksCache, check_cognito, check_http_jwt
from console.sandbox.gateway.lambda_authorizer import (
    LambdaError,
    PolicyCache,
    evaluate_policy,
    request_event,
    token_event,
    validate_output,
)
from console.sandbox.gateway.logs import ExecutionLog, brace_map
from console.sandbox.records import header_value, mask_secret

__all__ = ["Authorizer", "Verdict"]

AUTHORIZER_ID = "62mgrc"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:baton-sandbox-authorizer"


@dataclass(slots=True)
class Verdict:
    """``allow`` or the gateway response key to refuse with, plus what mappings can read."""

    refuse: str | None = None
    principal_id: str | None = None
    claims: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    www_authenticate: str | None = None
    ground: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RequestFacts:
    """What the authorizer may look at."""

    method: str
    path: str
    proxy: str
    method_arn: str
    headers: list[tuple[str, str]]
    query: dict[str, str]
    request_context: Callable[[], dict[str, Any]]
    """Built only for REQUEST authorizers (it is the one event that carries it)."""


class Authorizer:
    """The API's authorizer as configured: Cognito, HTTP JWT, Lambda TOKEN/REQUEST, or none."""

    def __init__(
        self,
        cfg: GatewayConfig,
        issuer: str,
        audiences: tuple[str, ...],
        jwks: JwksCache,
        function: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
        stage_variables: dict[str, str],
    ) -> None:
        self.cfg = cfg
        self.issuer = issuer
        self.audiences = audiences
        self.jwks = jwks
        self.function = function
        self.stage_variables = stage_variables
        self.cache = PolicyCache(cfg.ttl_s)

    @property
    def kind(self) -> str:
        """Ground-truth authorizer type name."""
        if self.cfg.auth == "lambda":
            return "lambda_token" if self.cfg.lambda_type == "TOKEN" else "lambda_request"
        return self.cfg.auth

    async def run(self, facts: RequestFacts, log: ExecutionLog) -> Verdict:
        """Authorize one request; ``log`` gets the execution-log lines this authorizer writes."""
        token = header_value(facts.headers, "authorization")
        ground: dict[str, Any] = {
            "type": self.kind,
            "decision": "skipped",
            "reason": "no authorizer on this route",
            "principal_id": None,
            "claims": None,
            "context": None,
            "policy": None,
            "cached": False,
            "cache_key": None,
            "matched_resource": None,
        }
        if self.cfg.auth == "none":
            return Verdict(ground=ground)
        if self.cfg.auth in {"cognito", "jwt"}:
            return await self._jwt(token, log, ground)
        return await self._lambda(token, facts, log, ground)

    async def _jwt(self, token: str | None, log: ExecutionLog, ground: dict[str, Any]) -> Verdict:
        if self.cfg.auth == "cognito":
            outcome = await check_cognito(token, self.jwks, self.issuer, self.cfg.scopes)
        else:
            outcome = await check_http_jwt(token, self.jwks, self.issuer, self.audiences, self.cfg.scopes)
        ground.update(
            reason=outcome.reason, claims=outcome.claims, decision="allow" if outcome.allowed else "unauthorized"
        )
        if outcome.allowed:
            return Verdict(claims=outcome.claims, ground=ground)
        if self.cfg.auth == "cognito":
            if token:  # a missing token is not logged (domain §1.2)
                log.add(f"Unauthorized request: {log.request_id}")
            return Verdict(refuse="UNAUTHORIZED", ground=ground)
        return Verdict(
            refuse="UNAUTHORIZED" if outcome.status == 401 else "FORBIDDEN",
            www_authenticate=_www_authenticate(outcome, self.cfg.scopes),
            ground=ground,
        )

    async def _lambda(
        self, token: str | None, facts: RequestFacts, log: ExecutionLog, ground: dict[str, Any]
    ) -> Verdict:
        if not token or not token.strip():
            # Identity source missing: 401 without invoking the function and without a log line.
            ground.update(
                decision="unauthorized",
                reason="identity source method.request.header.Authorization is missing; authorizer not invoked",
            )
            return Verdict(refuse="UNAUTHORIZED", ground=ground)
        source = "method.request.header.Authorization"
        cache_key = f"{source}={mask_secret(token)}"
        cached = self.cache.get(token)
        if cached is not None:
            principal, policy, context = cached.principal_id, cached.policy, cached.context
            ground.update(
                cached=True, cache_key=cache_key, reason="cached authorizer result reused; function not invoked"
            )
        else:
            log.add(f"Starting authorizer: {AUTHORIZER_ID} for request: {log.request_id}")
            log.add(f"Incoming identity: {{{source}={mask_secret(token)}}}")
            event = (
                token_event(token, facts.method_arn)
                if self.cfg.lambda_type == "TOKEN"
                else request_event(
                    facts.method_arn,
                    "/{proxy+}",
                    facts.path,
                    facts.method,
                    facts.headers,
                    facts.query,
                    self.stage_variables,
                    facts.request_context(),
                )
            )
            uri = f"https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/{FUNCTION_ARN}/invocations"
            log.add(f"Endpoint request URI: {uri}")
            log.add("Endpoint request body after transformations: " + _masked_event(event))
            log.add(f"Sending request to {uri}")
            try:
                keys = await self.jwks.all_keys()
                output = self.function(event, keys)
                log.add("Authorizer result body before parsing: " + json.dumps(output, separators=(",", ":")))
                principal, policy, context = validate_output(output)
            except LambdaError as exc:
                if str(exc) == "Unauthorized":
                    log.add(f"Unauthorized request: {log.request_id}")
                    ground.update(decision="unauthorized", reason="authorizer raised Unauthorized")
                    return Verdict(refuse="UNAUTHORIZED", ground=ground)
                log.add("Execution failed due to configuration error: Authorizer error")
                ground.update(decision="error", reason=str(exc))
                return Verdict(refuse="AUTHORIZER_CONFIGURATION_ERROR", ground=ground)
            log.add("Successfully completed authorizer execution")
            self.cache.put(token, principal, policy, context)
            ground.update(cache_key=cache_key if self.cfg.ttl_s > 0 else None, reason="authorizer invoked")
        effect, resource = evaluate_policy(policy, facts.method_arn)
        ground.update(principal_id=principal, context=context, policy=policy, matched_resource=resource)
        if effect == "allow":
            ground["decision"] = "allow"
            return Verdict(principal_id=principal, context=context, ground=ground)
        ground["decision"] = "deny"
        ground["reason"] += (
            "; policy explicitly denies " if effect == "deny" else "; policy does not cover "
        ) + facts.method_arn
        log.add("The client is not authorized to perform this operation.")
        return Verdict(refuse="ACCESS_DENIED_EXPLICIT" if effect == "deny" else "ACCESS_DENIED", ground=ground)


def _masked_event(event: dict[str, Any]) -> str:
    shown = dict(event)
    if "authorizationToken" in shown:
        shown["authorizationToken"] = mask_secret(str(shown["authorizationToken"]))
    if "headers" in shown:
        shown["headers"] = brace_map(shown["headers"].items())
        shown.pop("multiValueHeaders", None)
    if shown.get("stageVariables"):
        # Stage variables carry the origin secret here; never logged in clear.
        shown["stageVariables"] = {k: mask_secret(str(v)) for k, v in shown["stageVariables"].items()}
    return json.dumps(shown, separators=(",", ":"))


def _www_authenticate(outcome: AuthOutcome, scopes: tuple[str, ...]) -> str:
    scope = " ".join(scopes) if outcome.error == "insufficient_scope" else ""
    return f'Bearer scope="{scope}" error="{outcome.error}" error_description="{outcome.description}"'
