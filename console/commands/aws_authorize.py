"""`baton aws authorize`: what the API's authorizer decides for this token and request (console.aws.authorizer_decide).

The token is shown only as its mask (console.model.masking); everything from AWS or the token is printed inert.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from console.errors import BatonError, TraceError, UsageError
from console.model.authorizer_decision import TEST_BUTTON_NOTE, AuthorizerResult, Unavailable
from console.model.masking import mask_credential
from console.sanitize import inert

if TYPE_CHECKING:
    from console.model.profile import Profile

EXIT_ALLOW, EXIT_DENY, EXIT_FAILURE = 0, 1, 2


def parse_headers(raw: list[str]) -> list[tuple[str, str]]:
    """``--header 'Name: value'`` items as (name, value); UsageError naming the item (never its value)."""
    headers = []
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise UsageError(f"--header {name[:40]!r}… is not 'NAME: VALUE'")
        headers.append((name.strip(), value.strip()))
    return headers


def token_of(args: argparse.Namespace, profile: Profile) -> tuple[str | None, str]:
    """The token to judge and where it came from: --token-env, --token (a reference, - or the token), else the
    profile's [identity] as a trace acquires it (TraceError when that fails), else none."""
    from console.config.secrets import profile_resolver
    from console.model.profile import SecretRef

    if args.token_env:
        value = os.environ.get(args.token_env, "").strip()
        if not value:
            raise UsageError(f"--token-env {args.token_env}: the variable is not set or is empty")
        return value, f"env:{args.token_env}"
    if args.token == "-":  # noqa: S105 (stdin, not a password)
        text = sys.stdin.read() if sys.stdin is not None else ""
        if not text.strip():
            raise UsageError("--token -: nothing on stdin")
        return text.strip(), "stdin"
    if args.token:
        try:
            ref = SecretRef.parse(args.token, profile.source and os.path.dirname(profile.source))
        except ValueError:  # not env:/file:/aws-secretsmanager: — the token itself
            return args.token.strip(), "--token"
        return profile_resolver(profile)(ref).strip(), str(ref)
    if profile.identity is None:
        return None, "none: the profile has no [identity] and no --token was given"
    from console.engine.identity import acquire_token
    from console.engine.target import target_from_profile
    from console.engine.transport import make_client
    from console.session import with_aws_hooks

    target = with_aws_hooks(target_from_profile(profile), profile)  # the cognito flow signs in through [aws]
    with make_client(10.0) as http:
        acquired = acquire_token(target.client, http, profile_resolver(profile), token_source=target.token_source)
    if acquired is None or not acquired.value:
        return None, "none: the profile's [identity] gives no token"
    return acquired.value, acquired.source


def run(args: argparse.Namespace) -> int:
    """Exit 0: the authorizer allows the request; 1: it refuses it; 2: profile, usage or AWS failure (with --json,
    a failure is also a JSON error document on stdout)."""
    from console.aws.errors import json_errors

    with json_errors(args.json, "aws authorize"):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from console.aws.authorizer_decide import decide, request_headers
    from console.aws.inspect_rest import request_path
    from console.config import load_profile
    from console.engine.transport import check_request

    profile = load_profile(args.profile)
    method = (args.method or "GET").upper()
    headers = parse_headers(args.header)
    check_request(method, headers, labels=("--method", "--header"))
    path, path_source = request_path(profile, args.path)
    given = next((value for name, value in headers if name.lower() == "authorization"), None)
    if given and not args.token and not args.token_env:
        # As in a trace: an Authorization given with --header replaces the profile's token (none is acquired).
        scheme, sep, rest = given.partition(" ")
        token: str | None = rest.strip() if sep and scheme.lower() == "bearer" else given
        token_source = "--header Authorization"  # noqa: S105 (where the token came from, not a token)
    else:
        try:
            token, token_source = token_of(args, profile)
        except TraceError as exc:
            raise BatonError(f"cannot get the token from the profile: {exc.message}", hint=exc.hint) from None
    sent = request_headers(token, headers)
    shown_auth = next((mask_credential(v) for n, v in sent if n.lower() == "authorization"), "(none)")
    request = {"method": method, "path": path, "path_from": path_source, "authorization": shown_auth}
    result = decide(profile, token, method, path, headers)
    if args.json:
        document = {**result.as_dict(), "request": request, "token_from": token_source, "note": TEST_BUTTON_NOTE}
        if isinstance(result, Unavailable):  # the same error fields as every other --json failure
            message = f"the authorizer's decision is unavailable ({result.kind}): {inert(result.reason)}"
            error = {"message": message, "kind": result.kind, "exit_code": EXIT_FAILURE}
            document = {"schema": 1, "command": "aws authorize", "ok": False, "error": error, **document}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    if isinstance(result, Unavailable):
        sys.stderr.write(f"baton: the authorizer's decision is unavailable ({result.kind}): {inert(result.reason)}\n")
        return EXIT_FAILURE
    if not args.json:
        sys.stdout.write("".join(f"{line}\n" for line in text_lines(result, request, token_source)))
    return EXIT_ALLOW if result.allowed else EXIT_DENY


def text_lines(result: AuthorizerResult, request: dict[str, str], token_source: str) -> list[str]:
    """The human report; every string from AWS, the authorizer or the token is shown inert."""
    raw = [
        f"authorizer  {result.authorizer_type} {result.authorizer_name} ({result.authorizer_id}), "
        f"decided by {result.source.value}",
        f"request     {request['method']} {request['path']}  (path from {request['path_from']})",
        f"            Authorization: {request['authorization']}  (token from {token_source})",
        f"method ARN  {result.method_arn}",
    ]
    response = result.response
    verdict = "UNDETERMINED (neither allow nor deny can be claimed)" if result.undetermined else result.decision.upper()
    if response is not None:
        error = f" ({response.error_type})" if response.error_type else ""
        verdict += f" — the client gets {response.status} {json.dumps({'message': response.message})}{error}"
    raw.append(f"decision    {verdict}")
    raw.append(f"effect      {result.effect.value}")
    raw += [f"reason      {reason}" for reason in result.reasons]
    raw.append(f"principal   {result.principal_id if result.principal_id is not None else '(none)'}")
    statement = result.statement
    if statement is not None:
        raw.append(f"statement   #{statement.index} {statement.effect} {' '.join(statement.actions)} on")
        raw += [f"              {resource}" for resource in statement.resources]
    elif result.statements:
        raw.append("statement   none of the policy's statements matches this method ARN")
    for item in result.statements:
        raw.append(f"policy      #{item.index} {item.effect} {' '.join(item.actions)} {' '.join(item.resources)}")
    raw += _table("context", result.context) + _table("claims", result.claims)
    if result.latency_ms is not None:
        raw.append(f"latency     {result.latency_ms} ms")
    if result.client_status is not None:
        raw.append(f"status      {result.client_status} (as AWS reported it)")
    if result.log_lines:
        raw.append("log")
        raw += [f"  {line}" for line in result.log_lines]
    raw += [f"note        {note}" for note in (*result.notes, TEST_BUTTON_NOTE)]
    return [inert(line) for line in raw]


def _table(title: str, pairs: tuple[tuple[str, str], ...]) -> list[str]:
    if not pairs:
        return [f"{title:<12}(none)"]
    width = max(len(key) for key, _ in pairs)
    return [f"{title if i == 0 else '':<12}{key:<{width}} = {value}" for i, (key, value) in enumerate(pairs)]
