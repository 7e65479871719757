"""`baton decode`: decode, verify and judge one token, for people (text) or runbooks (--json)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console.commands.seconds import leeway_seconds, max_age_seconds
from console.commands.style import SEVERITY_MARK, Style
from console.errors import UsageError
from console.model.expectations import Expectations
from console.model.token import SignatureStatus, TokenKind, TokenReport
from console.sanitize import inert


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `baton decode`."""
    parser.add_argument(
        "token",
        nargs="?",
        metavar="TOKEN|-",
        help="the token, an 'Authorization: Bearer …' line, or - to read stdin (default when piped)",
    )
    keys = parser.add_argument_group("verification keys (none given: the signature is not checked)")
    keys.add_argument("--jwks", metavar="URL|FILE", help="JWKS URL, JWKS file, or inline JWKS JSON")
    keys.add_argument("--key", metavar="PEM_FILE", help="PEM public key or certificate")
    keys.add_argument("--secret", metavar="REF", help="HMAC secret by reference: env:VAR or file:PATH")
    rules = parser.add_argument_group("what the verifier expects")
    rules.add_argument("--issuer", metavar="ISS", help="expected iss (exact match)")
    rules.add_argument(
        "--audience",
        metavar="AUD",
        action="append",
        default=[],
        help="expected aud (or Cognito client_id); repeat for several",
    )
    rules.add_argument("--scope", metavar="S", action="append", default=[], help="required scope; repeatable")
    rules.add_argument("--token-use", choices=("access", "id"), help="expected Cognito token_use")
    rules.add_argument("--require", metavar="CLAIM", action="append", default=[], help="required claim; repeatable")
    rules.add_argument("--max-age", metavar="SECONDS", type=max_age_seconds, help="refuse tokens issued longer ago")
    rules.add_argument(
        "--leeway",
        metavar="SECONDS",
        type=leeway_seconds,
        default=0.0,
        help="clock tolerance (default 0, at most 86400)",
    )
    rules.add_argument(
        "--server-date",
        metavar="HTTP_DATE",
        help="the server's Date header (e.g. 'Tue, 24 Nov 2026 19:45:07 GMT'): judge times by its "
        "clock and report the skew",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document (no signature bytes)")
    parser.add_argument("--no-color", action="store_true", help="no colours in text output")


def run(args: argparse.Namespace) -> int:
    """Exit 0: nothing refuses the token; 1: a finding says it would be refused; 2: unusable input."""
    from console.engine.tokens import inspect_token

    text = _read_token(args.token)
    keys = _load_keys(args)
    expect = Expectations(
        issuer=args.issuer,
        audiences=tuple(args.audience),
        token_use=args.token_use,
        scopes=tuple(args.scope),
        required_claims=tuple(args.require),
        max_age=args.max_age,
        leeway=args.leeway,
    )
    report = inspect_token(text, keys=keys, expect=expect, server_date=_http_date(args.server_date))
    if args.json:
        json.dump(report_json(report), sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report, Style(color=False if args.no_color else None)))
    return 0 if report.ok else 1


def _http_date(value: str | None) -> float | None:
    if value is None:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        raise UsageError(
            f"--server-date {value[:60]!r} is not an HTTP date", hint="e.g. 'Tue, 24 Nov 2026 19:45:07 GMT'"
        ) from None


def _read_token(arg: str | None) -> str:
    if arg is None and sys.stdin is not None and not sys.stdin.isatty():
        arg = "-"
    if arg is None:
        raise UsageError("no token given", hint="pass TOKEN, or - to read it from stdin")
    if arg == "-":
        return sys.stdin.read() if sys.stdin is not None else ""
    return arg


def _load_keys(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from console.engine.tokens import fetch_jwks, hmac_key, jwks_from_file, jwks_from_json, key_from_pem_file, merge

    sets = []
    if args.jwks:
        source = args.jwks.strip()
        if source.startswith("{"):  # the user's own key set: symmetric (oct) keys are theirs to use
            sets.append(jwks_from_json(source, "inline JWKS", allow_symmetric=True))
        elif source.lower().startswith(("http://", "https://")):
            sets.append(fetch_jwks(source))
        elif Path(source).expanduser().exists():
            sets.append(jwks_from_file(source))
        else:
            raise UsageError(
                f"--jwks {source[:200]!r} is neither a URL, an existing file, nor JSON",
                hint="give https://…/jwks.json, a file path, or '{\"keys\": […]}'",
            )
    if args.key:
        sets.append(key_from_pem_file(args.key))
    if args.secret:
        from console.config.secrets import parse_secret_ref, resolve_secret_bytes

        # An HMAC key is bytes, not text (RFC 7515 A.1's key is 64 random octets): take them exactly.
        # Only a valid reference gets this far, and a reference names where the secret lives, never its value.
        ref = parse_secret_ref(args.secret)
        sets.append(hmac_key(resolve_secret_bytes(ref), f"secret {ref}"))
    return merge(sets)


# -- output ------------------------------------------------------------------------------------


def report_json(report: TokenReport) -> dict[str, Any]:
    """The stable --json document. It never carries signature bytes or the token itself."""
    from console.engine.tokens import describe_times

    token = report.token
    return {
        "ok": report.ok,
        "kind": token.kind.value,
        "header": token.header,
        "claims": token.claims,
        "signature": {
            "status": report.signature.status.value,
            "alg": report.signature.alg,
            "kid": report.signature.kid,
        },
        "findings": [f.as_dict() for f in report.findings],
        "times": {t.name: {"utc": t.utc, "relative": t.relative} for t in describe_times(token, report.checked_at)},
        "sizes": {
            "token": token.size,
            "header": token.header_bytes,
            "payload": token.payload_bytes,
            "signature": token.signature_bytes,
        },
        "notes": list(token.notes),
    }


def _value(value: Any) -> str:
    return inert(json.dumps(value, ensure_ascii=False))


def render_text(report: TokenReport, s: Style) -> str:
    """Human output: token, header, claims with human times, signature, findings with fixes, verdict."""
    from console.engine.tokens import describe_times

    token = report.token
    out: list[str] = []
    kind = {TokenKind.JWS: "signed JWT (JWS)", TokenKind.JWE: "encrypted JWT (JWE)", TokenKind.OPAQUE: "opaque token"}
    facts = [kind[token.kind], f"{token.size:,} bytes"]
    if token.kind is TokenKind.JWS:
        facts.append(
            f"header {token.header_bytes} B, claims {token.payload_bytes} B, signature {token.signature_bytes} B"
        )
    out.append(f"{s('Token', 'bold')}      {' · '.join(facts)}")
    out += [f"{s('Input', 'bold')}      {inert(n)}" for n in token.notes]
    if token.header:
        out += ["", s("Header", "bold")]
        width = max(len(inert(k)) for k in token.header)
        out += [f"  {inert(k):<{width}}  {_value(v)}" for k, v in token.header.items()]
    if token.kind is TokenKind.JWS:
        trusted = report.signature.status is SignatureStatus.VALID
        warning = "" if trusted else s("  (UNVERIFIED: the signature is not valid or not checked)", "yellow")
        out += ["", s("Claims", "bold") + warning]
        times = {t.name: t for t in describe_times(token, report.checked_at)}
        width = max((len(inert(k)) for k in token.claims), default=0)
        for key, value in token.claims.items():
            line = f"  {inert(key):<{width}}  {_value(value)}"
            if key in times and times[key].utc:
                line += s(f"  {times[key].utc}  {times[key].relative}", "dim")
            out.append(line)
    out += ["", _signature_line(report, s)]
    if report.findings:
        out += ["", s("Findings", "bold")]
        for f in report.findings:
            mark, color = SEVERITY_MARK[f.severity.value]
            out.append(f"  {s(mark, color)} {s(f.code, color, 'bold')}  {f.title}")
            out.append(f"      {inert(f.detail)}")
            out.append(s(f"      fix: {f.fix}", "dim"))
    out.append("")
    refusing = [f.code for f in report.findings if f.refuses]
    if refusing:
        out.append(f"{s('Verdict', 'bold')}    {s('✗ would be refused', 'red', 'bold')}: {', '.join(refusing)}")
    else:
        out.append(f"{s('Verdict', 'bold')}    {s('✓ no finding refuses this token', 'green', 'bold')}")
    return "\n".join(out) + "\n"


def _signature_line(report: TokenReport, s: Style) -> str:
    sig = report.signature
    marks = {
        SignatureStatus.VALID: ("✓ valid", "green"),
        SignatureStatus.INVALID: ("✗ invalid", "red"),
        SignatureStatus.UNVERIFIED: ("? unverified", "yellow"),
        SignatureStatus.UNSUPPORTED: ("✗ unsupported", "red"),
    }
    text, color = marks[sig.status]
    return f"{s('Signature', 'bold')}  {s(text, color, 'bold')} — {inert(sig.detail)}"
