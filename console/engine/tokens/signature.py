"""Check a token's signature with pyjwt's algorithms, without pyjwt's per-call parsing overhead."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from console.engine.tokens.catalogue import finding
from console.engine.tokens.keys import HMAC_ALGS, SUPPORTED_ALGS, KeySet, VerificationKey
from console.model.findings import Finding
from console.model.token import DecodedToken, SignatureCheck, SignatureStatus, TokenKind

_HASH = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
_EC_SIZE = {"ES256": 32, "ES256K": 32, "ES384": 48, "ES512": 66, "ES521": 66}
_ALGORITHMS: dict[str, Any] = {}


def _algorithm(alg: str) -> Any:
    if not _ALGORITHMS:
        from jwt.algorithms import get_default_algorithms

        _ALGORITHMS.update({k: v for k, v in get_default_algorithms().items() if k != "none"})
    return _ALGORITHMS[alg]


def check_signature(token: DecodedToken, keys: KeySet | None) -> tuple[SignatureCheck, list[Finding]]:
    """Judge the signature; the token's own header never chooses the key or widens the algorithms."""
    if token.kind is not TokenKind.JWS:
        detail = f"a {token.kind.value} token has no JWS signature"
        return SignatureCheck(SignatureStatus.UNSUPPORTED, detail=detail), []
    alg, kid = token.alg, token.kid
    kid_text = kid if isinstance(kid, str) else None
    if not isinstance(alg, str) or not alg:
        return _unsupported(None, kid_text, "token.alg_unsupported", f"the header's alg is {_show(alg)}")
    if alg in SUPPORTED_ALGS:
        pass  # the usual case; the checks below handle everything else
    elif alg.lower() == "none":
        return _unsupported(alg, kid_text, "token.alg_none", f"the header says alg {alg!r}: the token is unsigned")
    else:
        return _unsupported(
            alg,
            kid_text,
            "token.alg_unsupported",
            f"alg {_show(alg)} is not a JWS signing algorithm Baton (or API Gateway) knows",
        )
    found: list[Finding] = []
    if not token.signature:
        found.append(finding("token.signature_empty", "The third segment is empty: nothing was signed."))
        return SignatureCheck(SignatureStatus.INVALID, alg, kid_text, detail="empty signature"), found
    if alg in _EC_SIZE and _ecdsa_zero(token.signature, _EC_SIZE[alg]):
        found.append(
            finding(
                "token.ecdsa_zero_signature",
                "The ECDSA signature has r or s equal to zero; no real signer produces that.",
            )
        )
        return SignatureCheck(SignatureStatus.INVALID, alg, kid_text, detail="r or s is zero"), found
    if keys is None:
        found.append(
            finding(
                "token.signature_unverified",
                "No key was given, so the signature was not checked; everything shown is UNVERIFIED.",
            )
        )
        return SignatureCheck(SignatureStatus.UNVERIFIED, alg, kid_text, detail="no key given"), found
    if alg in HMAC_ALGS and not keys.symmetric:
        return _confusion(token, alg, kid_text, keys)
    candidates = _candidates(keys, kid)
    if not candidates:
        kids = keys.kids()
        listed = ", ".join(repr(k) for k in kids[:12]) + (" …" if len(kids) > 12 else "")
        detail = (
            f"the header's kid {_show(kid)} is not in {keys.source}; the set has "
            f"{len(kids)} kid{'s' if len(kids) != 1 else ''}: {listed or 'none'}"
        )
        found.append(finding("token.kid_unknown", detail))
        return SignatureCheck(SignatureStatus.UNVERIFIED, alg, kid_text, keys.source, detail), found
    usable = [k for k in candidates if alg in k.algs]
    if not usable:
        key = candidates[0]
        detail = f"{key.describe()} is bound to {'/'.join(sorted(key.algs))}; the token says {alg}"
        found.append(finding("token.alg_key_mismatch", detail))
        return SignatureCheck(SignatureStatus.INVALID, alg, kid_text, keys.source, detail), found
    if kid_text is not None and len(usable) > 1 and usable[0].kid == kid_text:  # not kid-less keys tried in turn
        judged = _first_match(token, alg, kid_text, usable, keys.source, found)
        if judged is not None:
            return judged
        usable = usable[:1]  # no key under the kid verifies: the message names the one a lookup takes
    for key in usable:
        if _verifies(token, alg, key):
            return _valid(alg, kid_text, key, key.verified_detail(), found)
    detail = f"{alg} signature does not verify with {usable[0].describe()} from {keys.source}"
    if alg.startswith("PS") and any(_pss_any_salt(token, alg, key) for key in usable):
        detail += (
            f"; it would with a PSS salt of another length, which RFC 7518 §3.5 forbids (the salt must be "
            f"as long as the hash, {_HASH[alg[2:]]().digest_size} bytes; golang-jwt accepts it only for "
            "backward compatibility)"
        )
    found.append(finding("token.signature_invalid", detail))
    return SignatureCheck(SignatureStatus.INVALID, alg, kid_text, keys.source, detail), found


def _valid(
    alg: str, kid: str | None, key: VerificationKey, detail: str, found: list[Finding]
) -> tuple[SignatureCheck, list[Finding]]:
    """A valid signature by ``key``; an HMAC secret shorter than the hash is named."""
    if key.kty == "oct" and len(key.key) < _HASH[alg[2:]]().digest_size:
        found.append(
            finding(
                "token.hmac_secret_weak",
                f"the secret from {key.source} is {len(key.key)} bytes; {alg} wants at least "
                f"{_HASH[alg[2:]]().digest_size}",
            )
        )
    return SignatureCheck(SignatureStatus.VALID, alg, kid, key.source, detail), found


def _first_match(
    token: DecodedToken, alg: str, kid: str, usable: list[VerificationKey], source: str, found: list[Finding]
) -> tuple[SignatureCheck, list[Finding]] | None:
    """Several keys share the token's kid (the set's jwks_duplicate_kid finding says so). A kid lookup returns one
    key, the first (PyJWT's PyJWKClient and PyJWKSet do): the token is judged by that key, never by whichever
    verifies. None when no key under the kid verifies (an ordinary invalid signature)."""
    first = usable[0]
    if _verifies(token, alg, first):
        taken = f"key #{first.position} of {len(usable)} with this kid, the one a kid lookup takes"
        return _valid(alg, kid, first, f"{first.verified_detail()} ({taken})", found)
    other = next((k for k in usable[1:] if _verifies(token, alg, k)), None)
    if other is None:
        return None
    detail = (
        f"{source} has {len(usable)} keys with kid {kid!r}; the signature verifies with key #{other.position}, "
        f"not with key #{first.position}, the first: a verifier that takes the first key with the kid refuses "
        "the token, one that tries each key accepts it"
    )
    found.append(finding("token.kid_ambiguous", detail))
    return SignatureCheck(SignatureStatus.INVALID, alg, kid, source, detail), found


def _pss_any_salt(token: DecodedToken, alg: str, key: VerificationKey) -> bool:
    """True when the RSASSA-PSS signature verifies with the salt length read from the signature (PSS.AUTO)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if not isinstance(key.key, rsa.RSAPublicKey):
        return False
    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[alg[2:]]
    try:
        key.key.verify(
            token.signature,
            token.signing_input,
            padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.AUTO),
            digest,
        )
    except Exception:  # InvalidSignature, or a malformed signature: either way, not a PSS signature by this key
        return False
    return True


def _candidates(keys: KeySet, kid: Any) -> list[VerificationKey]:
    if isinstance(kid, str):
        exact = keys.with_kid(kid)
        # A lone key without a kid (a PEM file, an HMAC secret) is what the user asked us to use.
        return exact or [k for k in keys.keys if k.kid is None]
    if kid is None:
        return list(keys.keys)
    return []  # a non-string kid matches nothing


def _verifies(token: DecodedToken, alg: str, key: VerificationKey) -> bool:
    algorithm = _ALGORITHMS.get(alg) or _algorithm(alg)
    try:
        return bool(algorithm.verify(token.signing_input, key.prepared(alg), token.signature))
    except Exception:  # any library failure is a failed verification, never a crash or a leak
        return False


def _confusion(token: DecodedToken, alg: str, kid: str | None, keys: KeySet) -> tuple[SignatureCheck, list[Finding]]:
    digest = _HASH[alg[2:]]
    forged_with = next(
        (
            key
            for key in keys.keys
            for form in key.public_forms
            if hmac.compare_digest(hmac.new(form, token.signing_input, digest).digest(), token.signature)
        ),
        None,
    )
    if forged_with is not None:
        detail = (
            f"the token says {alg}, and its signature IS an HMAC made with the public key of "
            f"{forged_with.describe()} as the secret: a forged token"
        )
    else:
        detail = f"the token says {alg} (HMAC), but every key in {keys.source} is an asymmetric public key"
    check = SignatureCheck(SignatureStatus.INVALID, alg, kid, keys.source, detail)
    return check, [finding("token.alg_confusion", detail)]


def _ecdsa_zero(signature: bytes, size: int) -> bool:
    if len(signature) != 2 * size:
        return False
    return int.from_bytes(signature[:size], "big") == 0 or int.from_bytes(signature[size:], "big") == 0


def _unsupported(alg: str | None, kid: str | None, code: str, detail: str) -> tuple[SignatureCheck, list[Finding]]:
    return SignatureCheck(SignatureStatus.UNSUPPORTED, alg, kid, detail=detail), [finding(code, detail)]


def _show(value: Any, limit: int = 60) -> str:
    """A header value for a message: repr-escaped and truncated (it came from the token)."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
