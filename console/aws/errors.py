"""botocore and boto3 failures as one AwsError line naming the fix; never a library's own text.

botocore's messages can quote request details, and a service's error message is the network's text: Baton names the
error code and the operation, and writes the rest itself (console/errors.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from console.errors import AwsError, BatonError

if TYPE_CHECKING:
    from console.aws.session import AwsTarget

EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"})
BAD_CREDENTIALS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "AuthFailure",
    }
)
DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"})
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
CLOCK = frozenset({"RequestExpired", "RequestTimeTooSkewed"})


def _login_hint(target: AwsTarget | None) -> str:
    profile = target.aws_profile if target is not None else None
    if profile:
        return f"run aws configure --profile {profile} / aws sso login --profile {profile}, or set AWS_PROFILE"
    return "run aws configure / aws sso login --profile P, or set AWS_PROFILE (or [aws] profile in the Baton profile)"


def _shown_url(url: object) -> str:
    """scheme://host[:port]/path of a URL: never its query or user info."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "the endpoint"


def _endpoint_hint(target: AwsTarget | None) -> str:
    if target is not None and target.endpoint_url:
        return "is the emulator running there? check [aws] endpoint_url in the profile"
    return "check the network or proxy, AWS_ENDPOINT_URL and the region"


def not_aws(endpoint: object, *, service: str, operation: str) -> AwsError:
    """The endpoint answered, but not like AWS (an HTML page, an empty or unparsable body, an answer without the
    fields every real one has): a proxy, a captive portal or another service. Nothing of the body is quoted: it
    may hold a credential."""
    return AwsError(
        f"the endpoint {_shown_url(endpoint)} did not answer like AWS",
        reason="aws",
        where=f"{service} {operation}",
        hint="check [aws] endpoint_url (or AWS_ENDPOINT_URL) and the network proxy: something else answered",
    )


def aws_error(
    exc: Exception,
    *,
    target: AwsTarget | None = None,
    service: str | None = None,
    operation: str | None = None,
    api_id: str | None = None,
    stage: str | None = None,
) -> AwsError:
    """The AwsError for ``exc`` (a botocore/boto3 exception), located at ``service operation``; ``api_id`` and
    ``stage`` (the profile's) name what a NotFoundException did not find."""
    import botocore.exceptions as bx

    if isinstance(exc, bx.ClientError):
        error = _not_found(exc, target, service, api_id, stage)
        return error if error is not None else _client_error(exc, target, service)
    where = " ".join(part for part in (service, operation) if part) or "aws"
    profile = target.aws_profile if target is not None else None
    if isinstance(exc, bx.ProfileNotFound):
        name = str(exc.kwargs.get("profile", profile or ""))
        return AwsError(
            f"AWS profile '{name}' is in neither the AWS config nor the credentials file",
            reason="credentials",
            where=where,
            hint=f"run aws configure --profile {name} (or aws configure sso), or fix [aws] profile / AWS_PROFILE",
        )
    if isinstance(exc, bx.UnauthorizedSSOTokenError | bx.SSOTokenLoadError | bx.TokenRetrievalError):
        return AwsError(
            "the AWS SSO session has expired or was never started",
            reason="expired",
            where=where,
            hint=f"run aws sso login --profile {profile or 'P'}",
        )
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.UnknownCredentialError):
        what = "incomplete AWS credentials" if isinstance(exc, bx.PartialCredentialsError) else "no AWS credentials"
        for_profile = f" for AWS profile '{profile}'" if profile else ""
        return AwsError(f"{what} found{for_profile}", reason="credentials", where=where, hint=_login_hint(target))
    if isinstance(exc, bx.CredentialRetrievalError):
        provider = str(exc.kwargs.get("provider", "the credential provider"))
        return AwsError(
            f"AWS credentials could not be obtained from {provider}",
            reason="credentials",
            where=where,
            hint=f"check the role / credential_process settings of the AWS profile, or {_login_hint(target)}",
        )
    return _transport_or_region(exc, target, where, service)


def _transport_or_region(exc: Exception, target: AwsTarget | None, where: str, service: str | None) -> AwsError:
    import botocore.exceptions as bx

    region_hint = "set [aws] region in the profile (e.g. eu-west-1), AWS_REGION, or region in the AWS config file"
    if isinstance(exc, bx.NoRegionError):
        return AwsError("no AWS region is set", reason="region", where=where, hint=region_hint)
    if isinstance(exc, bx.InvalidRegionError):
        region = str(exc.kwargs.get("region_name", ""))
        return AwsError(f"'{region}' is not an AWS region name", reason="region", where=where, hint=region_hint)
    if isinstance(exc, bx.UnknownEndpointError | bx.EndpointResolutionError | bx.InvalidEndpointConfigurationError):
        region = target.region if target is not None and target.region else "this region"
        return AwsError(
            f"no {service or 'AWS'} endpoint for {region}",
            reason="region",
            where=where,
            hint="check [aws] region (e.g. eu-west-1), or set [aws] endpoint_url",
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ConnectionClosedError):
        url = _shown_url(exc.kwargs.get("endpoint_url", ""))
        return AwsError(f"cannot reach {url}", reason="unreachable", where=where, hint=_endpoint_hint(target))
    if isinstance(exc, bx.SSLError):
        url = _shown_url(exc.kwargs.get("endpoint_url", ""))
        return AwsError(
            f"the TLS handshake with {url} failed (SSLError)",
            reason="unreachable",
            where=where,
            hint="an https:// endpoint_url pointing at a plain-HTTP server (an emulator) needs http://; else check the "
            "proxy or the CA bundle (AWS_CA_BUNDLE)",
        )
    if isinstance(exc, bx.ReadTimeoutError):
        url = _shown_url(exc.kwargs.get("endpoint_url", ""))
        return AwsError(f"{url} did not answer in time", reason="unreachable", where=where, hint=_endpoint_hint(target))
    return AwsError(f"the AWS call failed ({type(exc).__name__})", reason="aws", where=where)


def _not_found(
    exc: Exception, target: AwsTarget | None, service: str | None, api_id: str | None, stage: str | None
) -> AwsError | None:
    """NotFoundException, named by what the operation looked up: the REST API, its stage, or something else."""
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    if str(error.get("Code", "")) not in ("NotFoundException", "ResourceNotFoundException"):  # Lambda, Logs, Secrets
        return None
    operation = str(getattr(exc, "operation_name", "") or "")
    where = " ".join(part for part in (service, operation) if part) or "aws"
    region = target.region if target is not None and target.region else "this region"
    kind = "HTTP API" if service == "apigatewayv2" else "REST API"
    if operation in ("GetRestApi", "GetApi") and api_id:
        return AwsError(
            f"no {kind} {api_id} in {region}", reason="not_found", where=where, hint="check [aws] api_id and region"
        )
    if operation == "GetStage" and stage:
        return AwsError(
            f"{kind} {api_id or '?'} has no stage '{stage}'",
            reason="not_found",
            where=where,
            hint="check [aws] stage (aws apigateway get-stages --rest-api-id ID / apigatewayv2 get-stages lists them)",
        )
    message = f"AWS found nothing for {operation or 'the call'} ({error.get('Code')})"
    return AwsError(message, reason="not_found", where=where)


def _client_error(exc: Exception, target: AwsTarget | None, service: str | None) -> AwsError:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    code = str(error.get("Code", "") or "Unknown")
    message = str(error.get("Message", "") or "")
    operation = str(getattr(exc, "operation_name", "") or "")
    where = " ".join(part for part in (service, operation) if part) or "aws"
    profile = target.aws_profile if target is not None else None
    if code in CLOCK or "signature expired" in message.lower():
        return AwsError(
            f"AWS refused the request's signature as too old or too new ({code}): this machine's clock is off",
            reason="clock",
            where=where,
            hint="set the clock right (enable NTP time sync) and rerun",
        )
    if code in EXPIRED:
        return AwsError(
            f"the AWS credentials have expired ({code})",
            reason="expired",
            where=where,
            hint=f"refresh them: aws sso login --profile {profile or 'P'}, or fresh AWS_SESSION_TOKEN credentials",
        )
    if code in BAD_CREDENTIALS:
        return AwsError(
            f"AWS does not accept these credentials ({code})",
            reason="unauthorized",
            where=where,
            hint=f"the access key is unknown or its secret wrong: {_login_hint(target)}",
        )
    if code in DENIED:
        action = f"{service}:{operation}" if service and operation else "this action"
        return AwsError(
            f"AWS denied {operation or 'the call'} ({code})",
            reason="unauthorized",
            where=where,
            hint=f"allow {action} for this identity's role or user, or use another AWS profile",
        )
    if code in THROTTLED:
        return AwsError(
            f"AWS throttled {operation or 'the call'} ({code})",
            reason="throttled",
            where=where,
            hint="wait a few seconds and rerun; the account's request rate for this API is at its limit",
        )
    return AwsError(f"AWS answered {code} to {operation or 'the call'}", reason="aws", where=where)


def error_document(exc: BatonError, command: str) -> dict[str, object]:
    """The ``--json`` document of a failed ``baton aws`` verb: the same one line stderr gets, its kind and exit
    code, so a script piping to jq reads a document whatever happened."""
    return {
        "schema": 1,
        "command": command,
        "ok": False,
        "error": {
            "message": exc.one_line(),
            "kind": getattr(exc, "reason", None) or type(exc).__name__,
            "exit_code": exc.exit_code,
        },
    }


@contextmanager
def json_errors(enabled: bool, command: str) -> Iterator[None]:
    """With ``--json``: a BatonError inside also prints its error_document on stdout, then goes on to the caller
    (which prints the one line on stderr and exits with its code)."""
    try:
        yield
    except BatonError as exc:
        if enabled:
            sys.stdout.write(json.dumps(error_document(exc, command), indent=2) + "\n")
        raise
