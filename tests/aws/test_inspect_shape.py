"""Which resource a request path hits and what a mapping expression reads: the pure rules behind `aws inspect`."""

from __future__ import annotations

import pytest

from console.aws.rest_shape import best_resource, header_mappings, template_refs
from console.model.aws_config import SourceKind

PATHS = ("/", "/orders", "/orders/{id}", "/orders/{id}/lines", "/orders/special", "/{proxy+}")


@pytest.mark.parametrize(
    ("request_path", "hit"),
    [
        ("/orders/42", "/orders/{id}"),
        ("/orders/special", "/orders/special"),
        ("/orders", "/orders"),
        ("/orders/42/lines", "/orders/{id}/lines"),
        ("/orders/42/lines/7", "/{proxy+}"),
        ("/reports/2024/q1", "/{proxy+}"),
        ("/", "/"),
        ("/orders/42?x=1", "/orders/{id}"),
    ],
)
def test_the_most_specific_resource_wins(request_path: str, hit: str) -> None:
    assert best_resource(PATHS, request_path) == hit


def test_no_greedy_resource_means_an_unknown_path_hits_nothing() -> None:
    assert best_resource(("/", "/orders", "/orders/{id}"), "/reports") is None
    assert best_resource(("/{proxy+}",), "/") is None  # a greedy variable needs at least one segment


def test_each_kind_of_source_is_classified_and_a_secret_literal_is_masked() -> None:
    mappings = {
        m.header: m
        for m in header_mappings(
            {
                "integration.request.header.X-User-Id": "context.authorizer.claims.sub",
                "integration.request.header.X-Role": "context.authorizer.claims['custom:role']",
                "integration.request.header.X-Principal": "context.authorizer.principalId",
                "integration.request.header.X-Arn": "context.identity.userArn",
                "integration.request.header.X-Request-Id": "context.requestId",
                "integration.request.header.X-Forwarded-User": "method.request.header.X-User",
                "integration.request.header.X-Static": "'static-value'",
                "integration.request.header.X-Origin-Secret": "'hunter2-origin'",
                "integration.request.querystring.q": "method.request.querystring.q",
            }
        )
    }
    assert "q" not in mappings
    kinds = {name: (m.kind, m.key) for name, m in mappings.items()}
    assert kinds["X-User-Id"] == (SourceKind.CLAIM, "sub")
    assert kinds["X-Role"] == (SourceKind.CLAIM, "custom:role")
    assert kinds["X-Principal"] == (SourceKind.CONTEXT, "principalId")
    assert kinds["X-Arn"] == (SourceKind.IDENTITY, "userArn")
    assert kinds["X-Request-Id"] == (SourceKind.REQUEST_CONTEXT, "requestId")
    assert kinds["X-Forwarded-User"] == (SourceKind.CLIENT, "X-User")
    assert kinds["X-Static"][0] is SourceKind.LITERAL
    assert mappings["X-Static"].source == "'static-value'"
    assert "hunter2" not in mappings["X-Origin-Secret"].source


def test_a_template_reports_its_authorizer_references_and_request_override_headers() -> None:
    body = (
        "#set($context.requestOverride.header.X-User-Id = $context.authorizer.claims.sub)\n"
        '{"role": "$context.authorizer.claims[\'custom:role\']", "p": "$context.authorizer.principalId"}'
    )
    refs, overrides = template_refs({"application/json": body})
    assert refs[0].content_type == "application/json"
    assert refs[0].authorizer_refs == (
        "context.authorizer.claims.sub",
        "context.authorizer.claims['custom:role']",
        "context.authorizer.principalId",
    )
    assert [(o.header, o.kind, o.key, o.via) for o in overrides] == [
        ("X-User-Id", SourceKind.CLAIM, "sub", "template application/json")
    ]
