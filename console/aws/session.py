"""A boto3 Session for one profile's ``[aws]`` table: named profile, region and endpoint, secrets kept out of logs.

boto3 is imported here and only here (and in other console/aws adapters), when a profile has ``[aws]`` or an
``aws`` command runs: ``baton --help`` and the engine never pay for it (tests/test_import_hygiene.py).

Credentials come from the standard chain (named profile, SSO, environment, assumed role, instance metadata): Baton
never reads or holds an AWS key itself. The endpoint is, first to last: the profile's ``[aws] endpoint_url``;
``AWS_ENDPOINT_URL_<SERVICE>`` / ``AWS_ENDPOINT_URL`` or ``endpoint_url`` in the AWS config file (botocore's own
resolution); AWS's regional endpoint.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.aws.errors import aws_error

if TYPE_CHECKING:
    import boto3

    from console.model.profile import AwsSettings

QUIET_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")
"""botocore DEBUG logs the signed request (``Authorization``, ``X-Amz-Security-Token``) and every response body
(STS credentials, secret values, Cognito tokens): shared/domain/security.md §0.9 and §2.5. These loggers are held
at WARNING, so those records are never even created, whatever level the root logger is at."""

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
MAX_ATTEMPTS = 3
"""Standard retry mode, three attempts in all: a closed port or a throttled call fails in seconds, not a minute."""


def quiet_aws_loggers() -> None:
    """Hold boto3's and botocore's loggers (and their children) at WARNING; idempotent."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # A child logger given its own lower level (boto3.set_stream_logger('botocore.endpoint')) would bypass its
    # parent's level, so existing children are reset to inherit.
    children = tuple(f"{name}." for name in QUIET_LOGGERS)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        lowered = isinstance(logger, logging.Logger) and logging.NOTSET < logger.level < logging.WARNING
        if lowered and name.startswith(children) and isinstance(logger, logging.Logger):
            logger.setLevel(logging.NOTSET)


@dataclass(frozen=True, slots=True)
class AwsTarget:
    """What a session was built from, each value with where it came from, for ``whoami`` and error hints."""

    aws_profile: str | None
    """The AWS named profile, or None for the default chain."""
    aws_profile_source: str
    region: str | None
    region_source: str
    endpoint_url: str | None
    """The profile's endpoint (None: botocore resolves it from the environment, the config file or AWS)."""


def _env_source(env: Mapping[str, str], names: tuple[str, str], otherwise: str) -> tuple[str | None, str]:
    """The first of ``names`` set in ``env``, and its name; else (None, ``otherwise``)."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value, name
    return None, otherwise


def target_for(settings: AwsSettings | None, env: Mapping[str, str] | None = None) -> AwsTarget:
    """Where the session's profile, region and endpoint come from, without importing boto3."""
    env = os.environ if env is None else env
    profile: str | None
    region: str | None
    if settings is not None and settings.profile:
        profile, profile_source = settings.profile, "[aws] profile"
    else:
        profile, profile_source = _env_source(env, ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"), "default credential chain")
    if settings is not None and settings.region:
        region, region_source = settings.region, "[aws] region"
    else:
        region, region_source = _env_source(env, ("AWS_REGION", "AWS_DEFAULT_REGION"), "AWS config file")
    return AwsTarget(
        aws_profile=profile,
        aws_profile_source=profile_source,
        region=region,
        region_source=region_source,
        endpoint_url=settings.endpoint_url if settings is not None else None,
    )


def endpoint_source(target: AwsTarget, service: str, used: str, env: Mapping[str, str] | None = None) -> str:
    """Where the endpoint ``used`` by a client of ``service`` came from."""
    env = os.environ if env is None else env
    if target.endpoint_url:
        return "[aws] endpoint_url"
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
        specific = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_").replace(" ", "_")
        for name in (specific, "AWS_ENDPOINT_URL"):
            if env.get(name, "").strip() and env[name].strip().rstrip("/") == used.rstrip("/"):
                return name
    return "AWS"


def make_session(target: AwsTarget) -> boto3.Session:
    """A boto3 Session for ``target``; a missing named profile raises AwsError naming the fix."""
    quiet_aws_loggers()
    import boto3
    import botocore.exceptions

    try:
        return boto3.Session(profile_name=target.aws_profile, region_name=target.region)
    except botocore.exceptions.BotoCoreError as exc:
        raise aws_error(exc, target=target) from None


def make_client(session: boto3.Session, service: str, target: AwsTarget) -> Any:
    """A client of ``service`` on ``target``'s region and endpoint, with short timeouts and few retries."""
    import botocore.config
    import botocore.exceptions

    config = botocore.config.Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    try:
        return session.client(service, endpoint_url=target.endpoint_url or None, config=config)
    except (botocore.exceptions.BotoCoreError, ValueError) as exc:
        raise aws_error(exc, target=target, service=service) from None
