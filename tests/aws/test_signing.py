"""SigV4 with botocore's signer: a loopback 'gateway' recomputes each signature with botocore and the same
credentials, as API Gateway would, and answers as API Gateway does when it does not match (§3)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from console.aws.signing import SigV4Signer
from console.errors import AwsError
from console.model.profile import AwsSettings
from tests.aws.motokit import FAKE_KEY_ID, FAKE_SECRET, FAKE_SESSION_TOKEN

REGION = "eu-central-1"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


@dataclass
class Seen:
    """One request the gateway received, and whether its signature verified."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signed_headers: tuple[str, ...]
    verified: bool


@dataclass
class VerifyingGateway:
    """An HTTP server on loopback that checks SigV4 like API Gateway: it rebuilds the canonical request from what it
    received (only the headers the signature names), signs it with botocore and its own copy of the credentials,
    and compares. ``skew`` moves its clock: a signature more than 5 minutes off answers 'Signature expired'."""

    secret: str = FAKE_SECRET
    token: str | None = FAKE_SESSION_TOKEN
    region: str = REGION
    skew: timedelta = timedelta(0)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def verify(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[bool, tuple[str, ...]]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        auth = headers.get("authorization", "")
        parts = dict(p.strip().split("=", 1) for p in auth.removeprefix("AWS4-HMAC-SHA256 ").split(",") if "=" in p)
        names = tuple(parts.get("SignedHeaders", "").split(";"))
        if not auth.startswith("AWS4-HMAC-SHA256 ") or "host" not in names:
            return False, names
        request = AWSRequest(
            method=method,
            url=f"http://{headers['host']}{path}",
            headers={n: headers[n] for n in names if n in headers},
            data=body,
        )
        request.context["timestamp"] = headers.get("x-amz-date", "")
        signer = SigV4Auth(Credentials(FAKE_KEY_ID, self.secret, self.token), "execute-api", self.region)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        scope = f"Credential={FAKE_KEY_ID}/{headers.get('x-amz-date', '')[:8]}/{self.region}/execute-api/aws4_request"
        return parts.get("Signature") == expected and parts.get("Credential") == scope.split("=", 1)[1], names

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], dict[str, Any]]:
        stamp = seen.headers.get("x-amz-date", "")
        now = datetime.now(UTC) + self.skew
        if stamp and seen.verified:
            signed = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if now - signed > timedelta(minutes=5):
                fmt = "%Y%m%dT%H%M%SZ"
                earlier = (now - timedelta(minutes=5)).strftime(fmt)
                message = f"Signature expired: {stamp} is now earlier than {earlier} ({now.strftime(fmt)} - 5 min.)"
                return 403, {"x-amzn-ErrorType": "InvalidSignatureException"}, {"message": message}
        if not seen.verified:
            if not seen.headers.get("authorization"):
                return (
                    403,
                    {"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
                    {"message": "Missing Authentication Token"},
                )
            return 403, {"x-amzn-ErrorType": "InvalidSignatureException"}, {"message": MISMATCH}
        return 200, {}, {"ok": True, "signed_headers": list(seen.signed_headers)}


@pytest.fixture
def gateway() -> Iterator[VerifyingGateway]:
    state = VerifyingGateway()

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            ok, names = state.verify(self.command, self.path, headers, body)
            seen = Seen(self.command, self.path, headers, body, names, ok)
            state.seen.append(seen)
            status, extra, doc = state.answer(seen)
            data = json.dumps(doc).encode()
            self.send_response(status)
            for name, value in {"content-type": "application/json", "x-amzn-RequestId": "rid-1", **extra}.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def _send(url: str, headers: list[tuple[str, str]], method: str = "GET", body: bytes = b"") -> int:
    import httpx

    return httpx.request(method, url, headers=headers, content=body or None).status_code


def test_botocore_signature_verifies_at_the_gateway(fake_aws: Path, gateway: VerifyingGateway) -> None:
    url = f"{gateway.url}/dev/admin?b=2&a=1"
    headers = [("X-Correlation-Id", "c-1"), ("Content-Type", "application/json")]
    signed = SigV4Signer(AwsSettings(region=REGION)).sign("POST", url, headers, b'{"x": 1}')
    names = [name for name, _ in signed]
    assert names[:2] == ["X-Correlation-Id", "Content-Type"]
    assert {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} <= set(names)
    assert _send(url, signed, "POST", b'{"x": 1}') == 200
    assert gateway.seen[-1].verified
    assert "x-correlation-id" in gateway.seen[-1].signed_headers  # the correlation id cannot be altered unseen
    # Tampering with a signed header afterwards is what the gateway catches.
    tampered = [(n, "c-2" if n == "X-Correlation-Id" else v) for n, v in signed]
    assert _send(url, tampered, "POST", b'{"x": 1}') == 403


def test_the_signature_is_scoped_to_the_profiles_region(fake_aws: Path, gateway: VerifyingGateway) -> None:
    signed = dict(SigV4Signer(AwsSettings(region="us-east-1")).sign("GET", gateway.url + "/x", [], b""))
    assert "/us-east-1/execute-api/aws4_request" in signed["Authorization"]
    assert _send(gateway.url + "/x", list(signed.items())) == 403  # the gateway lives in eu-central-1


def test_no_credentials_is_one_line_naming_the_fix(no_aws: Path) -> None:
    with pytest.raises(AwsError) as caught:
        SigV4Signer(AwsSettings(region=REGION)).sign("GET", "http://127.0.0.1:9/x", [], b"")
    assert caught.value.reason == "credentials"
    line = caught.value.one_line()
    assert "no AWS credentials found" in line and "aws configure" in line and "\n" not in line


def test_an_unknown_named_profile_is_named(no_aws: Path) -> None:
    with pytest.raises(AwsError, match="AWS profile 'ghost-profile'"):
        SigV4Signer(AwsSettings(profile="ghost-profile", region=REGION)).sign("GET", "http://127.0.0.1:9/", [], b"")
