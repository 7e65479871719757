"""Pure API shape rules: which REST resource or HTTP API route a request hits, and what a mapping expression reads.

No boto3 here: these take the plain strings AWS returned, so they are tested without a server.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from console.engine.redact import is_secret_header
from console.model.aws_config import HeaderMapping, SourceKind, TemplateRef
from console.model.masking import AUTH_SCHEMES, SECRET_SHAPE, looks_like_token

HEADER_PREFIX = "integration.request.header."
SECRET_NAME = re.compile(r"(origin|gateway|shared).*(secret|key|token|verify)|secret", re.IGNORECASE)
"""A header named like this carries the origin (shared) secret IIS checks (X-Origin-Secret, X-Origin-Verify)."""
LONG_LITERAL = 120
"""A longer (non-credential) literal is shown cut, with its length: a mapping table stays readable."""
_TEMPLATE_REF = re.compile(r"\$(?:\{)?context\.authorizer(\.claims\[\s*['\"][^'\"]+['\"]\s*\]|(?:\.[A-Za-z0-9_]+)+)")
_OVERRIDE = re.compile(
    r"#set\s*\(\s*\$context\.requestOverride\.header\.([A-Za-z0-9_-]+)\s*=\s*\"?\s*(\$\{?[^\")\s]+)", re.IGNORECASE
)


def _segment_score(pattern: str, part: str) -> int | None:
    if pattern.startswith("{") and pattern.endswith("}"):
        return 1
    return 2 if pattern == part else None


def path_score(resource_path: str, request_path: str) -> tuple[int, ...] | None:
    """How specifically ``resource_path`` (``/orders/{id}``, ``/{proxy+}``) matches ``request_path``; None: no match.

    Higher tuples win: a literal segment beats ``{param}``, which beats a greedy ``{name+}`` (0)."""
    patterns = [p for p in resource_path.split("/") if p]
    parts = [p for p in request_path.split("?", maxsplit=1)[0].split("/") if p]
    scores: list[int] = []
    for index, pattern in enumerate(patterns):
        if pattern.startswith("{") and pattern.endswith("+}"):
            # Greedy: the last segment of a resource path, matching one or more request segments.
            return (*scores, 0) if index == len(patterns) - 1 and len(parts) > index else None
        if index >= len(parts):
            return None
        score = _segment_score(pattern, parts[index])
        if score is None:
            return None
        scores.append(score)
    return tuple(scores) if len(patterns) == len(parts) else None


def best_resource(paths: Iterable[str], request_path: str) -> str | None:
    """The resource path API Gateway routes ``request_path`` to: the most specific match, or None."""
    scored = [(score, path) for path in paths if (score := path_score(path, request_path)) is not None]
    return max(scored)[1] if scored else None


def _classify(expression: str) -> tuple[SourceKind, str]:
    text = expression.strip()
    if len(text) >= 2 and text.startswith("'") and text.endswith("'"):
        return SourceKind.LITERAL, ""
    bracket = re.fullmatch(r"context\.authorizer\.claims\[\s*['\"]([^'\"]+)['\"]\s*\]", text)
    if bracket:
        return SourceKind.CLAIM, bracket.group(1)
    table = (
        ("context.authorizer.claims.", SourceKind.CLAIM),
        ("context.authorizer.", SourceKind.CONTEXT),
        ("context.identity.", SourceKind.IDENTITY),
        ("context.", SourceKind.REQUEST_CONTEXT),
        ("method.request.", SourceKind.CLIENT),
        ("stageVariables.", SourceKind.STAGE_VARIABLE),
    )
    for prefix, kind in table:
        if text.startswith(prefix):
            key = text[len(prefix) :]
            if kind is SourceKind.CLIENT:
                key = key.split(".", 1)[1] if "." in key else key  # header.X-Y → X-Y
            return kind, key
    return SourceKind.OTHER, text


def is_credential_literal(header: str, value: str) -> bool:
    """True when a literal mapping value is a credential: by its header's name (X-Api-Key, Authorization, the origin
    secret…) or by its shape (a JWT, an AWS key id, a long opaque token, ``Bearer …``), whatever the header."""
    bare = value.strip()
    scheme, sep, rest = bare.partition(" ")
    return (
        is_secret_header(header)
        or bool(SECRET_NAME.search(header))
        or bool(SECRET_SHAPE.search(bare))
        or looks_like_token(bare)
        or bool(sep and scheme.lower() in AUTH_SCHEMES and rest.strip())
    )


def literal_mapping(header: str, value: str, kind: SourceKind, key: str, via: str, quote: str) -> HeaderMapping:
    """The mapping of a literal: a credential is masked (its length only, and a digest kept for comparison, never
    shown); a long one is shown cut."""
    if is_credential_literal(header, value):
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        shown = f"{quote}<literal, {len(value)} chars, not shown>{quote}"
        return HeaderMapping(header, shown, kind, key, via, masked=True, digest=digest)
    if len(value) > LONG_LITERAL:
        shown = f"{quote}{value[:LONG_LITERAL]}…{quote} ({len(value)} chars)"
        return HeaderMapping(header, shown, kind, key, via, digest=hashlib.sha256(value.encode()).hexdigest())
    return HeaderMapping(header, f"{quote}{value}{quote}", kind, key, via)


def _mapping(header: str, expression: str, via: str = "requestParameters") -> HeaderMapping:
    text = expression.strip()
    kind, key = _classify(text)
    if kind is SourceKind.LITERAL:
        return literal_mapping(header, text[1:-1], kind, key, via, "'")
    return HeaderMapping(header, text, kind, key, via)


def shown_source(header: str, expression: str) -> str:
    """The mapping expression as it may be printed: a credential literal is masked, a long one cut."""
    return _mapping(header, expression).source


def header_mappings(request_parameters: Mapping[str, str]) -> list[HeaderMapping]:
    """The ``integration.request.header.*`` entries of an integration's requestParameters, in key order."""
    found: list[HeaderMapping] = []
    for target, expression in sorted(request_parameters.items()):
        if not target.startswith(HEADER_PREFIX):
            continue
        found.append(_mapping(target[len(HEADER_PREFIX) :], str(expression)))
    return found


def template_refs(templates: Mapping[str, str]) -> tuple[list[TemplateRef], list[HeaderMapping]]:
    """Each template's ``$context.authorizer`` references, and the headers it sets via ``requestOverride``."""
    refs: list[TemplateRef] = []
    overrides: list[HeaderMapping] = []
    for content_type, body in sorted(templates.items()):
        text = str(body or "")
        names = [f"context.authorizer{m.group(1)}" for m in _TEMPLATE_REF.finditer(text)]
        refs.append(TemplateRef(content_type, tuple(dict.fromkeys(names))))
        for match in _OVERRIDE.finditer(text):
            expression = match.group(2).lstrip("$").strip("{}")
            overrides.append(_mapping(match.group(1), expression, f"template {content_type}"))
    return refs, overrides


def best_route(route_keys: Iterable[str], method: str, request_path: str) -> str | None:
    """The HTTP API route key (``GET /orders/{id}``, ``ANY /{proxy+}``, ``$default``) a request hits, or None.

    The most specific path wins, then the exact method over ``ANY``; ``$default`` catches the rest."""
    scored: list[tuple[tuple[int, ...], int, str]] = []
    keys = list(route_keys)
    for key in keys:
        verb, _, path = key.partition(" ")
        if not path or verb not in (method.upper(), "ANY"):
            continue
        score = path_score(path, request_path)
        if score is not None:
            scored.append((score, 1 if verb == method.upper() else 0, key))
    if scored:
        return max(scored)[2]
    return "$default" if "$default" in keys else None


def http_mappings(request_parameters: Mapping[str, str]) -> list[HeaderMapping]:
    """The header entries (``overwrite|append|remove:header.NAME``) of an HTTP API integration's parameter mapping."""
    found: list[HeaderMapping] = []
    for target, expression in sorted(request_parameters.items()):
        action, _, rest = target.partition(":")
        if not rest.lower().startswith("header."):
            continue
        header = rest[len("header.") :]
        text = str(expression).strip()
        bare = text[2:-1] if text.startswith("${") and text.endswith("}") and text.count("$") == 1 else text[1:]
        if not text.startswith("$"):
            kind, key = SourceKind.LITERAL, ""
        elif "$" in bare or " " in bare:
            kind, key = SourceKind.OTHER, text
        elif bare.startswith("request."):
            kind, key = SourceKind.CLIENT, bare.split(".", 2)[-1]
        else:
            kind, key = _classify(bare)
        if kind is SourceKind.LITERAL:
            found.append(literal_mapping(header, text, kind, key, action, ""))
        else:
            found.append(HeaderMapping(header, text, kind, key, action))
    return found
