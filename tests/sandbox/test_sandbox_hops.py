"""Scenario by scenario: the authorizer, gateway, integration and IIS details a diagnosis relies on."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import jwt
from sandboxkit import Observed, get_tokens, wait_for

from console.sandbox import Sandbox

Get = Callable[[str], Observed]


def _sub(seen: Observed) -> str:
    return str(jwt.decode(seen.tokens["access_token"], options={"verify_signature": False})["sub"])


def test_explicit_deny_runs_the_lambda_and_its_policy_denies(observed: Get) -> None:
    seen = observed("authorizer-deny")
    authorizer = seen.record["authorizer"]
    assert (authorizer["type"], authorizer["decision"], authorizer["cached"]) == ("lambda_token", "deny", False)
    assert authorizer["policy"]["Statement"][0]["Effect"] == "Deny"
    execution = "\n".join(seen.logs["execution"])
    assert "Starting authorizer: " in execution and "Successfully completed authorizer execution" in execution
    assert seen.record["iis"]["received"] is False


def test_cached_policy_for_one_route_denies_another_without_invoking_the_lambda(observed: Get) -> None:
    seen = observed("authorizer-cache-cross-route")
    assert [w.status_code for w in seen.warmups] == [200]
    authorizer = seen.record["authorizer"]
    assert authorizer["cached"] is True and authorizer["decision"] == "deny"
    assert authorizer["matched_resource"] is None
    assert authorizer["policy"]["Statement"][0]["Resource"].endswith("/prod/GET/orders")
    assert not any("Starting authorizer" in line for line in seen.logs["execution"])


def test_allow_without_identity_sends_empty_identity_headers(observed: Get) -> None:
    seen = observed("authorizer-no-identity")
    assert seen.record["authorizer"]["type"] == "lambda_request"
    assert seen.record["authorizer"]["principal_id"] == "user"
    assert seen.record["authorizer"]["context"] is None
    assert seen.record["integration"]["headers"]["X-User-Sub"] == ""
    assert seen.record["iis"]["user"] is None


def test_missing_api_key_is_refused_and_the_right_key_passes(
    observed: Get, sandboxes: Callable[[str], Sandbox]
) -> None:
    seen = observed("api-key-missing")
    assert seen.record["gateway"]["api_key"] == "missing"
    assert any("API Key was required but not present" in line for line in seen.logs["execution"])
    sandbox = sandboxes("api-key-missing")
    response = httpx.get(
        f"{sandbox.urls.gateway}/prod/whoami",
        headers={"Authorization": seen.tokens["access_token"], "x-api-key": sandbox.usage.api_key},
    )
    assert response.status_code == 200


def test_throttled_logs_the_key_throttle(observed: Get) -> None:
    seen = observed("throttled")
    assert seen.record["gateway"]["throttled"] is True
    assert seen.record["gateway"]["api_key"] == "valid"
    api_id = seen.doc["gateway"]["api_id"]
    assert any(f"Key throttle limit exceeded for RestApi {api_id}" in line for line in seen.logs["execution"])


def test_unmapped_claim_header_never_reaches_iis(observed: Get) -> None:
    seen = observed("claims-header-unmapped")
    assert "X-User-Sub" not in seen.record["integration"]["mapping"]
    assert "x-user-sub" not in seen.record["iis"]["headers"]
    assert seen.response.json()["user"] is None
    line = seen.record["iis"]["log_line"]
    assert line.split(" ")[-1] == "-"


def test_appended_identity_header_carries_the_client_value_first(observed: Get) -> None:
    seen = observed("identity-header-appended")
    assert seen.record["iis"]["headers"]["x-user-sub"] == f"admin,{_sub(seen)}"
    assert seen.record["integration"]["mapping"]["X-User-Sub"].startswith("append:")
    assert seen.doc["gateway"]["mapping"]["append:header.X-User-Sub"] == "$context.authorizer.claims.sub"


def test_integration_timeout_is_logged_and_iis_logs_the_hang_up_later(observed: Get) -> None:
    seen = observed("integration-timeout")
    execution = seen.logs["execution"]
    failed = next(i for i, line in enumerate(execution) if "Execution failed due to a timeout error" in line)
    assert "Endpoint request body after transformations:" in execution[failed - 2]
    assert seen.record["integration"]["timed_out"] is True
    line = wait_for(lambda: next((x for x in seen.iis_log_lines() if seen.correlation_id in x.split()), None))
    assert line is not None
    assert line.split(" ")[11:14] == ["200", "0", "64"]  # IIS logs the request when the caller has gone


def test_correlation_id_is_not_forwarded_but_identity_is(observed: Get) -> None:
    seen = observed("correlation-id-dropped")
    assert seen.record["correlation_id"] == seen.correlation_id
    assert "x-correlation-id" not in seen.record["iis"]["headers"]
    assert seen.record["iis"]["user"] == _sub(seen)
    assert seen.record["iis"]["log_line"].split(" ")[-2] == "-"


def test_underscore_header_shows_in_server_variables_but_not_as_the_user(observed: Get) -> None:
    seen = observed("underscore-header")
    iis = seen.record["iis"]
    assert iis["headers"]["x_user_sub"] == _sub(seen)
    assert iis["server_variables"]["HTTP_X_USER_SUB"] == _sub(seen)
    assert iis["user"] is None


def test_windows_auth_challenge_is_remapped_by_the_rest_api(observed: Get) -> None:
    seen = observed("iis-windows-auth")
    headers = seen.response.headers
    assert headers.get_list("x-amzn-Remapped-WWW-Authenticate") == ["Negotiate", "NTLM"]
    assert "www-authenticate" not in headers
    assert headers["x-amzn-Remapped-Server"] == "Microsoft-IIS/10.0"
    assert "401 - Unauthorized: Access is denied due to invalid credentials." in seen.response.text
    fields = seen.record["iis"]["log_line"].split(" ")
    assert fields[7] == "-" and fields[11:14] == ["401", "2", "5"]


def test_windows_auth_direct_local_caller_gets_the_detailed_page(sandboxes: Callable[[str], Sandbox]) -> None:
    response = httpx.get(f"{sandboxes('iis-windows-auth').urls.iis}/whoami", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401
    assert response.headers.get_list("WWW-Authenticate") == ["Negotiate", "NTLM"]
    assert response.headers["Server"] == "Microsoft-IIS/10.0"
    assert "<title>IIS 10.0 Detailed Error - 401.2 - Unauthorized</title>" in response.text
    assert "HTTP Error 401.2 - Unauthorized" in response.text


def test_header_too_large_is_http_sys_with_no_site_log_line(observed: Get) -> None:
    seen = observed("iis-header-too-large")
    assert seen.response.headers["x-amzn-Remapped-Server"] == "Microsoft-HTTPAPI/2.0"
    assert len(seen.response.content) == 346
    assert b"<h2>Bad Request - Request Too Long</h2>" in seen.response.content
    assert seen.record["iis"]["received"] is False and seen.record["iis"]["log_line"] is None
    assert not any(seen.correlation_id in line for line in seen.iis_log_lines())
    client_bytes = sum(len(k) + len(v) + 4 for k, v in seen.response.request.headers.items())
    assert client_bytes < 10_240  # the client stayed under API Gateway's own header cap
    httperr = (seen.sandbox.log_dir / "HTTPERR" / "httperr1.log").read_text()
    assert " 400 - FieldLength -" in httperr or " 400 - RequestLength -" in httperr


def test_spoofable_backend_trusts_a_direct_caller_where_healthy_does_not(
    observed: Get, sandboxes: Callable[[str], Sandbox]
) -> None:
    seen = observed("spoofable-backend")
    assert seen.response.headers["Server"] == "Microsoft-IIS/10.0"
    assert seen.response.json()["user"] == "admin"
    assert seen.record["gateway"]["outcome"] == "bypassed"
    healthy = sandboxes("healthy")
    direct = httpx.get(f"{healthy.urls.iis}/whoami", headers={"X-User-Sub": "admin"})
    assert direct.status_code == 200 and direct.json()["user"] is None


def test_unknown_route_is_missing_authentication_token(sandboxes: Callable[[str], Sandbox]) -> None:
    response = httpx.get(f"{sandboxes('healthy').urls.gateway}/nope")
    assert response.status_code == 403
    assert response.content == b'{"message":"Missing Authentication Token"}'
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_missing_token_is_refused_without_an_execution_log(sandboxes: Callable[[str], Sandbox]) -> None:
    gateway = sandboxes("healthy").urls.gateway
    response = httpx.get(f"{gateway}/prod/whoami")
    assert response.status_code == 401
    logs = httpx.get(f"{gateway}/__baton/logs/{response.headers['x-amzn-RequestId']}").json()
    assert logs["execution"] == [] and len(logs["access"]) == 1


def test_refresh_token_grant_keeps_auth_time(sandboxes: Callable[[str], Sandbox]) -> None:
    sandbox = sandboxes("healthy")
    doc = httpx.get(f"{sandbox.urls.gateway}/__baton/scenario").json()
    first = get_tokens(doc)
    client = doc["client"]
    again = httpx.post(
        doc["token_url"],
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=(client["client_id"], client["client_secret"]),
    ).json()

    def claims(t: str) -> dict[str, object]:
        return dict(jwt.decode(t, options={"verify_signature": False}))

    assert claims(again["access_token"])["auth_time"] == claims(first["access_token"])["auth_time"]
    assert "refresh_token" not in again
