"""Drift in the headers each side's integration sends IIS: missing on one side, another source, ``append:``. Pure."""

from __future__ import annotations

from console.aws.drift_expect import header_meets, likely_wrong, source_words
from console.aws.drift_model import Difference, DriftKind, SideInput
from console.aws.rest_shape import SECRET_NAME
from console.model.aws_config import HeaderMapping, SourceKind

IDENTITY_SOURCES = (SourceKind.CLAIM, SourceKind.CONTEXT, SourceKind.IDENTITY, SourceKind.CLIENT)
"""A header set from one of these carries (or claims to carry) who the caller is."""


def _by_header(side: SideInput) -> dict[str, HeaderMapping]:
    hit = side.config.hit
    if hit is None:
        return {}
    return {m.header.lower(): m for m in hit.mappings if m.via != "remove"}  # remove: sets nothing


def _shown(mapping: HeaderMapping | None) -> str:
    if mapping is None:
        return "(not mapped)"
    via = mapping.via
    return mapping.source + ("" if via in ("requestParameters", "overwrite") else f"  ({via})")


def _same_source(a: HeaderMapping, b: HeaderMapping) -> bool:
    """Same kind and key (REST and HTTP API spell the same source differently); literals compare by value, except
    an origin secret's, which is masked on read and expected to differ between environments anyway."""
    if a.kind is not b.kind or a.key != b.key:
        return False
    if a.kind is SourceKind.LITERAL and not SECRET_NAME.search(a.header):
        if a.digest or b.digest:  # a masked (or cut) literal: compared by digest, neither value shown
            return a.digest == b.digest
        return a.source.strip("'") == b.source.strip("'")
    return True


def _appends(mapping: HeaderMapping) -> bool:
    return mapping.via == "append"


def _expected(side: SideInput, key: str) -> str | None:
    return next((claim for header, claim in side.headers if header.lower() == key), None)


def _identity_header(key: str, a: SideInput, b: SideInput, found: list[HeaderMapping]) -> bool:
    named = _expected(a, key) is not None or _expected(b, key) is not None
    return named or bool(SECRET_NAME.search(key)) or any(m.kind in IDENTITY_SOURCES for m in found)


def _check(side: SideInput, mapping: HeaderMapping | None, header: str, key: str) -> tuple[bool | None, str]:
    claim = _expected(side, key)
    if claim is None:
        return None, ""
    return header_meets(side.config, mapping, header, claim)


def _missing(header: str, has: SideInput, lacks: SideInput, mapping: HeaderMapping) -> str:
    if SECRET_NAME.search(header):
        return (
            f"{lacks.name} sends IIS no {header} (the origin secret) while {has.name} does: IIS refuses "
            f"{lacks.name}'s requests, or is not checking where requests come from."
        )
    passthrough = ""
    if lacks.config.hit is not None and lacks.config.hit.integration_type == "HTTP_PROXY":
        passthrough = f"; on its HTTP_PROXY integration a caller-sent {header} reaches IIS unchanged"
    return (
        f"{has.name} maps {header} from {source_words(mapping, has.config)}; {lacks.name} sends no {header}: "
        f"IIS gets no {header} for {lacks.name}'s callers{passthrough}."
    )


def _other_source(header: str, a: SideInput, b: SideInput, ma: HeaderMapping, mb: HeaderMapping) -> str:
    wa, wb = source_words(ma, a.config), source_words(mb, b.config)
    head = f"{a.name} maps {header} from {wa}; {b.name} from {wb}"
    client = [s.name for s, m in ((a, ma), (b, mb)) if m.kind is SourceKind.CLIENT]
    if client:
        return f"{head}: on {client[0]} any caller can name any identity in {header}."
    if SECRET_NAME.search(header):
        return f"{head}: the origin secret IIS checks comes from a different place."
    if ma.kind in IDENTITY_SOURCES and mb.kind in IDENTITY_SOURCES:
        return f"{head}: IIS resolves a different user."
    return f"{head}: IIS receives a different {header} for the same caller."


def mapping_differences(a: SideInput, b: SideInput) -> list[Difference]:
    """Each header whose mapping differs between the two sides, identity headers marked so."""
    left, right = _by_header(a), _by_header(b)
    found: list[Difference] = []
    for key in sorted(set(left) | set(right)):
        ma, mb = left.get(key), right.get(key)
        present = [m for m in (ma, mb) if m is not None]
        header = present[0].header
        kind = DriftKind.ORIGIN_SECRET if SECRET_NAME.search(header) else DriftKind.MAPPING
        identity = _identity_header(key, a, b, present)
        if ma is not None and mb is not None:
            if _same_source(ma, mb) and _appends(ma) == _appends(mb):
                continue
            if not _same_source(ma, mb):
                consequence = _other_source(header, a, b, ma, mb)
            else:
                appending, other = (a, b) if _appends(ma) else (b, a)
                consequence = (
                    f"{appending.name} sets {header} with append:, {other.name} overwrites it: on {appending.name} "
                    f"a caller's own {header} reaches IIS first ('theirs,real')."
                )
                identity = True
            if ma.kind is SourceKind.LITERAL and mb.kind is SourceKind.LITERAL and not identity:
                consequence = f"{header} is a fixed value that differs: it carries no caller identity."
        else:
            has, lacks = (a, b) if ma is not None else (b, a)
            consequence = _missing(header, has, lacks, present[0])
        (ok_a, why_a), (ok_b, why_b) = _check(a, ma, header, key), _check(b, mb, header, key)
        wrong = likely_wrong(ok_a, ok_b, a.name, b.name)
        why = why_a if wrong == a.name else why_b if wrong == b.name else ""
        found.append(Difference(kind, header, _shown(ma), _shown(mb), consequence, identity, wrong, why))
    return found
