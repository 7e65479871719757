"""Config findings only an HTTP API can have: ``append:`` on an identity header, and reserved headers (domain §2.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.aws.rest_shape import SECRET_NAME
from console.model.aws_config import ConfigFinding, HeaderMapping, RestApiConfig, SourceKind
from console.model.enums import Confidence, HopName, Severity
from console.model.findings import Finding

if TYPE_CHECKING:
    from console.aws.inspect_commands import Commands
    from console.aws.inspect_findings import Expected

RESERVED = frozenset(
    {
        "authorization",
        "connection",
        "content-encoding",
        "content-length",
        "content-location",
        "forwarded",
        "keep-alive",
        "origin",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "via",
    }
)
RESERVED_PREFIXES = ("access-control-", "apigw-", "x-amz-", "x-amzn-")
IDENTITY_KINDS = (SourceKind.CLAIM, SourceKind.CONTEXT, SourceKind.IDENTITY)


def is_reserved(header: str) -> bool:
    """True for a header an HTTP API parameter mapping cannot set."""
    name = header.lower()
    return name in RESERVED or name.startswith(RESERVED_PREFIXES)


def _finding(code: str, title: str, detail: str, fix: str) -> Finding:
    return Finding(code, Severity.ERROR, title, detail, fix, hop=HopName.INTEGRATION, confidence=Confidence.LIKELY)


def _append(mapping: HeaderMapping, commands: Commands) -> ConfigFinding:
    title = f"{mapping.header} is set with append:, so a caller's own {mapping.header} reaches IIS first"
    detail = (
        f"append:header.{mapping.header} = {mapping.source}. API Gateway joins values with commas: a caller who sends "
        f"{mapping.header}: someone-else makes IIS receive 'someone-else,<real value>'."
    )
    fix = f"use overwrite:header.{mapping.header} and clear the append: key, then redeploy"
    source = mapping.source
    if mapping.masked or (mapping.kind is SourceKind.LITERAL and SECRET_NAME.search(mapping.header)):
        source = "<the origin secret>" if SECRET_NAME.search(mapping.header) else "<the value>"  # never the mask
    command = commands.set_header(mapping.header, source, drop=f"append:header.{mapping.header}")
    return ConfigFinding(_finding("config.header_append", title, detail, fix), tuple(c for c in command if c))


def _reserved(header: str, mapped: bool) -> ConfigFinding:
    if mapped:
        title = f"{header} is a reserved header: an HTTP API mapping cannot set it"
        detail = f"The mapping of {header} is refused or ignored, so IIS never receives the value."
    else:
        title = f"the profile expects {header}, a reserved header no HTTP API mapping can set"
        detail = f"{header} cannot carry the identity on an HTTP API."
    fix = "carry the value in a header of your own name (e.g. X-User-Id) and read that one in IIS"
    return ConfigFinding(_finding("config.reserved_header", title, detail, fix))


def http_findings(config: RestApiConfig, expected: Expected, commands: Commands) -> list[ConfigFinding]:
    """``append:`` on identity headers and reserved header names, on the route's integration."""
    hit = config.hit
    if hit is None:
        return []
    wanted = {header.lower() for header, _ in expected.headers}
    found: list[ConfigFinding] = []
    for mapping in hit.mappings:
        if mapping.via == "append" and (mapping.header.lower() in wanted or mapping.kind in IDENTITY_KINDS):
            found.append(_append(mapping, commands))
        if is_reserved(mapping.header):
            found.append(_reserved(mapping.header, mapped=True))
    mapped = {mapping.header.lower() for mapping in hit.mappings}
    found.extend(
        _reserved(header, mapped=False)
        for header, _ in expected.headers
        if is_reserved(header) and header.lower() not in mapped
    )
    return found
