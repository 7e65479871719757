"""GatewayEvidence for the trace: the API's configuration, the authorizer's decision and this request's gateway logs,
from the three entry points ``baton aws inspect|authorize|logs`` use (boto3 imported only when a question is asked).

Filled into the Target by console/session.py ``with_aws_hooks`` when the profile has ``[aws] api_id`` (a real
gateway; the sandbox never). Every answer is the evidence or an Unavailable naming the fix: no AWS failure (no
credentials, wrong region or api id, throttling, an unreachable endpoint) raises into the trace.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from console.aws.config_shared import SharedConfig
from console.engine.aws_hooks import ExpectedPropagation, LogsUnavailable, Unavailable
from console.errors import AwsError, BatonError
from console.model.authorizer_decision import AuthorizerResult
from console.model.gateway_log import GatewayLogEvidence, PollProgress
from console.model.profile import GatewayKind, Profile

DEFAULT_TRACE_LOG_WAIT = 20.0
"""Seconds a trace polls CloudWatch when ``[aws] log_wait`` is not set: API Gateway usually delivers execution logs
within seconds; no AWS source states a bound, so this is a practical one, not a documented one."""
ClientFactory = Callable[[str], Any]


def stage_path(path: str, stage: str | None) -> str:
    """``path`` as sent (``/dev/orders/42``) relative to the stage (``/orders/42``): execute-api URLs start with
    the stage; a custom domain's base path is not known here, so a path without the stage is kept whole."""
    parts = [part for part in path.split("/") if part]
    if parts and stage and stage != "$default" and parts[0] == stage:
        parts = parts[1:]
    return "/" + "/".join(parts)


class AwsGatewayEvidence:
    """The profile's API as AWS knows it (implements console.engine.aws_hooks.GatewayEvidence)."""

    def __init__(
        self, profile: Profile, *, client_factory: ClientFactory | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.profile = profile
        self.client_factory = client_factory
        """service → a boto3 client (tests pass moto or Stubber-backed ones); None: from the profile's [aws]."""
        self.env = env
        self.config = SharedConfig(profile, env)
        """The configuration read once for both questions a trace asks about it (they run on two threads)."""

    @property
    def log_wait(self) -> float:
        """``[aws] log_wait``, else DEFAULT_TRACE_LOG_WAIT."""
        settings = self.profile.aws
        wait = settings.log_wait if settings is not None else None
        return float(wait) if wait is not None else DEFAULT_TRACE_LOG_WAIT

    def _stage(self) -> str | None:
        return self.profile.aws.stage if self.profile.aws is not None else None

    def expected(self, method: str, path: str) -> ExpectedPropagation | Unavailable:
        """What ``method path`` meets in the API's configuration, and inspect's findings for it."""
        from console.aws.inspect_rest import inspect_profile

        try:
            relative = stage_path(path, self._stage())
            inspection = inspect_profile(self.profile, path=relative, method=method, env=self.env, read=self.config)
        except AwsError as exc:
            return Unavailable(exc.one_line(), kind=exc.reason)
        except BatonError as exc:
            return Unavailable(exc.one_line(), kind="config")
        except Exception as exc:  # botocore's own (a malformed answer): unavailable, never a crashed trace
            return Unavailable(f"reading the API's configuration failed: {type(exc).__name__}", kind="aws")
        return ExpectedPropagation(inspection.config, inspection.findings)

    def decision(
        self, token: str | None, method: str, path: str, headers: Sequence[tuple[str, str]]
    ) -> AuthorizerResult | Unavailable:
        """The authorizer's decision for this token (TestInvokeAuthorizer, an allowed Lambda invoke, or JWT/Cognito
        evaluated from its configuration)."""
        from console.aws.authorizer_decide import decide

        try:
            return decide(
                self.profile,
                token,
                method,
                stage_path(path, self._stage()),
                headers,
                client_factory=self.client_factory,
                env=self.env,
                read=self.config,
            )
        except BatonError as exc:
            return Unavailable(exc.one_line(), kind="config")
        except Exception as exc:  # see expected()
            return Unavailable(f"asking the authorizer failed: {type(exc).__name__}", kind="aws")

    def logs(
        self,
        request_id: str,
        correlation_id: str | None,
        *,
        started_at: float,
        wait: float,
        cancel: threading.Event | None,
        progress: Callable[[PollProgress], None] | None,
    ) -> GatewayLogEvidence | LogsUnavailable:
        """This request's execution log and access record, polled up to ``wait`` seconds."""
        from console.aws.gateway_logs import fetch_request_logs

        settings = self.profile.aws
        if settings is None:
            return LogsUnavailable("the profile has no [aws] table", kind="config")
        gateway = self.profile.gateway
        kind = "http" if gateway is not None and gateway.kind is GatewayKind.HTTP else "rest"
        try:
            return fetch_request_logs(
                settings,
                request_id,
                correlation_id,
                started_at=started_at,
                wait=wait,
                cancel=cancel,
                progress=progress,
                client_factory=self.client_factory,
                api_kind=kind,
                advice="trace",
            )
        except BatonError as exc:  # an id the gateway answered that is not one (check_id): a UsageError
            return LogsUnavailable(exc.one_line(), kind="config")
        except Exception as exc:  # see expected()
            return LogsUnavailable(f"reading CloudWatch failed: {type(exc).__name__}", kind="aws")
