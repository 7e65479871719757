"""Conformance: each public response case served by a loopback gateway; `baton trace --json` must give its verdict.

The cases live outside the project (../shared/conformance/responses.json: status, headers, body, profile kind and
auth, and the public source of each). They carry no expected verdict: EXPECTED below is this project's own reading
of each case's source, one line per case id, with the reason. Run: ``.venv/bin/python bench/conformance_responses.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ROOT.parent / "shared" / "conformance" / "responses.json"


@dataclass(frozen=True, slots=True)
class Expect:
    """The verdict a case's source implies: the hop that broke and the finding that explains it."""

    broken_at: str | None
    finding: str
    not_certain: bool = False
    """True when the body alone cannot settle the cause, so the finding must not claim ``certain``."""
    why: str = ""


_AUTHZ, _GW, _INT, _IIS = "authorizer", "gateway", "integration", "iis"

EXPECTED: dict[str, Expect] = {
    "rest-401-cognito-unauthorized": Expect(_AUTHZ, "authorizer.unauthorized", why="Cognito authorizer refused"),
    "rest-401-lambda-identity-source-missing": Expect(
        _AUTHZ, "authorizer.unauthorized", why="401 before the Lambda ran: still the authorizer's refusal"
    ),
    "rest-403-lambda-explicit-deny": Expect(_AUTHZ, "authorizer.explicit_deny", why="KC table: explicit deny row"),
    "rest-403-lambda-explicit-deny-identity-policy-wording": Expect(
        _AUTHZ,
        "authorizer.explicit_deny",
        not_certain=True,
        why="current KC wording of the same row; 'identity-based policy' is also what an IAM deny says",
    ),
    "rest-403-lambda-implicit-deny": Expect(_AUTHZ, "authorizer.implicit_deny", why="policy does not cover the ARN"),
    "rest-500-authorizer-message-null": Expect(_AUTHZ, "authorizer.configuration_error", why="authorizer failed"),
    "rest-403-missing-authentication-token": Expect(
        _GW, "gateway.missing_authentication_token", why="no such route (or unsigned IAM route)"
    ),
    "rest-404-customised-missing-authentication-token": Expect(
        _GW, "gateway.missing_authentication_token", why="customised MISSING_AUTHENTICATION_TOKEN response (404)"
    ),
    "rest-403-api-key-forbidden": Expect(_GW, "gateway.api_key_missing", why="KC row 'API key isn't valid'"),
    "rest-403-resource-policy-anonymous": Expect(
        _GW, "gateway.resource_policy_denied", why="KC row: resource policy implicit deny, anonymous caller"
    ),
    "rest-403-iam-user-explicit-deny": Expect(
        _GW,
        "gateway.policy_explicit_deny",
        not_certain=True,
        why="KC row: explicit deny in the resource policy or the caller's IAM policy; the body does not say which",
    ),
    "rest-403-iam-no-identity-policy": Expect(
        _AUTHZ,
        "authorizer.iam_policy_missing",
        why="'because no identity-based policy allows': the caller's IAM policy, not the resource policy",
    ),
    "rest-403-security-token-invalid": Expect(_AUTHZ, "authorizer.iam_signature_invalid", why="bad AWS credentials"),
    "rest-403-sigv4-mismatch": Expect(_AUTHZ, "authorizer.iam_signature_invalid", why="signature mismatch"),
    "rest-403-sigv4-expired": Expect(_AUTHZ, "authorizer.iam_signature_expired", why="clock skew"),
    "rest-429-throttled": Expect(_GW, "gateway.throttled", why="THROTTLED gateway response"),
    "rest-400-invalid-request-body": Expect(
        _GW, "gateway.request_validation_failed", why="request validator refused the body"
    ),
    "rest-400-missing-request-parameters": Expect(
        _GW, "gateway.request_validation_failed", why="request validator: required parameter missing"
    ),
    "rest-500-integration-configuration": Expect(
        _INT, "gateway.integration_failure", why="AWS-recorded 500: the integration maps a restricted header"
    ),
    "rest-502-malformed-proxy-response": Expect(
        _INT, "gateway.integration_failure", why="502: the integration's response was malformed"
    ),
    "rest-504-endpoint-request-timed-out": Expect(_INT, "gateway.integration_timeout", why="INTEGRATION_TIMEOUT"),
    "http-401-jwt-invalid-audience": Expect(
        _AUTHZ, "token.audience_mismatch", why="www-authenticate: the token does not have a valid audience"
    ),
    "http-401-lambda-identity-source-missing": Expect(
        _AUTHZ, "authorizer.unauthorized", why="identity source missing: 401, authorizer not invoked"
    ),
    "http-404-no-route": Expect(_GW, "gateway.missing_authentication_token", why="HTTP API: no route matches"),
    "http-503-integration-timeout": Expect(_INT, "gateway.integration_timeout", why="HTTP API 30 s timeout: 503"),
    "http-500-internal-server-error": Expect(
        _INT, "gateway.integration_failure", why="HTTP API with a JWT authorizer: the integration failed"
    ),
    "iis-401-windows-auth-challenge": Expect(_IIS, "iis.windows_auth_challenge", why="Negotiate/NTLM offered"),
    "iis-401-custerr-no-challenge": Expect(
        _IIS, "iis.error", not_certain=True, why="IIS 401 without a challenge or substatus: the log must tell"
    ),
    "iis-403-custerr": Expect(_IIS, "iis.access_denied", not_certain=True, why="IIS 403, substatus hidden"),
    "iis-500-custerr": Expect(_IIS, "iis.http_error", why="IIS 500: the app failed, not an identity refusal"),
    "iis-401-2-detailed": Expect(_IIS, "iis.no_auth_method", why="IIS 401.2"),
    "iis-500-19-config-locked": Expect(_IIS, "iis.http_error", why="IIS 500.19: configuration error"),
    "iis-404-0-detailed": Expect(_IIS, "iis.http_error", why="IIS 404.0: not found"),
    "iis-503-0-app-pool-shutdown": Expect(_IIS, "iis.http_error", why="IIS 503.0: app pool stopped"),
    "iis-500-30-ancm-start-failure": Expect(_IIS, "iis.http_error", why="ANCM in-process start failure"),
    "iis-502-5-ancm-process-failure": Expect(_IIS, "iis.http_error", why="ANCM out-of-process start failure"),
    "httpsys-400-request-too-long": Expect(_IIS, "iis.request_header_too_large", why="http.sys: request too long"),
    "httpsys-400-invalid-hostname": Expect(_IIS, "iis.invalid_hostname", why="http.sys: Invalid Hostname"),
    "httpsys-503-service-unavailable": Expect(_IIS, "iis.http_error", why="http.sys 503: app pool not running"),
}
"""Per case id: the verdict this project reads from the case's source (our judgement, not part of the cases)."""


def _serve(status: int, headers: list[list[str]], body: str) -> ThreadingHTTPServer:
    payload = body.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response_only(status)
            for name, value in headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _profile(folder: Path, port: int, kind: str, auth: str) -> Path:
    token = auth not in ("none", "iam")
    text = (
        f'name = "conformance"\ndescription = "a public response case"\nenvironment = "staging"\n\n[gateway]\nurl = "http://127.0.0.1:{port}/prod"\n'
        f'kind = "{kind}"\nauth = "{auth}"\n'
        + ('\n[identity]\nflow = "static"\ntoken = "env:BATON_CONFORMANCE_TOKEN"\n' if token else "")
        + ('\n[aws]\nregion = "us-east-1"\n' if auth == "iam" else "")
        + '\n[propagation]\nheaders = { "X-User-Sub" = "sub" }\n'
    )
    path = folder / f"{kind}-{auth}.toml"
    path.write_text(text)
    return path


def _token() -> str:
    import base64

    def b64(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256', 'kid': 'k1'})}.{b64({'sub': 'alice', 'exp': 4102444800})}.c2lnbmF0dXJl"


def run_case(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Serve one case and trace it the way `baton trace --json` does; the JSON document."""
    from console.cli import main

    data, options = case["input"], case["options"]
    server = _serve(int(data["status"]), data["headers"], data["body"])
    try:
        path = _profile(folder, server.server_address[1], options["kind"], options["auth"])
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(["trace", "--profile", str(path), "--json", "--timeout", "5"])
    finally:
        server.shutdown()
        server.server_close()
    if not out.getvalue().strip():
        raise RuntimeError(f"baton trace printed no JSON for {case['id']}: {err.getvalue().strip()}")
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def judge(expect: Expect | None, doc: dict[str, Any]) -> str:
    """'' when the verdict is what the source implies; else what is wrong."""
    if expect is None:
        return "no expectation written for this case"
    verdict = doc["verdict"]
    got = (verdict["broken_at"], verdict["finding"])
    if got != (expect.broken_at, expect.finding):
        return f"expected {expect.broken_at}/{expect.finding}"
    finding = next((f for f in doc["findings"] if f["code"] == verdict["finding"]), None)
    if expect.not_certain and finding is not None and finding["confidence"] == "certain":
        return "the body cannot settle this, yet the finding says certain"
    if not verdict["fix"]:
        return "no fix"
    return ""


def main() -> int:
    """Run every case; print one line each and the summary; exit 1 when any case fails."""
    if not CASES.exists():
        print(f"no conformance cases at {CASES}; nothing to run")
        return 0
    cases = json.loads(CASES.read_text())["cases"]
    os.environ["BATON_CONFORMANCE_TOKEN"] = _token()
    # auth = "iam" cases are signed with SigV4 before they are sent (nothing goes out unsigned): fake static
    # credentials, this process only, so the recorded answer is what is judged; no call reaches AWS.
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="AKIACONFORMANCE00001",
        AWS_SECRET_ACCESS_KEY="conformance-fake-secret-key-0000000000",  # noqa: S106 (a fake, for a loopback answer)
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            try:
                doc = run_case(case, Path(tmp))
            except RuntimeError as exc:
                failed += 1
                print(f"FAIL {case['id']:<55} {exc}")
                continue
            verdict = doc["verdict"]
            problem = judge(EXPECTED.get(case["id"]), doc)
            passed, failed = passed + (not problem), failed + bool(problem)
            finding: dict[str, Any] = next((f for f in doc["findings"] if f["code"] == verdict["finding"]), {})
            print(
                f"{'PASS' if not problem else 'FAIL'} {case['id']:<55} {verdict['broken_at'] or '-'}/"
                f"{verdict['finding'] or '-'} ({finding.get('confidence') or '-'})"
                + (f"  <- {problem}" if problem else "")
            )
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
