"""Read a compact JWS/JWE without trusting it: segments, strict base64url, strict UTF-8 JSON."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from console.engine.tokens.normalize import normalize
from console.errors import TokenDecodeError
from console.model.token import DecodedToken, DuplicateClaim, TokenKind

MAX_TOKEN_BYTES = 64 * 1024
"""Bigger than any header http.sys accepts by default (16 KiB); past this Baton stops reading."""

_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/***")
_PAD = (b"", b"*", b"==", b"=")  # a length of 4n+1 can never be base64: pad it with an invalid byte
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]+")
_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_token(text: str) -> DecodedToken:
    """Decode pasted text into a token; raise TokenDecodeError when it is not a readable token."""
    if not isinstance(text, str):
        raise TokenDecodeError(f"expected text, got {type(text).__name__}")
    parts = text.split(".", 3)
    if len(parts) == 3 and len(text) <= MAX_TOKEN_BYTES:
        # Optimistic path for a bare JWS: strict base64url decoding of each segment validates the alphabet.
        try:
            return _decode_jws(text, text, parts, ())
        except TokenDecodeError:
            pass  # normalise and try again; that path names the exact problem
    compact, notes = normalize(text)
    if not compact:
        raise TokenDecodeError("no token: the input is empty", hint="paste a JWT or pipe one to 'baton decode -'")
    if len(compact) > MAX_TOKEN_BYTES:
        raise TokenDecodeError(
            f"the token is {len(compact):,} characters; Baton reads tokens up to {MAX_TOKEN_BYTES:,}",
            hint="no gateway or IIS would accept a header this large",
        )
    if _TOKEN_CHARS.fullmatch(compact) is None:
        bad = next(i for i, ch in enumerate(compact) if _TOKEN_CHARS.fullmatch(ch) is None)
        raise TokenDecodeError(
            f"character {compact[bad]!a} at position {bad + 1} cannot appear in a token",
            hint="tokens are letters, digits and - _ . ~ + / =; check what was copied",
        )
    parts = compact.split(".")
    if len(parts) == 3:
        return _decode_jws(text, compact, parts, notes)
    if len(parts) == 5:
        return _decode_jwe(text, compact, parts, notes)
    if len(parts) == 1 and _TOKEN68.fullmatch(compact) and len(compact) >= 8:
        return DecodedToken(raw=text, compact=compact, kind=TokenKind.OPAQUE, notes=notes)
    raise TokenDecodeError(
        f"the input has {len(parts)} dot-separated segments; a signed JWT has 3 "
        "(header.payload.signature) and an encrypted JWE has 5",
    )


def _decode_jws(raw: str, compact: str, parts: list[str], notes: tuple[str, ...]) -> DecodedToken:
    header_bytes, header, header_enc, header_dups = _header(parts[0])
    payload_bytes = b64url_decode(parts[1], "payload")
    signature = b64url_decode(parts[2], "signature")
    try:
        claims, claims_enc, claims_dups = _load_json(payload_bytes, "payload")
    except TokenDecodeError as exc:
        raise _why_not_json(header, exc) from None
    encoding = header_enc if header_enc != "utf-8" else claims_enc
    return DecodedToken(
        raw=raw,
        compact=compact,
        kind=TokenKind.JWS,
        header=header,
        claims=claims,
        signing_input=compact[: len(parts[0]) + len(parts[1]) + 1].encode("ascii"),
        signature=signature,
        notes=notes,
        header_bytes=header_bytes,
        payload_bytes=len(payload_bytes),
        signature_bytes=len(signature),
        encoding=encoding,
        duplicates=header_dups + claims_dups,
    )


def _why_not_json(header: dict[str, Any], exc: TokenDecodeError) -> TokenDecodeError:
    """A payload that is not JSON, explained by the header when the header says why."""
    if header.get("b64") is False:
        return TokenDecodeError(
            "the header says b64: false (RFC 7797 unencoded or detached payload), so the payload is not "
            "base64url JSON claims: this is not a JWT",
            hint="RFC 7797 §7: a JWT always has b64 true",
        )
    if "zip" in header:
        return TokenDecodeError(
            f"the header says zip {ascii(header['zip'])[:20]}: compressed claims are JWE-only (RFC 7516 §4.1.3) and "
            "no verifier reads them in a JWS",
            hint="issue the JWS without zip",
        )
    return exc


_HEADER_CACHE: dict[str, tuple[int, dict[str, Any], str, tuple[DuplicateClaim, ...]]] = {}
_HEADER_CACHE_SIZE = 64


def _header(segment: str) -> tuple[int, dict[str, Any], str, tuple[DuplicateClaim, ...]]:
    """Decode a JOSE header segment. Every token from one issuer key shares the same header segment,
    so parsed headers are kept (bounded) and handed out as copies."""
    cached = _HEADER_CACHE.get(segment)
    if cached is None:
        data = b64url_decode(segment, "header")
        header, encoding, dups = _load_json(data, "header")
        cached = (len(data), header, encoding, dups)
        if len(_HEADER_CACHE) >= _HEADER_CACHE_SIZE:
            _HEADER_CACHE.pop(next(iter(_HEADER_CACHE)))
        _HEADER_CACHE[segment] = cached
    size, header, encoding, dups = cached
    return size, dict(header), encoding, dups


def _decode_jwe(raw: str, compact: str, parts: list[str], notes: tuple[str, ...]) -> DecodedToken:
    # Only the protected header of a JWE is readable; the rest is ciphertext.
    header: dict[str, Any] = {}
    try:
        header, _enc, _dups = _load_json(b64url_decode(parts[0], "JWE protected header"), "JWE protected header")
    except TokenDecodeError:
        header = {}
    return DecodedToken(
        raw=raw,
        compact=compact,
        kind=TokenKind.JWE,
        header=header,
        notes=notes,
        header_bytes=len(parts[0]) * 3 // 4,
    )


def b64url_decode(segment: str, name: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2), with an error naming the segment and position."""
    try:  # fast path: one translate maps base64url to base64 and '+', '/', '=' to an invalid byte
        return binascii.a2b_base64(
            segment.encode("ascii").translate(_TO_STANDARD) + _PAD[len(segment) % 4], strict_mode=True
        )
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass  # the slow path below says exactly what is wrong
    if _B64URL.fullmatch(segment) is None:
        pos = next(i for i, ch in enumerate(segment) if _B64URL.fullmatch(ch) is None)
        char = segment[pos]
        hint = "JWS segments are unpadded" if char == "=" else "JWS segments use the base64url alphabet"
        raise TokenDecodeError(
            f"{name} segment is not base64url: {char!a} at position {pos + 1}", hint=f"{hint} (RFC 7515 §2)"
        )
    if len(segment) % 4 == 1:
        raise TokenDecodeError(f"{name} segment has an impossible base64url length ({len(segment)} characters)")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - the checks above make this unreachable
        raise TokenDecodeError(f"{name} segment is not base64url") from exc


def _load_json(data: bytes, name: str) -> tuple[dict[str, Any], str, tuple[DuplicateClaim, ...]]:
    """Parse a JOSE JSON segment; report its encoding (anything but strict UTF-8 is a finding)."""
    encoding = "utf-8"
    try:
        if data.startswith(_BOMS):
            raise UnicodeDecodeError("utf-8", data, 0, 1, "byte order mark")
        text = data.decode("utf-8")
        if "\x00" in text:  # UTF-16/32 JSON without a BOM is valid UTF-8 full of NULs
            raise UnicodeDecodeError("utf-8", data, text.index("\x00"), text.index("\x00") + 1, "NUL byte")
    except UnicodeDecodeError:
        encoding = json.detect_encoding(data)
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise TokenDecodeError(
                f"{name} segment is not UTF-8 text (starts with bytes {data[:8].hex(' ')})"
            ) from None
        if encoding in {"utf-8", "utf-8-sig"}:
            encoding = "utf-8 with BOM" if data.startswith(_BOMS[0]) else encoding
        text = text.lstrip("\ufeff")
    part = "header" if "header" in name else "claims"
    duplicates: list[DuplicateClaim] = []
    try:
        try:
            value, end = _SCAN(text, 0)  # the C scanner directly: JSONDecoder.decode adds two regex passes
            if end != len(text):
                value = _STRICT.decode(text)  # whitespace or trailing data: let decode() judge it
        except _DuplicateMember:
            value = _collecting_decoder(part, duplicates).decode(text)
        except StopIteration:
            value = _STRICT.decode(text)  # not a JSON value at position 0: decode() says why
    except json.JSONDecodeError as exc:
        raise TokenDecodeError(f"{name} segment is not JSON: {exc.msg} at character {exc.pos + 1}") from None
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise TokenDecodeError(f"{name} segment is not usable JSON: {reason}") from None
    if not isinstance(value, dict):
        raise TokenDecodeError(f"{name} segment is JSON {type(value).__name__}, not an object")
    return value, encoding, tuple(duplicates)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _DuplicateMember(Exception):
    """Raised by the fast decoder so the slow one can collect every duplicate."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateMember
    return obj


_STRICT = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
_SCAN = _STRICT.scan_once  # type: ignore[attr-defined]  # set by JSONDecoder.__init__, not in typeshed


def _collecting_decoder(part: str, duplicates: list[DuplicateClaim]) -> json.JSONDecoder:
    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: dict[str, list[Any]] = {}
            for key, value in pairs:
                seen.setdefault(key, []).append(value)
            duplicates.extend(DuplicateClaim(part=part, name=k, values=tuple(v)) for k, v in seen.items() if len(v) > 1)
        return obj

    return json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_refuse_constant)


__all__ = ["MAX_TOKEN_BYTES", "b64url_decode", "decode_token"]
