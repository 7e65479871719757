"""The pure drift comparison: every difference kind, identity-changing or informational, and the likely-wrong side
(the one missing its own profile's expectations while the other meets its own). No AWS: models built here."""

from __future__ import annotations

from dataclasses import replace

from console.aws.drift import compare
from console.aws.drift_model import Difference, DriftKind, SideInput
from console.model.aws_config import (
    AuthorizerConfig,
    HeaderMapping,
    MethodConfig,
    RestApiConfig,
    SourceKind,
    StageConfig,
)

POOL_A = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staging"
POOL_B = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Prod"
COGNITO = AuthorizerConfig("a1", "cognito", "COGNITO_USER_POOLS", "method.request.header.Authorization", 300, False)
LAMBDA = AuthorizerConfig(
    "a2", "lambda", "TOKEN", "method.request.header.Authorization", 0, True,
    authorizer_uri="arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:auth/invocations",
)  # fmt: skip


def claim(header: str, name: str, via: str = "requestParameters") -> HeaderMapping:
    return HeaderMapping(header, f"context.authorizer.claims.{name}", SourceKind.CLAIM, name, via)


def hit(*mappings: HeaderMapping, scopes: tuple[str, ...] = (), auth: str = "COGNITO_USER_POOLS") -> MethodConfig:
    return MethodConfig("r1", "/orders/{id}", "GET", auth, "a1", scopes, False, "HTTP_PROXY", "https://iis", mappings)


def config(method: MethodConfig | None, authorizer: AuthorizerConfig | None = COGNITO, **kw: object) -> RestApiConfig:
    stage = kw.pop("stage", StageConfig("dev", "d1", "d1"))
    return RestApiConfig("api", "eu-west-1", stage, "GET", "/orders/1", method, authorizer=authorizer, **kw)  # type: ignore[arg-type]


def side(name: str, cfg: RestApiConfig, **expects: object) -> SideInput:
    return SideInput(name, cfg, **expects)  # type: ignore[arg-type]


def only(a: SideInput, b: SideInput, kind: DriftKind) -> Difference:
    found = [d for d in compare(a, b).differences if d.kind is kind]
    assert len(found) == 1, compare(a, b).differences
    return found[0]


USER = {"headers": (("X-User-Id", "sub"),)}


def test_the_same_chain_has_no_difference() -> None:
    cfg = config(hit(claim("X-User-Id", "sub")))
    assert compare(side("staging", cfg), side("production", replace(cfg, api_id="other"))).differences == ()


def test_rest_and_http_spellings_of_one_source_are_the_same() -> None:
    rest = config(hit(claim("X-User-Id", "sub")))
    http_mapping = HeaderMapping("x-user-id", "$context.authorizer.claims.sub", SourceKind.CLAIM, "sub", "overwrite")
    http = config(hit(http_mapping), kind="http")
    assert [d for d in compare(side("a", rest), side("b", http)).differences if d.kind is DriftKind.MAPPING] == []


def test_a_mapping_from_another_claim_names_the_side_its_profile_disagrees_with() -> None:
    a = side("staging", config(hit(claim("X-User-Id", "sub"), scopes=("orders/read",))), **USER)
    b = side("production", config(hit(claim("X-User-Id", "email"))), **USER)
    item = only(a, b, DriftKind.MAPPING)
    assert item.identity and item.subject == "X-User-Id"
    assert item.consequence.startswith("staging maps X-User-Id from the access token's sub; production from the ID")
    assert "IIS resolves a different user" in item.consequence
    assert item.likely_wrong == "production" and "carry sub, not email" in item.why


def test_a_header_mapped_on_one_side_only() -> None:
    a = side("staging", config(hit(claim("X-User-Id", "sub"))), **USER)
    b = side("production", config(hit()), **USER)
    item = only(a, b, DriftKind.MAPPING)
    assert (item.a, item.b) == ("context.authorizer.claims.sub", "(not mapped)")
    assert "production sends no X-User-Id" in item.consequence and "HTTP_PROXY" in item.consequence
    assert item.likely_wrong == "production"


def test_no_likely_wrong_side_without_expectations() -> None:
    item = only(side("a", config(hit(claim("X-User-Id", "sub")))), side("b", config(hit())), DriftKind.MAPPING)
    assert item.identity and item.likely_wrong is None


def test_a_header_copied_from_the_caller() -> None:
    client = HeaderMapping("X-User-Id", "method.request.header.X-User-Id", SourceKind.CLIENT, "X-User-Id")
    item = only(
        side("a", config(hit(claim("X-User-Id", "sub"))), **USER),
        side("b", config(hit(client)), **USER),
        DriftKind.MAPPING,
    )
    assert "on b any caller can name any identity" in item.consequence and item.likely_wrong == "b"


def test_append_on_one_side() -> None:
    a = side("a", config(hit(claim("X-User-Id", "sub", "overwrite")), kind="http"), **USER)
    b = side("b", config(hit(claim("X-User-Id", "sub", "append")), kind="http"), **USER)
    item = only(a, b, DriftKind.MAPPING)
    assert item.identity and "b sets X-User-Id with append:, a overwrites it" in item.consequence
    assert item.likely_wrong == "b" and item.b.endswith("(append)")


def test_a_claim_the_token_type_lacks_makes_that_side_likely_wrong() -> None:
    # Both map email; with scopes, staging's Cognito authorizer takes access tokens, which carry no email.
    headers = {"headers": (("X-User-Email", "email"),)}
    a = side("staging", config(hit(claim("X-User-Email", "email"), scopes=("s",))), **headers)
    b = side("production", config(hit(claim("X-User-Email", "email"))), **headers)
    assert [d for d in compare(a, b).differences if d.kind is DriftKind.MAPPING] == []  # the same expression
    kind = only(a, b, DriftKind.TOKEN_TYPE)
    assert (kind.a, kind.b) == ("access", "id") and kind.likely_wrong is None  # no token_use in either profile


def test_token_type_likely_wrong_from_token_use() -> None:
    a = side("staging", config(hit(scopes=("s",))), token_use="access")
    b = side("production", config(hit()), token_use="access")
    item = only(a, b, DriftKind.TOKEN_TYPE)
    assert item.identity and item.likely_wrong == "production" and "token_use" in item.why


def test_scopes_likely_wrong_from_the_profiles_scopes() -> None:
    a = side("a", config(hit(scopes=("orders/read",))), scopes=("orders/read",))
    b = side("b", config(hit(scopes=("orders/admin",))), scopes=("orders/read",))
    item = only(a, b, DriftKind.SCOPES)
    assert (item.a, item.b) == ("orders/read", "orders/admin") and item.likely_wrong == "b"


def test_the_origin_secret_missing_on_one_side_never_shows_its_value() -> None:
    secret = HeaderMapping("X-Origin-Secret", "'<literal, 9 chars, not shown>'", SourceKind.LITERAL, "")
    other = HeaderMapping("X-Origin-Secret", "'<literal, 12 chars, not shown>'", SourceKind.LITERAL, "")
    expects = {"headers": (("X-Origin-Secret", "secret"),)}
    assert compare(side("a", config(hit(secret))), side("b", config(hit(other)))).differences == ()
    item = only(side("a", config(hit(secret)), **expects), side("b", config(hit()), **expects), DriftKind.ORIGIN_SECRET)
    assert item.identity and item.likely_wrong == "b" and "IIS refuses b's requests" in item.consequence


def test_a_fixed_value_that_differs_is_informational() -> None:
    x = HeaderMapping("X-Env", "'staging'", SourceKind.LITERAL, "")
    item = only(side("a", config(hit(x))), side("b", config(hit(replace(x, source="'prod'")))), DriftKind.MAPPING)
    assert not item.identity


def test_a_stage_serving_an_older_deployment_is_likely_wrong() -> None:
    stale = config(hit(), stage=StageConfig("prod", "d1", "d2"))
    drift = compare(side("staging", config(hit())), side("production", stale))
    [item] = drift.differences
    assert item.kind is DriftKind.DEPLOYMENT and item.likely_wrong == "production" and item.identity
    assert any("serves the older deployment d1" in note for note in drift.notes)


def test_deployment_ids_alone_are_not_a_difference() -> None:
    other = config(hit(), stage=StageConfig("prod", "d9", "d9"))
    assert compare(side("a", config(hit())), side("b", other)).differences == ()


def test_one_side_hitting_nothing() -> None:
    item = only(side("a", config(hit())), side("b", config(None, miss_reason="no resource matches")), DriftKind.HIT)
    assert item.identity and "on b the request reaches no resource or route (no resource matches)" in item.consequence


def test_another_resource_and_integration_type_are_informational() -> None:
    other = replace(hit(), resource_path="/{proxy+}", integration_type="HTTP")
    drift = compare(side("a", config(hit())), side("b", config(other)))
    assert {d.subject for d in drift.informational} == {"resource or route hit", "integration type"}
    assert drift.identity == ()


def test_authorization_type_none_on_one_side() -> None:
    item = only(side("a", config(hit())), side("b", config(hit(auth="NONE"), None)), DriftKind.AUTHORIZATION)
    assert "on b IIS receives requests nobody authenticated" in item.consequence


def test_api_key_required_on_one_side() -> None:
    keyed = replace(hit(), api_key_required=True)
    item = only(side("a", config(keyed)), side("b", config(hit())), DriftKind.AUTHORIZATION)
    assert item.subject == "API key required" and "only a requires an API key" in item.consequence


def test_authorizer_settings() -> None:
    other = replace(COGNITO, identity_source="method.request.header.X-Token", validation_expression="^ey")
    drift = compare(side("a", config(hit())), side("b", config(hit(), other)))
    assert {d.subject for d in drift.identity} == {"identity source", "token validation expression"}
    typed = compare(side("a", config(hit())), side("b", config(hit(), LAMBDA)))
    assert "authorizer type" in {d.subject for d in typed.identity}


def test_issuers_each_profile_expects_are_informational_else_the_wrong_side_is_named() -> None:
    a_cfg = config(hit(), replace(COGNITO, issuers=(POOL_A,)))
    b_cfg = config(hit(), replace(COGNITO, issuers=(POOL_B,)))
    expected = only(side("a", a_cfg, issuer=POOL_A), side("b", b_cfg, issuer=POOL_B), DriftKind.AUTHORIZER)
    assert not expected.identity
    wrong = only(side("a", a_cfg, issuer=POOL_A), side("b", b_cfg, issuer=POOL_A), DriftKind.AUTHORIZER)
    assert wrong.identity and wrong.likely_wrong == "b"
    unknown = only(side("a", a_cfg), side("b", b_cfg), DriftKind.AUTHORIZER)
    assert unknown.identity and unknown.likely_wrong is None and "set [identity] issuer" in unknown.consequence


def test_audiences() -> None:
    jwt = AuthorizerConfig("j", "jwt", "JWT", "$request.header.Authorization", 0, False, audiences=("app-a",))
    item = only(
        side("a", config(hit(), jwt), audiences=("app-a",)),
        side("b", config(hit(), replace(jwt, audiences=("app-b",))), audiences=("app-a",)),
        DriftKind.AUTHORIZER,
    )
    assert item.subject == "audience" and item.likely_wrong == "b"


def test_a_different_lambda_function_but_not_another_account() -> None:
    moved = replace(LAMBDA, authorizer_uri=LAMBDA.authorizer_uri.replace(":1:function:auth", ":2:function:auth"))
    assert compare(side("a", config(hit(), LAMBDA)), side("b", config(hit(), moved))).differences == ()
    renamed = replace(LAMBDA, authorizer_uri=LAMBDA.authorizer_uri.replace("function:auth", "function:auth-v2"))
    item = only(side("a", config(hit(), LAMBDA)), side("b", config(hit(), renamed)), DriftKind.AUTHORIZER)
    assert (item.a, item.b) == ("auth", "auth-v2")


def test_caching_on_one_side_changes_identity_two_ttls_do_not() -> None:
    cached = replace(LAMBDA, ttl=300)
    item = only(side("a", config(hit(), LAMBDA)), side("b", config(hit(), cached)), DriftKind.CACHING)
    assert item.identity and item.consequence.startswith("b caches its authorizer's answer")
    longer = only(
        side("a", config(hit(), cached)), side("b", config(hit(), replace(LAMBDA, ttl=3600))), DriftKind.CACHING
    )
    assert not longer.identity


def test_json_carries_both_sides_and_each_list() -> None:
    a = side("staging", config(hit(claim("X-User-Id", "sub"))), **USER)
    document = compare(a, side("production", config(hit()), **USER)).as_dict()
    assert document["schema"] == 1 and document["a"]["profile"] == "staging"
    [item] = document["identity_differences"]
    assert item["values"] == {"staging": "context.authorizer.claims.sub", "production": "(not mapped)"}
    assert item["likely_wrong"] == "production" and document["informational"] == []
