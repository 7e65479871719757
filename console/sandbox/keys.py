"""Fresh RSA signing keys per sandbox run, with Cognito-shaped kids and JWK export."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["SigningKey", "new_signing_key"]


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One RS256 key pair; the private half never leaves the process."""

    kid: str
    private: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        """The JWKS entry, in the field order Cognito publishes (alg, e, kid, kty, n, use)."""
        numbers = self.private.public_key().public_numbers()
        return {
            "alg": "RS256",
            "e": _b64url_uint(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _b64url_uint(numbers.n),
            "use": "sig",
        }


def new_signing_key() -> SigningKey:
    """A new 2048-bit key; the kid looks like Cognito's (base64 of a 32-byte digest, '=' padded)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = base64.b64encode(hashlib.sha256(secrets.token_bytes(32)).digest()).decode("ascii")
    return SigningKey(kid=kid, private=private)
