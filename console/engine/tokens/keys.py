"""Verification keys: PEM public keys and HMAC secrets (JWKS in jwks.py), each bound to its algorithms."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import KeyLoadError
from console.model.findings import Finding

RSA_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
EC_CURVE_ALGS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}
OKP_ALGS = frozenset({"EdDSA"})
SUPPORTED_ALGS = RSA_ALGS | HMAC_ALGS | frozenset(EC_CURVE_ALGS.values()) | OKP_ALGS | {"ES521"}
JWE_KEY_ALGS = frozenset(
    {
        "RSA1_5",
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA-OAEP-384",
        "RSA-OAEP-512",
        "A128KW",
        "A192KW",
        "A256KW",
        "dir",
        "ECDH-ES",
        "ECDH-ES+A128KW",
        "ECDH-ES+A192KW",
        "ECDH-ES+A256KW",
        "A128GCMKW",
        "A192GCMKW",
        "A256GCMKW",
        "PBES2-HS256+A128KW",
        "PBES2-HS384+A192KW",
        "PBES2-HS512+A256KW",
    }
)
"""RFC 7518 §4.1 key-management algorithms: a JWK naming one is an encryption key, skipped like ``use: enc``."""
MAX_JWKS_BYTES = 1024 * 1024
MAX_KEY_FILE_BYTES = MAX_JWKS_BYTES
"""A PEM file or JWKS file larger than this is refused (a certificate chain is a few KiB)."""


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
    position: int | None = None
    """1-based place of the key in its JWKS document (None for a PEM key or an HMAC secret)."""
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


# -- PEM and HMAC ------------------------------------------------------------------------------


def key_from_pem(data: bytes, source: str) -> KeySet:
    """One public key from PEM (SubjectPublicKeyInfo, PKCS#1 RSA, or an X.509 certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if b"PRIVATE KEY" in data:
        raise KeyLoadError(
            "holds a private key",
            where=source,
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
    forms = (data, data.strip(), *pem_forms(key))
    return KeySet(keys=[VerificationKey(kty=kty, algs=algs, key=key, source=source, public_forms=forms)], source=source)


def key_from_pem_file(path: str | Path) -> KeySet:
    """One public key from a PEM file."""
    return key_from_pem(read_key_file(path, "key file"), f"key file {path}")


def hmac_key(secret: bytes, source: str) -> KeySet:
    """An HMAC secret (already resolved from its reference); ``source`` names the reference only."""
    if not secret:
        raise KeyLoadError("is empty", where=source, hint="an HMAC secret must be random and at least 32 bytes")
    if _looks_public(secret.strip()):
        raise KeyLoadError(
            "looks like a public key or JWK, not an HMAC secret",
            where=source,
            hint="using a public key as an HMAC secret is the algorithm-confusion attack; pass it with --key/--jwks",
        )
    return KeySet(keys=[VerificationKey(kty="oct", algs=HMAC_ALGS, key=secret, source=source)], source=source)


def _looks_public(data: bytes) -> bool:
    """PEM, an SSH public key, or a JSON object (a JWK): text an attacker would pass off as an HMAC secret.

    A binary key may well start with the byte '{' (1 in 256 do): only JSON that parses counts."""
    if data.startswith((b"-----BEGIN", b"ssh-")):
        return True
    if not data.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(data), dict)
    except (ValueError, RecursionError):
        return False


def read_key_file(path: str | Path, what: str) -> bytes:
    """A key or JWKS file: a regular file of at most MAX_KEY_FILE_BYTES (a FIFO would hang, /dev/zero flood)."""
    from console.config.safe_read import FileReadError, read_regular_file

    try:
        return read_regular_file(Path(path).expanduser(), MAX_KEY_FILE_BYTES)
    except FileReadError as exc:
        reason = {"no such file": "does not exist", "permission denied": "cannot be read (permission denied)"}
        said = reason.get(exc.reason)
        hint = None if said else "give a regular file holding the key (PEM) or the key set (JWKS JSON)"
        raise KeyLoadError(f"{what} {said or exc.reason}", where=str(path), hint=hint) from None


def pem_forms(key: Any) -> tuple[bytes, ...]:
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
