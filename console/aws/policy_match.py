"""Judge an authorizer's IAM policy against one method ARN as API Gateway does: wildcards, Deny wins. Pure.

A Lambda authorizer's policy (domain §1.3) allows or denies ``execute-api:Invoke`` on method ARNs
``arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}``. IAM wildcards: ``*`` matches any run of
characters (``/`` included), ``?`` exactly one; resources compare case-sensitively, actions case-insensitively. An
explicit Deny that matches wins over any Allow; no matching statement is an implicit deny.

Not evaluated, and said so in the notes: ``NotResource``, ``NotAction`` and ``Condition``. Such a statement never
decides in Baton's favour: an unconditional matching Deny still denies, but where one of them could turn the answer
(a conditional or Not* Deny beside an Allow, a conditional or Not* Allow where nothing else allows) the effect is
``UNDETERMINED`` — a guess is never reported as an allow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from console.model.authorizer_decision import Effect, PolicyMatch, Statement

INVOKE_ACTION = "execute-api:Invoke"
TEST_INVOKE_STAGES = ("ESTestInvoke-stage", "test-invoke-stage")
"""The stage a TestInvokeAuthorizer run puts in the methodArn it hands the Lambda (domain §1.9, observed)."""


def partition_of(region: str) -> str:
    """The ARN partition of ``region`` (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def method_arn(region: str, account: str, api_id: str, stage: str, method: str, path: str) -> str:
    """The method ARN API Gateway evaluates for ``METHOD path`` (path after the stage; query dropped)."""
    bare = path.split("?", 1)[0].lstrip("/")
    return f"arn:{partition_of(region)}:execute-api:{region}:{account}:{api_id}/{stage}/{method.upper()}/{bare}"


@lru_cache(maxsize=512)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """True when IAM-style ``pattern`` (``*``, ``?``) matches all of ``value``."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def _strings(value: Any) -> tuple[str, ...] | None:
    """A policy field that is a string or a list of strings, as a tuple; None when it is neither."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def parse_policy(document: str | Mapping[str, Any] | None) -> tuple[tuple[Statement, ...], tuple[str, ...]]:
    """The statements of a policy document (JSON text or parsed), and notes on what could not be read."""
    if document is None or document == "":
        return (), ()
    doc: Any = document
    if isinstance(document, str):
        try:
            doc = json.loads(document)
        except (ValueError, RecursionError):
            return (), ("the policy is not JSON: API Gateway answers 500 (AuthorizerConfigurationException)",)
    if not isinstance(doc, Mapping):
        return (), ("the policy is not a JSON object",)
    raw = doc.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else None
    if items is None:
        return (), ("the policy has no Statement",)
    statements: list[Statement] = []
    notes: list[str] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            notes.append(f"statement {index} is not a JSON object")
            continue
        statements.append(_statement(index, item, notes))
    return tuple(statements), tuple(notes)


def _statement(index: int, item: Mapping[str, Any], notes: list[str]) -> Statement:
    unsupported = [key for key in ("NotResource", "NotAction", "Condition") if key in item]
    for key in unsupported:
        notes.append(f"statement {index} uses {key}, which Baton does not evaluate: it never counts as an allow")
    actions = _strings(item.get("Action"))
    resources = _strings(item.get("Resource"))
    if actions is None and "NotAction" not in item:
        notes.append(f"statement {index} has no Action (string or list): it applies to nothing")
    if resources is None and "NotResource" not in item:
        notes.append(f"statement {index} has no Resource (string or list): it applies to nothing")
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        notes.append(
            f"statement {index} has Effect {str(effect)[:20]!r}, neither Allow nor Deny: it applies to nothing"
        )
    sid = item.get("Sid")
    return Statement(
        index=index,
        effect=str(effect),
        actions=actions or (),
        resources=resources or (),
        sid=str(sid) if sid is not None else None,
        unsupported=tuple(unsupported),
    )


def _applies(statement: Statement, arn: str) -> bool:
    """Whether an evaluable statement (no Condition, NotResource, NotAction) matches ``arn``."""
    if statement.effect not in ("Allow", "Deny") or statement.unsupported:
        return False
    acts = any(wildcard_match(action, INVOKE_ACTION, ignore_case=True) for action in statement.actions)
    return acts and any(wildcard_match(resource, arn) for resource in statement.resources)


def _may_apply(statement: Statement, arn: str) -> bool:
    """Whether a statement Baton does not fully evaluate could match ``arn``: a Condition on a matching statement
    may hold; a NotResource/NotAction statement may cover it."""
    if statement.effect not in ("Allow", "Deny") or not statement.unsupported:
        return False
    if {"NotResource", "NotAction"} & set(statement.unsupported):
        return True
    acts = any(wildcard_match(action, INVOKE_ACTION, ignore_case=True) for action in statement.actions)
    return acts and any(wildcard_match(resource, arn) for resource in statement.resources)


def match_policy(statements: tuple[Statement, ...], arn: str, notes: tuple[str, ...] = ()) -> PolicyMatch:
    """The effect of ``statements`` on ``arn``: the first matching Deny, else the first matching Allow, else none;
    UNDETERMINED where a statement Baton does not evaluate could turn that answer (see the module's docstring)."""
    deny = next((s for s in statements if s.effect == "Deny" and _applies(s, arn)), None)
    if deny is not None:
        return PolicyMatch(Effect.DENY, arn, deny, statements, notes)
    allow = next((s for s in statements if s.effect == "Allow" and _applies(s, arn)), None)
    unsure = "Deny" if allow is not None else "Allow"
    doubt = next((s for s in statements if s.effect == unsure and _may_apply(s, arn)), None)
    if doubt is not None:
        why = (
            f"statement {doubt.index} ({doubt.effect}, with {', '.join(doubt.unsupported)}) may apply to {arn}; "
            "Baton does not evaluate it, so it cannot tell allow from deny"
        )
        return PolicyMatch(Effect.UNDETERMINED, arn, doubt, statements, (*notes, why))
    if allow is not None:
        return PolicyMatch(Effect.ALLOW, arn, allow, statements, notes)
    return PolicyMatch(Effect.NONE_MATCHING, arn, None, statements, notes)


def real_stage(statements: tuple[Statement, ...], stage: str) -> tuple[tuple[Statement, ...], tuple[str, ...]]:
    """Statements whose resources name a TestInvokeAuthorizer placeholder stage, with the real ``stage`` put back.

    The test run hands the Lambda a methodArn on a made-up stage; an authorizer that echoes methodArn would, on the
    real request, name the real stage. The notes say which statements were rewritten."""
    changed: list[Statement] = []
    notes: list[str] = []
    for statement in statements:
        resources = statement.resources
        for placeholder in TEST_INVOKE_STAGES:
            resources = tuple(r.replace(f"/{placeholder}/", f"/{stage}/") for r in resources)
        if resources != statement.resources:
            notes.append(
                f"statement {statement.index} names the test run's placeholder stage; judged with stage {stage} "
                "as the real request's methodArn would have it"
            )
            changed.append(replace(statement, resources=resources))
        else:
            changed.append(statement)
    return tuple(changed), tuple(notes)


def names_single_method(statements: tuple[Statement, ...]) -> bool:
    """True when every Allow names exact method ARNs (no wildcard after the stage): with a TTL > 0 the cached
    policy refuses the same token on other routes (domain §1.6, F10)."""
    allows = [s for s in statements if s.effect == "Allow" and s.resources]
    if not allows:
        return False
    for statement in allows:
        for resource in statement.resources:
            after_api = resource.split("/", 2)[2] if resource.count("/") >= 2 else resource
            if "*" in after_api or "?" in after_api or resource == "*":
                return False
    return True
