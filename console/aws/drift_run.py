"""Run a drift: read both profiles' configuration with the `aws inspect` readers, then compare (console/aws/drift.py).

Every failure is one AwsError naming the profile it happened on. ``read_side`` is the only part that talks to AWS
(boto3 is imported when it runs), so front ends and tests can hand in another reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from console.aws.drift import compare
from console.aws.drift_model import Drift, SideInput
from console.errors import AwsError, BatonError, TraceCancelled
from console.model.aws_config import RestApiConfig
from console.model.profile import Profile
from console.sanitize import inert

if TYPE_CHECKING:
    from console.aws.inspect_rest import Inspection

ReadSide = Callable[[Profile, str | None, str], RestApiConfig]
"""(profile, --path or None, method) → the configuration that profile's API applies to the request."""
Progress = Callable[[str], None]


def read_side(profile: Profile, path: str | None, method: str) -> RestApiConfig:
    """The `aws inspect` reader (REST or HTTP API, by [gateway] kind): the AWS part of a drift."""
    from console.aws.inspect_rest import inspect_profile

    inspection: Inspection = inspect_profile(profile, path=path, method=method)
    return inspection.config


def side_input(profile: Profile, config: RestApiConfig) -> SideInput:
    """One side: its configuration and what its profile's [propagation] and [identity] expect."""
    identity = profile.identity
    return SideInput(
        name=profile.name,
        config=config,
        headers=profile.propagation.headers,
        token_use=identity.token_use if identity is not None else None,
        issuer=identity.issuer if identity is not None else None,
        audiences=identity.audience if identity is not None else (),
        scopes=identity.scopes if identity is not None else (),
        environment=profile.environment.value,
    )


def _where(profile: Profile) -> str:
    aws = profile.aws
    api = f"{aws.api_id or '?'}/{aws.stage or '?'}" if aws is not None else "no [aws]"
    return f"profile '{inert(profile.name)}' ({api})"


def _read(profile: Profile, path: str | None, method: str, read: ReadSide | None) -> RestApiConfig:
    if profile.aws is None:
        raise AwsError(
            f"profile '{inert(profile.name)}' has no [aws] table: there is no gateway configuration to compare",
            reason="config",
            where="aws diff",
            hint="add [aws] region, api_id and stage (and endpoint_url for an emulator) to that profile",
        )
    try:
        return (read or read_side)(profile, path, method)
    except AwsError as exc:
        raise AwsError(
            exc.message, reason=exc.reason, where=f"aws diff, {_where(profile)}, {exc.where}", hint=exc.hint
        ) from None
    except BatonError as exc:
        raise AwsError(exc.message, reason="config", where=f"aws diff, {_where(profile)}", hint=exc.hint) from None


def compare_profiles(
    a: Profile,
    b: Profile,
    *,
    path: str | None = None,
    method: str = "GET",
    read: ReadSide | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Drift:
    """Read both sides (A first), then compare; AwsError naming the failing profile; TraceCancelled when
    ``cancelled()`` turns true between the steps."""
    configs: list[RestApiConfig] = []
    for profile in (a, b):
        if cancelled is not None and cancelled():
            raise TraceCancelled("comparison cancelled")
        if progress is not None:
            progress(f"Reading {_where(profile)} from AWS…")
        configs.append(_read(profile, path, method, read))
    if progress is not None:
        progress("Comparing…")
    left, right = side_input(a, configs[0]), side_input(b, configs[1])
    if left.name == right.name:  # two files with one name: each side must still be told apart in every sentence
        left, right = replace(left, name=f"{left.name} (A)"), replace(right, name=f"{right.name} (B)")
    return compare(left, right)
