"""The token section of the inspector: countdown, header, claims with human times, signature and findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.content import Content

from console.model.enums import Severity, SignatureStatus
from console.timefmt import TIME_CLAIMS, describe, utc_text
from widgets.text import Part, heading, line, safe, show_value

if TYPE_CHECKING:
    from console.model.findings import Finding
    from console.model.token import TokenReport

SIGNATURE_BADGE = {
    SignatureStatus.VALID: ("✓ valid", "bold $text-success"),
    SignatureStatus.INVALID: ("✗ invalid", "bold $text-error"),
    SignatureStatus.UNVERIFIED: ("? unverified", "bold $text-warning"),
    SignatureStatus.UNSUPPORTED: ("! unsupported", "bold $text-warning"),
}
SEVERITY_BADGE = {
    Severity.ERROR: ("✗ error", "bold $text-error"),
    Severity.WARNING: ("! warning", "bold $text-warning"),
    Severity.INFO: ("i info", "$text-muted"),
}


def clock_text(seconds: float) -> str:
    """A duration to the second: ``1 h 02 min 05 s``, ``4 min 12 s``, ``9 s``."""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 48:
        return f"{hours // 24} d {hours % 24} h"
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def countdown_line(exp: float, now: float) -> Content:
    """``⏱ expires in 4 min 12 s`` or ``✗ EXPIRED 2 h 00 min 00 s ago``, with the UTC time."""
    left = exp - now
    when = (f"  (exp {utc_text(exp)})", "$text-muted")
    if left > 0:
        style = "bold $text-warning" if left < 120 else "bold $text-success"
        return line((f"⏱ expires in {clock_text(left)}", style), when)
    return line((f"✗ EXPIRED {clock_text(left)} ago", "bold $text-error"), when)


def _pairs(values: dict[str, object], now: float | None = None) -> Iterable[Content]:
    width = max((len(k) for k in values), default=0)
    for key, value in values.items():
        row: list[Part] = ["  ", safe(str(key).ljust(width), "$text-primary"), "  "]
        told = describe(key, value, now) if now is not None and key in TIME_CLAIMS else None
        if told is not None and told.utc:
            row += [(told.utc, ""), (f"  {told.relative}", "$text-muted")]  # a date, never a raw epoch
        else:
            row.append(safe(show_value(value)))
            row += [(f"  {told.relative}", "$text-muted")] if told is not None else []
        yield line(*row)


def token_rows(report: TokenReport, now: float) -> list[Content]:
    """Header, claims and signature of the client's token (everything inert: the token is untrusted)."""
    token, sig = report.token, report.signature
    rows: list[Content] = [heading(f"Token ({token.kind}, {token.size} bytes)")]
    rows += [line(("header", "bold")), *_pairs(token.header), line(("claims", "bold")), *_pairs(token.claims, now)]
    word, style = SIGNATURE_BADGE[sig.status]
    parts: list[Part] = [("signature ", "bold"), (word, style)]
    for label, value in (("alg", sig.alg), ("kid", sig.kid), ("key", sig.key_source)):
        if value:
            parts += [f"  {label}=", safe(value)]
    rows.append(line(*parts))
    if sig.detail:
        rows.append(safe(sig.detail, "$text-muted"))
    rows += [safe(note, "$text-muted") for note in token.notes]
    return rows


def findings_rows(findings: Iterable[Finding]) -> list[Content]:
    """Each finding: severity glyph and word, code, title; its detail; its fix."""
    rows: list[Content] = []
    for finding in findings:
        word, style = SEVERITY_BADGE.get(finding.severity, ("? note", ""))
        rows.append(line((word, style), "  ", safe(finding.code, "bold"), "  ", safe(finding.title)))
        if finding.detail:
            rows.append(line("    ", safe(finding.detail, "$text-muted")))
        if finding.fix:
            rows.append(line(("    fix: ", "bold $text-accent"), safe(finding.fix)))
    return rows
