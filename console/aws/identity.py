"""Who AWS says the caller is (STS GetCallerIdentity), and the region and endpoint the answer came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from console.aws.errors import aws_error, not_aws
from console.aws.session import endpoint_source, make_client, make_session, target_for

if TYPE_CHECKING:
    from console.model.profile import AwsSettings


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """STS's answer, with where the call went; every string is AWS's (or the user's) data, shown inert."""

    account: str
    arn: str
    user_id: str
    region: str
    region_source: str
    endpoint: str
    endpoint_source: str
    aws_profile: str | None
    aws_profile_source: str

    def as_dict(self) -> dict[str, str | None]:
        """Plain JSON-ready fields."""
        return asdict(self)


def caller_identity(settings: AwsSettings | None, env: Mapping[str, str] | None = None) -> CallerIdentity:
    """Ask STS who the credentials of ``settings`` belong to; AwsError (one line, a fix) on any failure."""
    import botocore.exceptions

    target = target_for(settings, env)
    session = make_session(target)
    client = make_client(session, "sts", target)
    try:
        answer = client.get_caller_identity()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise aws_error(exc, target=target, service="sts", operation="GetCallerIdentity") from None
    except Exception:  # botocore's parser on a body that is not AWS's (empty, HTML, broken XML): never a traceback
        raise not_aws(client.meta.endpoint_url, service="sts", operation="GetCallerIdentity") from None
    if not isinstance(answer, dict) or not answer.get("Account") or not answer.get("Arn"):
        raise not_aws(client.meta.endpoint_url, service="sts", operation="GetCallerIdentity")
    endpoint = str(client.meta.endpoint_url)
    region = str(client.meta.region_name or "")
    return CallerIdentity(
        account=str(answer.get("Account", "")),
        arn=str(answer.get("Arn", "")),
        user_id=str(answer.get("UserId", "")),
        region=region,
        region_source=target.region_source if target.region else "AWS config file",
        endpoint=endpoint,
        endpoint_source=endpoint_source(target, "sts", endpoint, env),
        aws_profile=target.aws_profile,
        aws_profile_source=target.aws_profile_source,
    )
