"""Token engine full check (decode + signature + every claim check) vs raw `cryptography` verify.

Baseline (shared/domain/perf-anchors.md §2, this machine): pyjwt's jwt.decode runs at ~29% of the raw
RS256 verify rate (18.5k/s vs 64.5k/s); Node's fast-jwt at ~85% of Node's raw verify.
Target: Baton's full check at >= 60% of the raw rate, for RS256 and ES256.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from jwt.algorithms import get_default_algorithms

from console.engine.tokens import inspect_token, jwks_from_json
from console.model import Expectations

TARGET = 0.60
N = 5000
REPEATS = 9
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make(alg: str, key: object) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "9e2f1c52-alice",
        "aud": "orders-api",
        "exp": now + 3600,
        "iat": now,
        "nbf": now,
        "jti": "b1c4",
        "scope": "orders/read orders/write",
        "roles": ["ops", "reader"],
        "x-correlation-id": "0f7e3c2a-5b6d-4e8f-9a1b-2c3d4e5f6a7b",
    }
    header = {"alg": alg, "kid": "k1", "typ": "JWT"}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    algo = get_default_algorithms()[alg]
    return f"{signing_input}.{b64(algo.sign(signing_input.encode(), key))}"


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    for _ in range(N):
        fn()
    return time.perf_counter() - start


def paired(raw: Callable[[], None], engine: Callable[[], None]) -> tuple[float, float, float]:
    """Alternate raw and engine runs (A B A B …) and take medians, as the baseline was measured."""
    raw_times, engine_times, ratios = [], [], []
    for _ in range(REPEATS):
        r, e = timed(raw), timed(engine)
        raw_times.append(r)
        engine_times.append(e)
        ratios.append(r / e)
    return N / statistics.median(raw_times), N / statistics.median(engine_times), statistics.median(ratios)


def bench(alg: str, private: object, raw_verify: Callable[[bytes, bytes], None]) -> float:
    token = make(alg, private)
    public = private.public_key()  # type: ignore[attr-defined]
    jwk = json.loads(get_default_algorithms()[alg].to_jwk(public))
    jwk.update(kid="k1", alg=alg)
    keys = jwks_from_json(json.dumps({"keys": [jwk]}), "bench JWKS")
    expect = Expectations(
        issuer=ISSUER, audiences=("orders-api",), scopes=("orders/read",), required_claims=("sub",), leeway=5
    )
    report = inspect_token(token, keys=keys, expect=expect)
    assert report.ok and report.signature.status.value == "valid", report.codes()
    signing_input, sig = token.rsplit(".", 1)
    sig_bytes = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    msg = signing_input.encode()
    raw, engine, ratio = paired(
        lambda: raw_verify(msg, sig_bytes), lambda: inspect_token(token, keys=keys, expect=expect)
    )
    verdict = "ok" if ratio >= TARGET else "MISSED"
    print(
        f"{alg}: raw cryptography verify {raw:9,.0f}/s   Baton full check {engine:9,.0f}/s   "
        f"paired median ratio {ratio:5.1%}  (target >= {TARGET:.0%}) {verdict}",
        flush=True,
    )
    return ratio


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # one core, like the baseline
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_pub, ec_pub = rsa_key.public_key(), ec_key.public_key()

    def rsa_verify(msg: bytes, sig: bytes) -> None:
        rsa_pub.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256())

    def ec_verify(msg: bytes, sig: bytes) -> None:
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        ec_pub.verify(der, msg, ec.ECDSA(hashes.SHA256()))

    ratios = [bench("RS256", rsa_key, rsa_verify), bench("ES256", ec_key, ec_verify)]
    return 0 if min(ratios) >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
