"""API Gateway's logged header maps (``{Name=value, Name2=value}``, Java-map style) as ordered pairs, secrets masked.

Facts (shared/domain/gateway-iis-identity.md §1.8): values are not quoted and may hold ``, `` themselves (``Date=Thu,
31 Aug 2017 …``, ``Accept-Encoding=gzip, deflate, br``), so a pair starts only where ``, `` is followed by a header
token and ``=``. Lines over 1024 bytes are cut and end in ``[TRUNCATED]``; a CloudWatch console copy may also cut a
line before its ``}``. Both mark the dump truncated and keep what was read. A dump copied from a web page may be
wrapped over several lines (the wrap comes after a ``,``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from console.engine.redact import is_secret_header, redact_text, redact_value
from console.model.gateway_log import HeaderDump
from console.model.masking import is_credential_param

__all__ = [
    "MAX_HEADERS",
    "MAX_VALUE",
    "TRUNCATED",
    "cap",
    "mask_query_params",
    "parse_header_map",
    "redact_json_pairs",
    "render",
]

TRUNCATED = "[TRUNCATED]"
MAX_HEADERS = 200
"""Headers kept of one logged map. API Gateway cuts a line at 1 KB, so more than this is no real log (a forged or
hostile one): the rest is counted, not kept, and the dump is marked truncated (a header after the cut is unknown)."""
MAX_VALUE = 2048
"""Characters kept of one logged value (a header, a context value, a policy): no identity needs more."""
NOT_KEPT = "… "
"""How a dump's ``tail`` starts when Baton (not API Gateway) cut the map: ``… 1,800 more headers not kept``."""
_HEADER_NAME = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_PAIR_START = re.compile(rf", (?={_HEADER_NAME}=)")
_NAME = re.compile(rf"{_HEADER_NAME}")
_WRAP = re.compile(r",[ \t]*\r?\n[ \t]*")
_SIGV4_PARTS = frozenset({"credential", "signedheaders", "signature"})
"""The parts of a SigV4 ``Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`` value: they
look like ``, Name=`` pairs but belong to the Authorization value."""


def parse_header_map(text: str, *, query: bool = False) -> HeaderDump:
    """The pairs of one logged header map (the text after ``headers: ``); never raises.

    Credential headers (Authorization, X-Amz-Security-Token, x-api-key, cookies …) get their values masked whole;
    other values have JWTs and API Gateway's masked tails redacted. ``query``: the map is a logged query string
    (``Method request query string: {…}``), whose credential parameters (``access_token``, ``api_key`` …) are masked."""
    body = _WRAP.sub(", ", text.strip())
    body = body.replace("\r", " ").replace("\n", " ")
    truncated = False
    if body.endswith(TRUNCATED):
        truncated = True
        body = body[: -len(TRUNCATED)].rstrip()
    if body.startswith("{"):
        body = body[1:]
    if body.endswith("}") and not truncated:
        body = body[:-1]
    elif body or truncated:
        truncated = True  # no closing brace: the line was cut
    if not body.strip():
        return HeaderDump(pairs=(), truncated=truncated)
    pairs: list[tuple[str, str]] = []
    tail = ""
    pieces = _PAIR_START.split(body)
    for index, piece in enumerate(pieces):
        name, eq, value = piece.partition("=")
        if not eq or not _NAME.fullmatch(name.strip()):
            if index == 0 and not pairs:
                tail = piece  # not a map at all (e.g. "***"): kept as the tail
                continue
            if truncated and index == len(pieces) - 1:
                tail = piece  # cut inside a header name
                continue
            # ", " inside a value that _PAIR_START could not tell apart: glue it back on the previous value
            if pairs:
                last_name, last_value = pairs[-1]
                pairs[-1] = (last_name, f"{last_value}, {piece}")
            continue
        if pairs and name.strip().lower() in _SIGV4_PARTS and _is_sigv4(pairs[-1][1]):
            last_name, last_value = pairs[-1]
            pairs[-1] = (last_name, f"{last_value}, {piece}")  # part of the SigV4 Authorization value
            continue
        pairs.append((name.strip(), value))
    if truncated and pairs and not tail:
        name, value = pairs[-1]
        head, sep, fragment = value.rpartition(", ")
        if sep and _NAME.fullmatch(fragment):
            pairs[-1], tail = (name, head), fragment  # cut inside the next header's name
    tail = redact_text(tail)
    if len(pairs) > MAX_HEADERS:
        more = len(pairs) - MAX_HEADERS
        pairs, truncated = pairs[:MAX_HEADERS], True
        tail = f"{NOT_KEPT}{more:,} more header{'s' if more > 1 else ''} not kept (Baton keeps the first {MAX_HEADERS})"
    cut_at = pairs[-1][0] if truncated and pairs else None
    # masked first, then cut: a credential cut in half would no longer be recognised as one
    masked = tuple((cap(name, 200), cap(_shown(name, value, query))) for name, value in pairs)
    return HeaderDump(pairs=masked, truncated=truncated, cut_at=cut_at and cap(cut_at, 200), tail=cap(tail))


def cap(text: str, limit: int = MAX_VALUE) -> str:
    """``text`` cut to ``limit`` characters, saying where and how much there was (``… (cut at 2,048 of 9,000
    characters)``); whole when it fits. Cut after masking, never before."""
    if len(text) <= limit:
        return text
    done = _CUT.search(text, max(0, len(text) - 60))
    if done is not None and done.start() <= limit:
        return text  # cut already (a value capped once, then passed through again)
    return f"{text[:limit]}… (cut at {limit:,} of {len(text):,} characters)"


_CUT = re.compile(r"… \(cut at [\d,]+ of [\d,]+ characters\)$")


def render(dump: HeaderDump) -> str:
    """A dump written back in API Gateway's form, with its masked values (for the kept message text)."""
    body = ", ".join(f"{name}={value}" for name, value in dump.pairs)
    if dump.tail:
        body = f"{body}, {dump.tail}" if body else dump.tail
    if dump.tail.startswith(NOT_KEPT):
        return f"{{{body}}}"  # cut by Baton, not by API Gateway: no [TRUNCATED] the log did not hold
    return f"{{{body} {TRUNCATED}" if dump.truncated else f"{{{body}}}"


_JSON_PAIR = re.compile(r'"(?P<key>[^"\\]{1,100})"(?P<sep>\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"')


def redact_json_pairs(text: str) -> str:
    """``text`` (a logged JSON body, possibly cut) with string values under credential-like keys masked whole
    (``"authorizationToken"``, ``"session_token"``, ``"client_secret"`` …), then redacted as free text."""
    if '"' in text:
        text = _JSON_PAIR.sub(_mask_pair, text)
    return redact_text(mask_query_params(text))


def _mask_pair(match: re.Match[str]) -> str:
    key, value = match.group("key"), match.group("value")
    if not value or not is_secret_header(key) or value.startswith("<redacted"):
        return match.group(0)
    return f'"{key}"{match.group("sep")}"{redact_value(value)}"'


def _is_sigv4(value: str) -> bool:
    return value.lstrip()[:16].upper() == "AWS4-HMAC-SHA256"


def _shown(name: str, value: str, query: bool = False) -> str:
    """``value`` as it may be printed: a credential header's (or query parameter's) value masked whole, others
    redacted as free text."""
    secret = is_credential_param(name, value) if query else is_secret_header(name)
    if secret and value.strip():
        return redact_value(value.strip())
    return redact_text(mask_query_params(value))


# a query parameter after ? or & in a URL or path: name=value up to the next separator of a URL or of a logged map
_QUERY_PARAM = re.compile(r"(?P<sep>[?&])(?P<name>[^=&\s#?{},]{1,200})=(?P<value>[^&\s#,}]*)")


def mask_query_params(text: str) -> str:
    """``text`` with the value of every credential-looking URL query parameter (``?access_token=…``, ``&sig=…``)
    replaced by ``<redacted>``, as console.engine.redact.redact_url does for a whole URL."""
    if "=" not in text or ("?" not in text and "&" not in text):
        return text
    return _QUERY_PARAM.sub(_mask_param, text)


def _mask_param(match: re.Match[str]) -> str:
    name, value = match.group("name"), match.group("value")
    if not value or value == "<redacted>" or not is_credential_param(unquote_plus(name), unquote_plus(value)):
        return match.group(0)
    return f"{match.group('sep')}{name}=<redacted>"
