"""Cognito sign-in for the ``cognito`` identity flow: InitiateAuth (USER_PASSWORD_AUTH) through the [aws] session.

The engine's TokenSource (console/engine/aws_hooks.py). InitiateAuth needs no AWS credentials (botocore sends it
unsigned), only the app client, the user and the password; an app client with a secret also needs SECRET_HASH =
Base64(HMAC-SHA256(client secret, username + client id)). The region is the profile's ``[aws] region``, else the
one in the issuer URL (``https://cognito-idp.{region}.amazonaws.com/{pool}``), else the AWS config's. Cognito's
own error messages are never shown (they are the network's text): its error code picks Baton's words and the fix.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error
from console.aws.session import make_client, make_session, target_for
from console.engine.aws_hooks import TokenGrant
from console.errors import AwsError

if TYPE_CHECKING:
    from console.aws.session import AwsTarget
    from console.model.profile import AwsSettings

SERVICE = "cognito-idp"
WHERE = "cognito-idp InitiateAuth"
_ISSUER = re.compile(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/", re.IGNORECASE)


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Cognito's SECRET_HASH: Base64(HMAC-SHA256(key = client secret, message = username + client id))."""
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def region_of_issuer(issuer: str | None) -> str | None:
    """The region in a Cognito user pool issuer URL, or None for another issuer."""
    match = _ISSUER.match(issuer or "")
    return match.group(1).lower() if match else None


_CHALLENGES = {
    "NEW_PASSWORD_REQUIRED": (
        "the user must set a new password first (Cognito answered NEW_PASSWORD_REQUIRED)",
        "sign in once in the app, or: aws cognito-idp admin-set-user-password --user-pool-id POOL "
        "--username USER --password … --permanent",
    ),
    "SMS_MFA": ("the user has SMS MFA (Cognito asked for a code)", "use a test user without MFA for Baton"),
    "SOFTWARE_TOKEN_MFA": ("the user has TOTP MFA (Cognito asked for a code)", "use a test user without MFA"),
    "EMAIL_OTP": ("the user has email MFA (Cognito asked for a code)", "use a test user without MFA"),
    "SMS_OTP": ("the user has SMS MFA (Cognito asked for a code)", "use a test user without MFA"),
    "MFA_SETUP": ("the user must set up MFA first (Cognito answered MFA_SETUP)", "use a test user without MFA"),
    "SELECT_MFA_TYPE": ("the user must pick an MFA type (Cognito answered SELECT_MFA_TYPE)", "use a user without MFA"),
}

_CODES = {
    "NotAuthorizedException": ("Cognito refused the sign-in (NotAuthorizedException)", "check username and password"),
    "UserNotFoundException": ("Cognito has no such user (UserNotFoundException)", "check [identity] username"),
    "UserNotConfirmedException": (
        "the Cognito user is not confirmed (UserNotConfirmedException)",
        "confirm it: aws cognito-idp admin-confirm-sign-up --user-pool-id POOL --username USER",
    ),
    "PasswordResetRequiredException": (
        "Cognito requires a password reset for this user (PasswordResetRequiredException)",
        "reset it: aws cognito-idp admin-set-user-password … --permanent",
    ),
    "ResourceNotFoundException": (
        "Cognito knows no app client with this id in this region (ResourceNotFoundException)",
        "check [identity] client_id and the region ([aws] region, or the issuer URL's)",
    ),
    "InvalidParameterException": (
        "Cognito refused the InitiateAuth parameters (InvalidParameterException)",
        "enable ALLOW_USER_PASSWORD_AUTH on the app client (aws cognito-idp update-user-pool-client "
        "--explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH)",
    ),
}


class CognitoTokenSource:
    """InitiateAuth USER_PASSWORD_AUTH against one user pool's region, with the profile's [aws] settings."""

    def __init__(self, settings: AwsSettings | None, issuer: str | None = None) -> None:
        target = target_for(settings)
        issuer_region = region_of_issuer(issuer)
        if not target.region and issuer_region:
            target = dataclasses.replace(target, region=issuer_region, region_source="[identity] issuer")
        self._target: AwsTarget = target

    @property
    def label(self) -> str:
        """``Cognito InitiateAuth (USER_PASSWORD_AUTH) in eu-west-1``."""
        return f"Cognito InitiateAuth (USER_PASSWORD_AUTH) in {self._target.region or 'the default region'}"

    def fetch(self, *, client_id: str, username: str, password: str, client_secret: str | None) -> TokenGrant:
        """Sign in; AwsError naming the fix on any refusal, challenge or failure (no prompt, no wait)."""
        import botocore.exceptions

        client = make_client(make_session(self._target), SERVICE, self._target)
        parameters = {"USERNAME": username, "PASSWORD": password}
        if client_secret:
            parameters["SECRET_HASH"] = secret_hash(client_secret, username, client_id)
        try:
            answer: dict[str, Any] = client.initiate_auth(
                AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters=parameters
            )
        except botocore.exceptions.ClientError as exc:
            raise _refusal(exc, self._target, bool(client_secret)) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise aws_error(exc, target=self._target, service=SERVICE, operation="InitiateAuth") from None
        result = answer.get("AuthenticationResult")
        if not isinstance(result, dict):
            raise _challenge(str(answer.get("ChallengeName") or ""))
        expires = result.get("ExpiresIn")
        return TokenGrant(
            access_token=_text(result.get("AccessToken")),
            id_token=_text(result.get("IdToken")),
            expires_in=float(expires) if isinstance(expires, int | float) and expires > 0 else None,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _challenge(name: str) -> AwsError:
    """A challenge Baton cannot answer unattended: one line, never a prompt."""
    message, hint = _CHALLENGES.get(
        name,
        (
            f"Cognito answered with the challenge {name[:40] or '(unnamed)'}, which Baton cannot answer",
            "use a test user that signs in with a password alone",
        ),
    )
    return AwsError(message, reason="config", where=WHERE, hint=hint)


def _refusal(exc: Any, target: AwsTarget, has_secret: bool) -> AwsError:
    """Cognito's error code in Baton's words; anything else as aws_error says it."""
    error = (getattr(exc, "response", None) or {}).get("Error", {})
    code = str(error.get("Code", ""))
    said = str(error.get("Message", "")).lower()  # read to choose the words, never shown
    if code == "NotAuthorizedException" and "secret" in said:
        if has_secret:
            return AwsError(
                "Cognito could not verify SECRET_HASH (NotAuthorizedException)",
                reason="unauthorized",
                where=WHERE,
                hint="check [identity] client_secret: it must be this app client's secret",
            )
        return AwsError(
            "the Cognito app client has a secret, and the profile gives none (NotAuthorizedException)",
            reason="unauthorized",
            where=WHERE,
            hint="set [identity] client_secret (a reference, e.g. env:BATON_CLIENT_SECRET)",
        )
    if code in _CODES:
        message, hint = _CODES[code]
        reason = "unauthorized" if code == "NotAuthorizedException" else "config"
        return AwsError(message, reason=reason, where=WHERE, hint=hint)
    return aws_error(exc, target=target, service=SERVICE, operation="InitiateAuth")
