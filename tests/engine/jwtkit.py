"""Build any token for tests, including the malformed and hostile ones no library will produce."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_json(value: Any) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value).encode()


@dataclass
class Keys:
    rsa: rsa.RSAPrivateKey
    rsa_other: rsa.RSAPrivateKey
    ec256: ec.EllipticCurvePrivateKey
    ed: ed25519.Ed25519PrivateKey

    def pem(self, key: Any) -> bytes:
        return key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwk(self, key: Any, kid: str, alg: str | None = None) -> dict[str, Any]:
        algo = {rsa.RSAPrivateKey: "RS256", ec.EllipticCurvePrivateKey: "ES256"}
        name = next((v for k, v in algo.items() if isinstance(key, k)), "EdDSA")
        jwk = json.loads(get_default_algorithms()[name].to_jwk(key.public_key()))
        jwk["kid"] = kid
        if alg:
            jwk["alg"] = alg
        return jwk


def make_keys() -> Keys:
    return Keys(
        rsa=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        rsa_other=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ec256=ec.generate_private_key(ec.SECP256R1()),
        ed=ed25519.Ed25519PrivateKey.generate(),
    )


def sign(header: dict[str, Any] | bytes, claims: dict[str, Any] | bytes, key: Any, alg: str) -> str:
    """Sign raw header/claims bytes with pyjwt's algorithm objects (no validation of what is signed)."""
    signing_input = f"{b64(raw_json(header))}.{b64(raw_json(claims))}"
    algo = get_default_algorithms()[alg]
    signature = algo.sign(signing_input.encode(), algo.prepare_key(key) if isinstance(key, bytes) else key)
    return f"{signing_input}.{b64(signature)}"


def unsigned(header: dict[str, Any] | bytes, claims: dict[str, Any] | bytes, signature: bytes = b"") -> str:
    return f"{b64(raw_json(header))}.{b64(raw_json(claims))}.{b64(signature)}"


ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Sandbox1"
CLIENT_ID = "4ff4sandboxclientid"


def access_claims(**overrides: Any) -> dict[str, Any]:
    """A Cognito-shaped access token's claims, valid for five minutes from now."""
    now = int(time.time())
    claims = {
        "sub": "9e2f1c52-alice",
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "orders/read orders/write",
        "auth_time": now - 60,
        "iat": now - 60,
        "exp": now + 300,
        "jti": "b1c4",
        "username": "alice",
        "cognito:groups": ["ops"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}
