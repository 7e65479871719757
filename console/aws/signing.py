"""SigV4 for IAM-authorized APIs: botocore's own signer (SigV4Auth, service ``execute-api``) with the [aws] session.

The engine's RequestSigner (console/engine/aws_hooks.py). boto3 is imported at the first signature, never at import:
a profile without ``auth = "iam"`` never pays for it. Each request is signed with a frozen copy of the credentials
(an assumed role or SSO session refreshes between traces), and no credential ever leaves this module except inside
the signing headers, which the trace holds and masks.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error
from console.aws.session import make_session, target_for
from console.errors import AwsError

if TYPE_CHECKING:
    from console.aws.session import AwsTarget
    from console.model.profile import AwsSettings

SERVICE = "execute-api"
"""API Gateway's signing name (shared/domain/gateway-iis-identity.md §3)."""
WHERE = "execute-api SigV4"
SIGNING_HEADERS = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")


class SigV4Signer:
    """Signs requests to an API Gateway API with the credentials of one profile's [aws] session."""

    def __init__(self, settings: AwsSettings | None) -> None:
        self._target: AwsTarget = target_for(settings)
        self._session: Any = None
        self._lock = threading.Lock()

    @property
    def region(self) -> str | None:
        """The region the signature is scoped to: the profile's, else the session's (AWS_REGION, AWS config)."""
        return self._target.region or (self._session.region_name if self._session is not None else None)

    def sign(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
        """``headers`` plus Authorization, X-Amz-Date (and X-Amz-Security-Token for temporary credentials)."""
        import botocore.exceptions
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        credentials, region = self._credentials()
        request = AWSRequest(method=method, url=url, data=body or b"")
        for name, value in headers:  # one by one: a repeated header stays repeated, as it goes on the wire
            request.headers[name] = value
        try:
            SigV4Auth(credentials, SERVICE, region).add_auth(request)
        except botocore.exceptions.BotoCoreError as exc:
            raise aws_error(exc, target=self._target, service=SERVICE, operation="SigV4") from None
        added = [(name, str(request.headers[name])) for name in SIGNING_HEADERS if name in request.headers]
        # add_auth replaces a given X-Amz-Date or Authorization: the signed values go out, the stale ones do not.
        replaced = {name.lower() for name, _value in added}
        return [*((name, value) for name, value in headers if name.lower() not in replaced), *added]

    def _credentials(self) -> tuple[Any, str]:
        """Frozen credentials and the region; AwsError (one line, the fix) when there are none or no region."""
        import botocore.exceptions

        with self._lock:
            if self._session is None:
                self._session = make_session(self._target)  # AwsError for an unknown named profile
        try:
            found = self._session.get_credentials()
            frozen = found.get_frozen_credentials() if found is not None else None
        except botocore.exceptions.BotoCoreError as exc:
            raise aws_error(exc, target=self._target, service=SERVICE, operation="SigV4") from None
        if frozen is None or not frozen.access_key or not frozen.secret_key:
            raise aws_error(botocore.exceptions.NoCredentialsError(), target=self._target, service=SERVICE)
        region = self.region
        if not region:
            raise AwsError(
                "no AWS region to scope the SigV4 signature to",
                reason="region",
                where=WHERE,
                hint="set [aws] region to the API's region (e.g. eu-west-1)",
            )
        return frozen, region
