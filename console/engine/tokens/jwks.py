"""JWKS key sets (URL, file, inline JSON): public keys bound to their algorithms; oct keys only from the user's own."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from console.engine.tokens.catalogue import finding
from console.engine.tokens.keys import (
    EC_CURVE_ALGS,
    HMAC_ALGS,
    JWE_KEY_ALGS,
    MAX_JWKS_BYTES,
    OKP_ALGS,
    RSA_ALGS,
    KeySet,
    VerificationKey,
    pem_forms,
    read_key_file,
)
from console.errors import KeyLoadError
from console.model.findings import Finding

__all__ = ["fetch_jwks", "jwks_from_file", "jwks_from_json"]


def jwks_from_json(text: str | bytes, source: str, *, allow_symmetric: bool = False) -> KeySet:
    """Keys from a JWKS document (or a single JWK).

    ``oct`` (HMAC) keys are used only with ``allow_symmetric``: a key set the user holds locally (a file or
    inline JSON). In a published JWKS fetched from a URL a symmetric key is a leaked secret, refused with a
    finding."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise KeyLoadError("is not JSON", where=source, hint='a JWKS is {"keys": [...]}') from None
    if isinstance(doc, dict) and "kty" in doc and "keys" not in doc:
        doc = {"keys": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise KeyLoadError('has no "keys" list', where=source, hint='a JWKS is {"keys": [...]}')
    keyset = KeySet(keys=[], source=source)
    for index, jwk in enumerate(doc["keys"]):
        _add_jwk(keyset, jwk, index, allow_symmetric)
    if not keyset.keys:
        raise KeyLoadError("has no usable signing key", where=source)
    keyset.findings.extend(_duplicate_kids(keyset))
    return keyset


def _duplicate_kids(keyset: KeySet) -> list[Finding]:
    """RFC 7517 §4.5: kids SHOULD be distinct. Keys sharing a kid but no algorithm (its example: another kty, an
    equivalent alternative) are told apart by the token's alg; keys that could verify the same alg are ambiguous."""
    by_kid: dict[str, list[VerificationKey]] = {}
    for key in keyset.keys:
        if key.kid is not None:
            by_kid.setdefault(key.kid, []).append(key)
    found = []
    for kid, same in by_kid.items():
        clashing = [k for k in same if any(o is not k and o.algs & k.algs for o in same)]
        if len(clashing) > 1:
            where = ", ".join(f"#{k.position}" for k in clashing)
            found.append(
                finding(
                    "token.jwks_duplicate_kid",
                    f"{keyset.source} has {len(clashing)} keys with kid {kid!r} (keys {where}) for the same "
                    "algorithm: which one a verifier uses is not defined (most take the first, some try each)",
                )
            )
    return found


def _add_jwk(keyset: KeySet, jwk: Any, index: int, allow_symmetric: bool) -> None:
    where = f"{keyset.source} key #{index + 1}"
    if not isinstance(jwk, dict):
        raise KeyLoadError("is not a JSON object", where=where)
    kid = jwk.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise KeyLoadError("has a kid that is not a string", where=where)
    if jwk.get("use") not in (None, "sig") or jwk.get("alg") in JWE_KEY_ALGS:
        return  # an encryption key (by use, or by a key-management alg): not for signatures
    kty = jwk.get("kty")
    if kty == "oct":
        if allow_symmetric:
            keyset.keys.append(_oct_key(jwk, kid, where, keyset.source, index + 1))
        else:
            keyset.findings.append(
                finding(
                    "token.jwks_symmetric_key",
                    f"{where} (kid {kid!r}) is a symmetric key; Baton refuses to use it and never shows it.",
                )
            )
        return
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    public_only = {k: v for k, v in jwk.items() if k not in {"d", "p", "q", "dp", "dq", "qi", "oth"}}
    key: Any
    try:
        if kty == "RSA":
            key, algs = RSAAlgorithm.from_jwk(public_only), RSA_ALGS
        elif kty == "EC":
            key = ECAlgorithm.from_jwk(public_only)
            algs = frozenset({EC_CURVE_ALGS.get(str(jwk.get("crv")), "")}) - {""}
        elif kty == "OKP":
            key, algs = OKPAlgorithm.from_jwk(public_only), OKP_ALGS
        else:
            raise KeyLoadError(f"has unsupported kty {str(kty)[:20]!r}", where=where, hint="RSA, EC or OKP")
    except KeyLoadError:
        raise
    except Exception:  # pyjwt's message can echo the JWK: never show it (security.md §1.3)
        raise KeyLoadError(f"is not a valid {str(kty)[:10]} public key", where=where) from None
    alg = jwk.get("alg")
    if isinstance(alg, str) and alg:
        algs = algs & {alg}
    if not algs:
        raise KeyLoadError(f"says alg {str(alg)[:20]!r}, which does not fit its key type {kty}", where=where)
    forms = (json.dumps(public_only).encode(), json.dumps(public_only, separators=(",", ":")).encode())
    keyset.keys.append(
        VerificationKey(
            kty=str(kty),
            algs=algs,
            key=key,
            source=keyset.source,
            kid=kid,
            public_forms=forms + pem_forms(key),
            position=index + 1,
        )
    )


def _oct_key(jwk: dict[str, Any], kid: str | None, where: str, source: str, position: int) -> VerificationKey:
    """An HMAC key from a JWK (RFC 7517 §6.4: ``k`` is the base64url key value); bound to its alg when it names one."""
    from console.engine.tokens.decode import b64url_decode
    from console.errors import TokenDecodeError

    k = jwk.get("k")
    if not isinstance(k, str) or not k:
        raise KeyLoadError('is an oct key without a "k" value', where=where)
    try:
        secret = b64url_decode(k, "k")
    except TokenDecodeError:  # the message would quote the key: never show it
        raise KeyLoadError('is an oct key whose "k" is not base64url', where=where) from None
    if not secret:
        raise KeyLoadError('is an oct key with an empty "k"', where=where)
    alg = jwk.get("alg")
    algs = HMAC_ALGS
    if isinstance(alg, str) and alg:
        algs = algs & {alg}
        if not algs:
            raise KeyLoadError(f"says alg {alg[:20]!r}, which does not fit its key type oct", where=where)
    return VerificationKey(kty="oct", algs=algs, key=secret, source=source, kid=kid, position=position)


def jwks_from_file(path: str | Path) -> KeySet:
    """Keys from a JWKS file the user holds (symmetric keys allowed: it is not a published set)."""
    return jwks_from_json(read_key_file(path, "JWKS file"), f"JWKS file {path}", allow_symmetric=True)


def fetch_jwks(url: str, *, timeout: float = 5.0, transport: Any = None, client: Any = None) -> KeySet:
    """Fetch a JWKS over http(s): no redirects, a size cap, ``timeout`` as a deadline for the whole fetch.

    ``client`` (an httpx.Client, e.g. the trace's, with its TLS settings) is used when given; otherwise a
    client of Baton's own (or one over ``transport``, for tests). Errors name the URL."""
    import httpx

    from console.engine.deadline import deadline
    from console.engine.transport import make_client

    if not url.lower().startswith(("http://", "https://")):
        raise KeyLoadError("only http(s) JWKS URLs are fetched", where=url)
    own = client is None
    if client is None:
        client = (
            make_client(timeout)
            if transport is None
            else httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)
        )
    body = bytearray()
    try:
        with (
            deadline(timeout) as end,
            client.stream("GET", url, headers={"Accept": "application/json"}, follow_redirects=False) as response,
        ):
            if response.is_redirect:
                raise KeyLoadError(
                    f"answered {response.status_code} redirect to {response.headers.get('location', '?')[:200]}",
                    where=url,
                    hint="Baton does not follow JWKS redirects; give the final URL",
                )
            if response.status_code != 200:
                raise KeyLoadError(f"answered HTTP {response.status_code}", where=url)
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_JWKS_BYTES:
                    raise KeyLoadError(f"is larger than {MAX_JWKS_BYTES:,} bytes", where=url)
                if time.monotonic() >= end:
                    raise httpx.ReadTimeout("deadline")
    except httpx.TimeoutException:
        raise KeyLoadError(f"did not answer within {timeout:g} s", where=url) from None
    except httpx.HTTPError as exc:
        raise KeyLoadError(f"could not be fetched ({type(exc).__name__})", where=url) from None
    finally:
        if own:
            client.close()
    return jwks_from_json(bytes(body), url)
