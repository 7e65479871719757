"""One masking rule for API Gateway log text, shared by `baton aws logs` (parsed) and `baton aws query` (Insights rows).

A message is masked by what it is: a logged header map has credential headers masked whole (Authorization, Cookie,
x-api-key, X-Amz-Security-Token, X-Origin-Verify …); a logged query-string map has credential parameters masked
(``access_token``, ``api_key``, ``client_secret`` …, console.model.masking.is_credential_param); a URL anywhere has its
credential query values replaced by ``<redacted>`` (as console.engine.redact.redact_url does); a JSON record (an access
log line) has string values under credential-like keys masked whole (``apiKey``, ``authorization``); and JWTs, AWS key
ids and API Gateway's ``****abc123`` tails are masked everywhere (console.engine.redact.redact_text).
"""

from __future__ import annotations

import re

from console.engine.logs.apigw_headers import parse_header_map, redact_json_pairs, render
from console.engine.logs.apigw_lines import classify, split_prefix
from console.engine.redact import is_secret_header, redact_value

__all__ = ["MAP_KINDS", "QUERY_KINDS", "mask_body", "mask_field", "mask_message", "mask_text"]

MAP_KINDS = frozenset({"endpoint_headers", "method_headers", "endpoint_response_headers", "method_response_headers"})
"""Messages whose value is a logged header map."""
QUERY_KINDS = frozenset({"method_query"})
"""Messages whose value is a logged query-string map (``{access_token=…, page=2}``)."""


def mask_text(text: str) -> str:
    """Free log text: credential query values in URLs, credential JSON values, JWTs, AWS key ids and masked tails."""
    return redact_json_pairs(text)  # which masks URL query credentials first (apigw_headers.mask_query_params)


def mask_body(kind: str, match: re.Match[str] | None, body: str) -> str:
    """A message body (prefix already split off) of the given kind (console.engine.logs.apigw_lines.classify)."""
    if match is not None and (kind in MAP_KINDS or kind in QUERY_KINDS) and "value" in match.re.groupindex:
        start = match.start("value")
        if start >= 0 and (kind in MAP_KINDS or body[start:].lstrip().startswith("{")):
            dump = parse_header_map(body[start:], query=kind in QUERY_KINDS)
            return body[:start] + render(dump)
    return mask_text(body)


def mask_message(text: str) -> str:
    """A whole CloudWatch message as logged (``(requestId) Endpoint request headers: {…}``, or an access-log JSON
    record): its prefix kept, its body masked by its kind."""
    body = split_prefix(text).body
    kind, match = classify(body)
    if not kind or not text.endswith(body):
        return mask_text(text)
    return text[: len(text) - len(body)] + mask_body(kind, match, body)


def mask_field(name: str, value: str) -> str:
    """The value of a named field (an Insights result column, an access-log key): masked whole when the name says it
    is a credential (``apiKey``, ``authorization``, ``requestContext.identity.apiKey``), else masked as a message."""
    last = name.rsplit(".", 1)[-1]
    if (is_secret_header(name) or is_secret_header(last)) and value.strip() not in ("", "-"):
        return value if value.startswith("<redacted") else redact_value(value.strip())
    return mask_message(value)
