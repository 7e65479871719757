"""The event an HTTP API hands its Lambda authorizer, payload format 1.0 or 2.0 (domain §2.3). Pure: no I/O.

Header names are lower-cased (HTTP APIs do so in Lambda events); repeated headers and query values are joined with
commas; in 2.0 the ``Cookie`` header becomes the ``cookies`` list. Identity sources are ``$request.header.NAME``,
``$request.querystring.NAME``, ``$context.NAME`` and ``$stageVariables.NAME``; one missing from the request means
API Gateway answers 401 without invoking the Lambda.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from console.aws.policy_match import method_arn


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """The test request as API Gateway would see it."""

    method: str
    path: str
    """After the stage, with any query string: ``/orders/42?x=1``."""
    headers: tuple[tuple[str, str], ...]
    region: str
    account: str
    api_id: str
    stage: str
    route_key: str
    """``GET /orders/{id}``, or ``$default``."""
    domain_name: str = ""
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    source_ip: str = "127.0.0.1"
    request_id: str = ""
    now: float | None = None

    @property
    def arn(self) -> str:
        """The route ARN (2.0) / method ARN (1.0) of this request."""
        return method_arn(self.region, self.account, self.api_id, self.stage, self.method, self.path)

    @property
    def bare_path(self) -> str:
        return "/" + self.path.split("?", 1)[0].lstrip("/")

    @property
    def query(self) -> str:
        return self.path.split("?", 1)[1] if "?" in self.path else ""

    @property
    def raw_path(self) -> str:
        """The path as the event carries it: with the stage in front unless the stage is ``$default``."""
        return self.bare_path if self.stage == "$default" else f"/{self.stage}{self.bare_path}"


def _headers(facts: RequestFacts) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in facts.headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _query(facts: RequestFacts) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(facts.query, keep_blank_values=True):
        values.setdefault(name, []).append(value)
    return values


def path_parameters(route_key: str, path: str) -> dict[str, str]:
    """``{id}`` and ``{proxy+}`` values of ``path`` under the route key's path template."""
    template = route_key.partition(" ")[2]
    patterns = [p for p in template.split("/") if p]
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    found: dict[str, str] = {}
    for index, pattern in enumerate(patterns):
        if pattern.startswith("{") and pattern.endswith("+}"):
            found[pattern[1:-2]] = "/".join(parts[index:])
            break
        if pattern.startswith("{") and pattern.endswith("}") and index < len(parts):
            found[pattern[1:-1]] = parts[index]
    return found


def _context_variable(facts: RequestFacts, name: str) -> str | None:
    known = {
        "routeKey": facts.route_key,
        "stage": facts.stage,
        "apiId": facts.api_id,
        "accountId": facts.account,
        "httpMethod": facts.method.upper(),
        "path": facts.raw_path,
        "domainName": facts.domain_name,
    }
    return known.get(name) or None


def identity_values(sources: tuple[str, ...], facts: RequestFacts) -> tuple[list[str], list[str]]:
    """(the value of each identity source, the sources the request lacks)."""
    headers, query = _headers(facts), _query(facts)
    values: list[str] = []
    missing: list[str] = []
    for source in sources:
        text = source.strip()
        value: str | None = None
        if text.startswith("$request.header."):
            value = headers.get(text[len("$request.header.") :].lower())
        elif text.startswith("$request.querystring."):
            found = query.get(text[len("$request.querystring.") :])
            value = ",".join(found) if found else None
        elif text.startswith("$stageVariables."):
            value = facts.stage_variables.get(text[len("$stageVariables.") :])
        elif text.startswith("$context."):
            value = _context_variable(facts, text[len("$context.") :])
        if value:
            values.append(value)
        else:
            missing.append(text)
    return values, missing


def _request_context(facts: RequestFacts, when: float) -> dict[str, Any]:
    user_agent = _headers(facts).get("user-agent", "")
    return {
        "accountId": facts.account,
        "apiId": facts.api_id,
        "domainName": facts.domain_name,
        "domainPrefix": facts.domain_name.split(".", 1)[0],
        "requestId": facts.request_id or str(uuid.uuid4()),
        "routeKey": facts.route_key,
        "stage": facts.stage,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(when)),
        "timeEpoch": int(when * 1000),
        "_user_agent": user_agent,
    }


def event_v2(facts: RequestFacts, sources: tuple[str, ...]) -> dict[str, Any]:
    """The payload format 2.0 event."""
    when = time.time() if facts.now is None else facts.now
    headers = _headers(facts)
    cookie = headers.pop("cookie", "")
    context = _request_context(facts, when)
    user_agent = context.pop("_user_agent")
    context["http"] = {
        "method": facts.method.upper(),
        "path": facts.raw_path,
        "protocol": "HTTP/1.1",
        "sourceIp": facts.source_ip,
        "userAgent": user_agent,
    }
    values, _ = identity_values(sources, facts)
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": facts.arn,
        "identitySource": values,
        "routeKey": facts.route_key,
        "rawPath": facts.raw_path,
        "rawQueryString": facts.query,
        "headers": headers,
        "requestContext": context,
    }
    if cookie:
        event["cookies"] = [part.strip() for part in cookie.split(";") if part.strip()]
    query = _query(facts)
    if query:
        event["queryStringParameters"] = {name: ",".join(found) for name, found in query.items()}
    params = path_parameters(facts.route_key, facts.path)
    if params:
        event["pathParameters"] = params
    if facts.stage_variables:
        event["stageVariables"] = dict(facts.stage_variables)
    return event


def event_v1(facts: RequestFacts, sources: tuple[str, ...]) -> dict[str, Any]:
    """The payload format 1.0 event (REST-like)."""
    when = time.time() if facts.now is None else facts.now
    headers = _headers(facts)
    multi: dict[str, list[str]] = {}
    for name, value in facts.headers:
        multi.setdefault(name.lower(), []).append(value)
    query = _query(facts)
    values, _ = identity_values(sources, facts)
    context = _request_context(facts, when)
    user_agent = context.pop("_user_agent")
    context.update(
        httpMethod=facts.method.upper(),
        path=facts.raw_path,
        protocol="HTTP/1.1",
        resourceId=facts.route_key,
        resourcePath=facts.route_key.partition(" ")[2] or facts.route_key,
        extendedRequestId=context["requestId"],
        requestTime=context.pop("time"),
        requestTimeEpoch=context.pop("timeEpoch"),
        identity={"sourceIp": facts.source_ip, "userAgent": user_agent},
    )
    return {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": facts.arn,
        "identitySource": ",".join(values),
        "authorizationToken": ",".join(values),
        "resource": facts.route_key.partition(" ")[2] or facts.route_key,
        "path": facts.bare_path,
        "httpMethod": facts.method.upper(),
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": {name: found[-1] for name, found in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters(facts.route_key, facts.path) or None,
        "stageVariables": dict(facts.stage_variables) or None,
        "requestContext": context,
    }
