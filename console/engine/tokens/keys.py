"""Verification keys: JWKS (URL, file, inline JSON), PEM public keys and HMAC secrets, each bound to its algorithms."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.engine.tokens.catalogue import finding
from console.errors import KeyLoadError
from console.model.findings import Finding

RSA_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
EC_CURVE_ALGS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}
OKP_ALGS = frozenset({"EdDSA"})
SUPPORTED_ALGS = RSA_ALGS | HMAC_ALGS | frozenset(EC_CURVE_ALGS.values()) | OKP_ALGS | {"ES521"}
MAX_JWKS_BYTES = 1024 * 1024


@dataclass(eq=False)
class VerificationKey:
    """One key, bound to the algorithms it may verify (RFC 8725 §3.1: never chosen by the token)."""

    kty: str
    """``RSA``, ``EC``, ``OKP`` or ``oct``."""
    algs: frozenset[str]
    key: Any
    """A cryptography public key, or the HMAC secret bytes."""
    source: str
    kid: str | None = None
    public_forms: tuple[bytes, ...] = ()
    """Byte forms of a public key (PEM, JWK JSON) an attacker might use as an HMAC secret."""
    _prepared: dict[str, Any] = field(default_factory=dict, repr=False)
    _described: str = field(default="", repr=False)
    _verified: str = field(default="", repr=False)

    def describe(self) -> str:
        """e.g. "kid 'k1' (RSA, RS256)" — never key material."""
        if not self._described:
            who = f"kid {self.kid!r}" if self.kid is not None else "the key"
            families = {RSA_ALGS: "RS*/PS*", HMAC_ALGS: "HS*"}
            algs = families.get(self.algs) or "/".join(sorted(self.algs))
            self._described = f"{who} ({self.kty}, {algs})"
        return self._described

    def verified_detail(self) -> str:
        """What a valid signature says about its key (built once: it is on the verify hot path)."""
        if not self._verified:
            self._verified = f"verified with {self.describe()} from {self.source}"
        return self._verified

    def prepared(self, alg: str) -> Any:
        """The key as pyjwt's algorithm wants it, prepared once and cached."""
        prepared = self._prepared.get(alg)
        if prepared is None:
            from jwt.algorithms import get_default_algorithms

            prepared = self._prepared[alg] = get_default_algorithms()[alg].prepare_key(self.key)
        return prepared

    def __repr__(self) -> str:  # the default repr would print HMAC secret bytes
        return f"VerificationKey({self.describe()}, source={self.source!r})"


@dataclass(eq=False)
class KeySet:
    """The keys a verifier trusts, and what was noticed while loading them."""

    keys: list[VerificationKey]
    source: str
    findings: list[Finding] = field(default_factory=list)

    def kids(self) -> list[str]:
        """Every kid in the set, in order."""
        return [k.kid for k in self.keys if k.kid is not None]

    def with_kid(self, kid: str) -> list[VerificationKey]:
        """Keys whose kid equals ``kid`` exactly (the kid is an opaque lookup key)."""
        return [k for k in self.keys if k.kid == kid]

    @property
    def symmetric(self) -> bool:
        """True when the set holds an HMAC secret."""
        return any(k.kty == "oct" for k in self.keys)


# -- JWKS --------------------------------------------------------------------------------------


def jwks_from_json(text: str | bytes, source: str) -> KeySet:
    """Keys from a JWKS document (or a single JWK); symmetric keys in a JWKS are refused."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise KeyLoadError("is not JSON", where=source, hint="a JWKS is {\"keys\": [...]}") from None
    if isinstance(doc, dict) and "kty" in doc and "keys" not in doc:
        doc = {"keys": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise KeyLoadError("has no \"keys\" list", where=source, hint="a JWKS is {\"keys\": [...]}")
    keyset = KeySet(keys=[], source=source)
    for index, jwk in enumerate(doc["keys"]):
        _add_jwk(keyset, jwk, index)
    if not keyset.keys:
        raise KeyLoadError("has no usable public signing key", where=source)
    return keyset


def _add_jwk(keyset: KeySet, jwk: Any, index: int) -> None:
    where = f"{keyset.source} key #{index + 1}"
    if not isinstance(jwk, dict):
        raise KeyLoadError("is not a JSON object", where=where)
    kid = jwk.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise KeyLoadError("has a kid that is not a string", where=where)
    if jwk.get("use") not in (None, "sig"):
        return  # an encryption key: not for signatures
    kty = jwk.get("kty")
    if kty == "oct":
        keyset.findings.append(finding(
            "token.jwks_symmetric_key",
            f"{where} (kid {kid!r}) is a symmetric key; Baton refuses to use it and never shows it.",
        ))
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
    keyset.keys.append(VerificationKey(
        kty=str(kty), algs=algs, key=key, source=keyset.source, kid=kid, public_forms=forms + _pem_forms(key),
    ))


def jwks_from_file(path: str | Path) -> KeySet:
    """Keys from a JWKS file."""
    return jwks_from_json(_read(path, "JWKS file"), f"JWKS file {path}")


def fetch_jwks(url: str, *, timeout: float = 5.0, transport: Any = None) -> KeySet:
    """Fetch a JWKS over http(s): no redirects, a size cap, a timeout; errors name the URL."""
    import httpx

    if not url.lower().startswith(("http://", "https://")):
        raise KeyLoadError("only http(s) JWKS URLs are fetched", where=url)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client, \
                client.stream("GET", url, headers={"Accept": "application/json"}) as response:
            if response.is_redirect:
                raise KeyLoadError(
                    f"answered {response.status_code} redirect to {response.headers.get('location', '?')[:200]}",
                    where=url, hint="Baton does not follow JWKS redirects; give the final URL",
                )
            if response.status_code != 200:
                raise KeyLoadError(f"answered HTTP {response.status_code}", where=url)
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_JWKS_BYTES:
                    raise KeyLoadError(f"is larger than {MAX_JWKS_BYTES:,} bytes", where=url)
    except httpx.TimeoutException:
        raise KeyLoadError(f"did not answer within {timeout:g} s", where=url) from None
    except httpx.HTTPError as exc:
        raise KeyLoadError(f"could not be fetched ({type(exc).__name__})", where=url) from None
    return jwks_from_json(bytes(body), url)


# -- PEM and HMAC ------------------------------------------------------------------------------


def key_from_pem(data: bytes, source: str) -> KeySet:
    """One public key from PEM (SubjectPublicKeyInfo, PKCS#1 RSA, or an X.509 certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if b"PRIVATE KEY" in data:
        raise KeyLoadError(
            "holds a private key", where=source,
            hint="give the public key: openssl pkey -in KEY -pubout",
        )
    try:
        if b"BEGIN CERTIFICATE" in data:
            key: Any = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = load_pem_public_key(data)
    except Exception:
        raise KeyLoadError("is not a PEM public key or certificate", where=source) from None
    if isinstance(key, rsa.RSAPublicKey):
        kty, algs = "RSA", RSA_ALGS
    elif isinstance(key, ec.EllipticCurvePublicKey):
        curve = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(key.curve.name, key.curve.name)
        kty, algs = "EC", frozenset({EC_CURVE_ALGS.get(curve, "")}) - {""}
    elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        kty, algs = "OKP", OKP_ALGS
    else:
        raise KeyLoadError(f"holds a {type(key).__name__}, which cannot verify JWTs", where=source)
    forms = (data, data.strip(), *_pem_forms(key))
    return KeySet(keys=[VerificationKey(kty=kty, algs=algs, key=key, source=source, public_forms=forms)], source=source)


def key_from_pem_file(path: str | Path) -> KeySet:
    """One public key from a PEM file."""
    return key_from_pem(_read(path, "key file"), f"key file {path}")


def hmac_key(secret: bytes, source: str) -> KeySet:
    """An HMAC secret (already resolved from its reference); ``source`` names the reference only."""
    if not secret:
        raise KeyLoadError("is empty", where=source, hint="an HMAC secret must be random and at least 32 bytes")
    if secret.lstrip().startswith((b"-----BEGIN", b"ssh-", b"{")):
        raise KeyLoadError(
            "looks like a public key or JWK, not an HMAC secret", where=source,
            hint="using a public key as an HMAC secret is the algorithm-confusion attack; pass it with --key/--jwks",
        )
    return KeySet(keys=[VerificationKey(kty="oct", algs=HMAC_ALGS, key=secret, source=source)], source=source)


def _read(path: str | Path, what: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise KeyLoadError(f"{what} does not exist", where=str(path)) from None
    except IsADirectoryError:
        raise KeyLoadError(f"{what} is a directory", where=str(path)) from None
    except OSError as exc:
        raise KeyLoadError(f"{what} cannot be read ({exc.strerror})", where=str(path)) from None


def _pem_forms(key: Any) -> tuple[bytes, ...]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    forms: list[bytes] = []
    spki = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    forms += [spki, spki.strip()]
    if isinstance(key, rsa.RSAPublicKey):
        pkcs1 = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        forms += [pkcs1, pkcs1.strip()]
    return tuple(forms)


def merge(sets: Iterable[KeySet]) -> KeySet | None:
    """One set holding the keys of several (e.g. --jwks and --key together)."""
    sets = list(sets)
    if not sets:
        return None
    merged = KeySet(keys=[], source=" + ".join(s.source for s in sets))
    for s in sets:
        merged.keys.extend(s.keys)
        merged.findings.extend(s.findings)
    return merged
