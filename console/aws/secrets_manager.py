"""GetSecretValue for ``aws-secretsmanager:`` references, through the profile's [aws] session and endpoint.

The region is the ARN's own (a secret lives where its ARN says), else the profile's ``[aws] region``, else the AWS
config's. The endpoint follows console/aws/session.py: ``[aws] endpoint_url``, then ``AWS_ENDPOINT_URL[_SECRETS_
MANAGER]`` or the AWS config file, then AWS. The answer (the secret) is returned to the caller and never logged:
make_session holds botocore's loggers at WARNING, so its DEBUG "Response body" record is never even created.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error
from console.aws.session import make_client, make_session, target_for
from console.errors import AwsError

if TYPE_CHECKING:
    from console.model.profile import AwsSettings

SERVICE = "secretsmanager"
WHERE = "secretsmanager GetSecretValue"

_REFUSALS = {
    "ResourceNotFoundException": ("not_found", "check the ARN and the region"),
    "AccessDeniedException": ("unauthorized", "the caller needs secretsmanager:GetSecretValue on it"),
    "DecryptionFailure": ("unauthorized", "the caller needs kms:Decrypt on the secret's key"),
    "InvalidRequestException": ("config", "the secret is scheduled for deletion or disabled: restore it"),
    "InvalidParameterException": ("config", "check the ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)"),
}
"""Secrets Manager's refusals whose fix is about the secret itself, not the caller's credentials."""


def region_of_arn(secret_id: str) -> str | None:
    """``eu-west-1`` of ``arn:aws:secretsmanager:eu-west-1:…``; None for a bare name or an ARN without one."""
    parts = secret_id.split(":")
    return parts[3] if secret_id.startswith("arn:") and len(parts) > 3 and parts[3] else None


def get_secret_value(secret_id: str, settings: AwsSettings | None) -> dict[str, Any]:
    """Secrets Manager's answer for ``secret_id`` (``SecretString`` or ``SecretBinary``); AwsError naming the fix."""
    import botocore.exceptions

    target = target_for(settings)
    arn_region = region_of_arn(secret_id)
    if arn_region and arn_region != target.region:
        target = dataclasses.replace(target, region=arn_region, region_source="the secret's ARN")
    try:
        session = make_session(target)
    except AwsError as exc:  # the named profile is in neither AWS file
        message = f"AWS profile {target.aws_profile!r} is not configured" if target.aws_profile else exc.message
        raise AwsError(message, reason=exc.reason, where=WHERE, hint=exc.hint) from None
    client = make_client(session, SERVICE, target)
    try:
        answer: dict[str, Any] = client.get_secret_value(SecretId=secret_id)
    except botocore.exceptions.ClientError as exc:
        code = str((exc.response or {}).get("Error", {}).get("Code", ""))
        if code in _REFUSALS:
            reason, hint = _REFUSALS[code]
            raise AwsError(f"Secrets Manager refused ({code})", reason=reason, where=WHERE, hint=hint) from None
        raise aws_error(exc, target=target, service=SERVICE, operation="GetSecretValue") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise aws_error(exc, target=target, service=SERVICE, operation="GetSecretValue") from None
    return answer
