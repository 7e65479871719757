"""The event an HTTP API hands its Lambda authorizer, payload format 2.0 and 1.0 (domain §2.3)."""

from __future__ import annotations

from console.aws.authorizer_event import RequestFacts, event_v1, event_v2, identity_values

FACTS = RequestFacts(
    method="get",
    path="/orders/42?tag=a&tag=b&q=1",
    headers=(
        ("Authorization", "Bearer tok"),
        ("X-Tenant", "t1"),
        ("x-tenant", "t2"),
        ("Cookie", "a=1; b=2"),
        ("User-Agent", "baton"),
    ),
    region="eu-west-1",
    account="123456789012",
    api_id="abc123",
    stage="dev",
    route_key="GET /orders/{id}",
    domain_name="abc123.execute-api.eu-west-1.amazonaws.com",
    stage_variables={"env": "dev"},
    request_id="req-1",
    now=1_700_000_000.0,
)
SOURCES = ("$request.header.Authorization", "$request.querystring.q", "$stageVariables.env", "$context.routeKey")
ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/orders/42"


def test_payload_2_0_carries_what_the_http_api_sends() -> None:
    event = event_v2(FACTS, SOURCES)
    assert event["version"] == "2.0" and event["type"] == "REQUEST"
    assert event["routeArn"] == ARN
    assert event["identitySource"] == ["Bearer tok", "1", "dev", "GET /orders/{id}"]
    assert event["routeKey"] == "GET /orders/{id}"
    assert event["rawPath"] == "/dev/orders/42"
    assert event["rawQueryString"] == "tag=a&tag=b&q=1"
    assert event["headers"] == {"authorization": "Bearer tok", "x-tenant": "t1,t2", "user-agent": "baton"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "1"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["stageVariables"] == {"env": "dev"}
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/dev/orders/42",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "baton",
    }
    assert (context["accountId"], context["apiId"], context["stage"], context["requestId"]) == (
        "123456789012",
        "abc123",
        "dev",
        "req-1",
    )
    assert context["domainPrefix"] == "abc123"
    assert context["timeEpoch"] == 1_700_000_000_000


def test_payload_1_0_is_rest_like_with_a_joined_identity_source() -> None:
    event = event_v1(FACTS, SOURCES)
    assert event["version"] == "1.0" and event["methodArn"] == ARN
    assert event["identitySource"] == event["authorizationToken"] == "Bearer tok,1,dev,GET /orders/{id}"
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/orders/{id}", "/orders/42", "GET")
    assert event["multiValueHeaders"]["x-tenant"] == ["t1", "t2"]
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["1"]}
    assert event["queryStringParameters"] == {"tag": "b", "q": "1"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert "routeArn" not in event


def test_a_greedy_route_and_the_default_stage() -> None:
    facts = RequestFacts("POST", "/a/b/c", (), "eu-west-1", "1", "api", "$default", "ANY /{proxy+}")
    event = event_v2(facts, ())
    assert event["rawPath"] == "/a/b/c"
    assert event["pathParameters"] == {"proxy": "a/b/c"}
    assert event["routeArn"].endswith("api/$default/POST/a/b/c")


def test_missing_identity_sources_are_named() -> None:
    values, missing = identity_values(("$request.header.X-Api-Token", "$request.header.authorization"), FACTS)
    assert values == ["Bearer tok"]
    assert missing == ["$request.header.X-Api-Token"]
