"""An authorizer's IAM policy judged against one method ARN as API Gateway does: wildcards, resource lists, Deny wins,
and what Baton does not evaluate (NotResource, NotAction, Condition) said out loud."""

from __future__ import annotations

import json
from collections.abc import Mapping

from console.aws.policy_match import match_policy, method_arn, names_single_method, parse_policy, real_stage
from console.model.authorizer_decision import Effect

API = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
ARN = f"{API}/dev/GET/orders/42"


def _judge(*statements: Mapping[str, object]) -> tuple[Effect, int | None, tuple[str, ...]]:
    parsed, notes = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    judged = match_policy(parsed, ARN, notes)
    return judged.effect, judged.statement.index if judged.statement else None, judged.notes


def _allow(resource: object, action: object = "execute-api:Invoke") -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_the_method_arn_has_region_account_api_stage_verb_and_path_without_query() -> None:
    assert method_arn("eu-west-1", "123456789012", "abc123", "dev", "get", "/orders/42?x=1") == ARN
    assert method_arn("eu-west-1", "1", "a", "dev", "GET", "/").endswith("a/dev/GET/")
    assert method_arn("cn-north-1", "1", "a", "dev", "GET", "/x").startswith("arn:aws-cn:execute-api:cn-north-1:")


def test_wildcards_match_across_slashes_and_question_mark_is_one_character() -> None:
    assert _judge(_allow(f"{API}/dev/*"))[0] is Effect.ALLOW
    assert _judge(_allow(f"{API}/*/GET/orders/*"))[0] is Effect.ALLOW
    assert _judge(_allow(f"{API}/dev/GET/orders/4?"))[0] is Effect.ALLOW
    assert _judge(_allow("arn:aws:execute-api:*:*:*"))[0] is Effect.ALLOW
    assert _judge(_allow(f"{API}/dev/GET/orders/?"))[0] is Effect.NONE_MATCHING
    assert _judge(_allow(f"{API}/dev/POST/*"))[0] is Effect.NONE_MATCHING


def test_resources_compare_case_sensitively_and_actions_do_not() -> None:
    assert _judge(_allow(f"{API}/dev/get/orders/42"))[0] is Effect.NONE_MATCHING
    assert _judge(_allow(ARN, "EXECUTE-API:invoke"))[0] is Effect.ALLOW
    assert _judge(_allow(ARN, "execute-api:*"))[0] is Effect.ALLOW
    assert _judge(_allow(ARN, "*"))[0] is Effect.ALLOW
    assert _judge(_allow(ARN, "execute-api:ManageConnections"))[0] is Effect.NONE_MATCHING


def test_a_resource_list_matches_when_any_entry_does() -> None:
    effect, index, _ = _judge(_allow([f"{API}/dev/POST/orders", ARN]))
    assert (effect, index) == (Effect.ALLOW, 1)


def test_an_explicit_deny_wins_over_an_allow_in_any_order() -> None:
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{API}/dev/GET/orders/*"}
    assert _judge(_allow(f"{API}/*"), deny)[:2] == (Effect.DENY, 2)
    assert _judge(deny, _allow(f"{API}/*"))[:2] == (Effect.DENY, 1)


def test_a_deny_for_another_method_does_not_touch_this_one() -> None:
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{API}/dev/DELETE/*"}
    assert _judge(deny, _allow(f"{API}/*"))[:2] == (Effect.ALLOW, 2)


def test_not_resource_is_not_evaluated_and_never_counts_as_an_allow() -> None:
    """An Allow with NotResource might cover this ARN: Baton cannot say allow, nor deny (it was once skipped, which
    turned an allow into a confident implicit deny)."""
    statement = {"Effect": "Allow", "Action": "execute-api:Invoke", "NotResource": f"{API}/dev/POST/*"}
    effect, index, notes = _judge(statement)
    assert (effect, index) == (Effect.UNDETERMINED, 1)
    assert any("NotResource, which Baton does not evaluate" in note for note in notes)


def test_a_conditional_allow_is_undetermined_not_allowed() -> None:
    """A false allow is the worst answer: the Condition (a source IP range here) may not hold for the real caller."""
    statement = {**_allow(ARN), "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
    effect, index, notes = _judge(statement)
    assert (effect, index) == (Effect.UNDETERMINED, 1)
    assert any("Condition" in note and "cannot tell allow from deny" in note for note in notes)


def test_a_conditional_deny_beside_an_allow_is_undetermined() -> None:
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": ARN, "Condition": {"Bool": {"x": "true"}}}
    assert _judge(_allow(f"{API}/*"), deny)[:2] == (Effect.UNDETERMINED, 2)
    not_resource_deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "NotResource": f"{API}/dev/POST/*"}
    assert _judge(_allow(f"{API}/*"), not_resource_deny)[:2] == (Effect.UNDETERMINED, 2)


def test_what_can_be_judged_still_decides() -> None:
    """An unconditional Deny denies whatever else is there; an unconditional Allow with only a conditional Allow
    beside it allows; a conditional Deny for another method is no doubt."""
    conditional_allow = {**_allow(ARN), "Condition": {"Bool": {"x": "true"}}}
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": ARN}
    assert _judge(conditional_allow, deny)[:2] == (Effect.DENY, 2)
    assert _judge(conditional_allow, _allow(ARN))[:2] == (Effect.ALLOW, 2)
    other = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{API}/dev/DELETE/*", "Condition": {}}
    assert _judge(_allow(ARN), other)[:2] == (Effect.ALLOW, 1)


def test_unreadable_policies_are_named_and_allow_nothing() -> None:
    assert parse_policy("{not json")[1][0].startswith("the policy is not JSON")
    assert parse_policy(json.dumps({"Version": "2012-10-17"}))[1] == ("the policy has no Statement",)
    statements, notes = parse_policy({"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}})
    assert match_policy(statements, ARN).effect is Effect.NONE_MATCHING
    assert "neither Allow nor Deny" in notes[0]


def test_the_test_invoke_placeholder_stage_is_judged_as_the_real_stage() -> None:
    statements, _ = parse_policy({"Statement": [_allow(f"{API}/ESTestInvoke-stage/GET/orders/42")]})
    assert match_policy(statements, ARN).effect is Effect.NONE_MATCHING
    rewritten, notes = real_stage(statements, "dev")
    assert match_policy(rewritten, ARN).effect is Effect.ALLOW
    assert "placeholder stage" in notes[0]


def test_a_policy_naming_only_exact_methods_is_a_cache_risk() -> None:
    exact, _ = parse_policy({"Statement": [_allow(ARN)]})
    wide, _ = parse_policy({"Statement": [_allow(f"{API}/dev/*/*")]})
    assert names_single_method(exact)
    assert not names_single_method(wide)
