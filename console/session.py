"""A session on one profile: its sandbox (if any), its resolved target, traces and the sandbox's live feed.

Shared by `baton trace` and the console, so both front ends drive the engine the same way. UI-free.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from console.errors import TraceError
from console.model.enums import HopName
from console.model.profile import Profile

if TYPE_CHECKING:
    import httpx

    from console.engine.target import Target
    from console.engine.trace import EventSink
    from console.model.trace import FeedItem, Trace, TraceRequest


FEED_RETRIES = 3


class Session:
    """Everything needed to trace with one profile; ``start()`` does the slow part (sandbox, discovery)."""

    def __init__(
        self,
        profile: Profile,
        scenario: str | None = None,
        *,
        timeout: float = 10.0,
        sandbox_process: bool = False,
        attach: bool = False,
    ) -> None:
        self.profile = profile
        self.sandbox_process = sandbox_process
        """Run the sandbox as a child process (the console) instead of threads in this one (the CLI, tests)."""
        self.attach = attach
        """Use a sandbox a running console recorded (sandbox_registry), before starting one of its own."""
        self.attached: str | None = None
        """The gateway URL of the console sandbox this session attached to, if it did."""
        self.scenario = scenario or (profile.sandbox.scenario if profile.sandbox else None)
        self.timeout = timeout
        self.target: Target | None = None
        self._sandbox: Any = None
        self._client: httpx.Client | None = None
        self._feed_client: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def uses_sandbox(self) -> bool:
        """True when this session runs the embedded sandbox."""
        return self.scenario is not None

    def start(self) -> Target:
        """Start the sandbox when the profile wants one, and resolve the target (blocking; call off the UI)."""
        from console.engine.target import target_from_profile, target_from_sandbox
        from console.engine.transport import make_client

        with self._lock:
            if self.target is not None:
                return self.target
            self._client = make_client(self.timeout)
            if self.scenario is None:
                self.target = with_aws_hooks(target_from_profile(self.profile), self.profile)
                return self.target
            attached = self._attach() if self.attach else None
            if attached is not None:
                self.target = attached
                return self.target
            if self.sandbox_process:
                from console.sandbox_process import SandboxProcess

                self._sandbox = SandboxProcess(self.scenario)
            else:
                from console.sandbox import start_sandbox  # only sandbox sessions pay for it

                self._sandbox = start_sandbox(self.scenario)
            self.target = target_from_sandbox(self.profile, self._sandbox.urls.gateway, self._client)
            return self.target

    def _attach(self) -> Target | None:
        """The newest running console sandbox (of this session's scenario when one was asked for), if it answers."""
        from urllib.parse import urlsplit

        from console import sandbox_registry
        from console.engine.target import target_from_sandbox

        asked = None if self.profile.sandbox and self.scenario == self.profile.sandbox.scenario else self.scenario
        for entry in sandbox_registry.running(asked):
            if urlsplit(entry.gateway).hostname not in ("127.0.0.1", "localhost", "::1"):
                continue  # a record pointing off this machine is not a sandbox of ours
            try:
                assert self._client is not None
                target = target_from_sandbox(self.profile, entry.gateway, self._client)
            except TraceError:
                continue  # recorded, but gone or not answering: try the next, else start one
            self.attached, self.scenario = entry.gateway, entry.scenario
            return target
        return None

    def trace(
        self,
        request: TraceRequest,
        on_event: EventSink | None = None,
        cancel: threading.Event | None = None,
        *,
        token: str | None = None,
    ) -> Trace:
        """One trace (starts the session first if needed)."""
        from console.config.secrets import profile_resolver
        from console.engine.trace import run_trace

        target = self.start()
        return run_trace(
            target,
            request,
            on_event,
            cancel,
            resolve=profile_resolver(self.profile),  # aws-secretsmanager: with the profile's own [aws] profile
            client=self._client,
            token_override=token,
        )

    def feed(self, after: int, wait: float = 0.0) -> tuple[list[FeedItem], int]:
        """Requests the sandbox gateway saw after sequence ``after`` (long-polls up to ``wait`` s)."""
        import httpx

        target = self.target  # never start() here: a feed thread must not race a scenario switch
        if target is None or target.control_url is None:
            return [], after
        if self._feed_client is None:  # its own connection: a long poll must not share a pool with traces
            from console.engine.transport import make_client  # like the trace client: no CA bundle read for http

            self._feed_client = make_client(wait + self.timeout)
        failure = ""
        for attempt in range(FEED_RETRIES):
            try:
                response = self._feed_client.get(
                    f"{target.control_url}/__baton/requests",
                    params={"after": after, "wait": wait},
                    timeout=wait + self.timeout,
                )
                doc = response.json()
                break
            except (httpx.HTTPError, ValueError) as exc:  # a sandbox restart or a dropped keep-alive
                failure = type(exc).__name__
                time.sleep(0.2 * (attempt + 1))
        else:
            raise TraceError(f"the sandbox feed did not answer ({failure})", hop=HopName.GATEWAY)
        items = [_feed_item(raw) for raw in doc.get("requests", [])]
        return items, int(doc.get("last_seq", after))

    def recorded(self, key: str) -> Trace | None:
        """A diagnosis of a request someone else sent through the sandbox, from its ground truth alone."""
        from console.engine.probes.sandbox import fetch_ground_truth
        from console.engine.recorded import diagnose_recorded

        target = self.start()
        if target.control_url is None or self._client is None:
            return None
        record = fetch_ground_truth(self._client, target.control_url, key)
        return None if record is None else diagnose_recorded(target, record)

    def scenario_choices(self) -> list[tuple[str, str]]:
        """(name, description) of every sandbox scenario; empty outside sandbox mode."""
        if not self.uses_sandbox:
            return []
        from console.sandbox import list_scenarios

        return [(s.name, s.description) for s in list_scenarios()]

    def switch_scenario(self, scenario: str) -> Target:
        """Restart the sandbox with another scenario."""
        with self._lock:  # nothing may start the old scenario between the close and the new start
            self._close_locked()
            self.scenario = scenario
        return self.start()

    def close(self) -> None:
        """Stop the sandbox and close the HTTP client (idempotent)."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        for client in (self._client, self._feed_client):
            if client is not None:
                client.close()
        self._client = self._feed_client = None
        self.target = None


def with_aws_hooks(target: Target, profile: Profile) -> Target:
    """``target`` with the AWS adapters its profile asks for: a SigV4 signer for ``[gateway] auth = "iam"``, a
    Cognito InitiateAuth token source for ``[identity] flow = "cognito"``, and the API's configuration, authorizer
    decision and gateway logs for ``[aws] api_id`` (a real gateway only: never the sandbox). Each imports boto3 only
    when it is first used, so a profile without them (and the sandbox) never pays for it."""
    from dataclasses import replace

    from console.model.profile import GatewayAuth, IdentityFlow

    if profile.gateway is not None and profile.gateway.auth is GatewayAuth.IAM and target.signer is None:
        from console.aws.signing import SigV4Signer

        target = replace(target, signer=SigV4Signer(profile.aws))
    identity = profile.identity
    if identity is not None and identity.flow is IdentityFlow.COGNITO and target.token_source is None:
        from console.aws.cognito import CognitoTokenSource

        target = replace(target, token_source=CognitoTokenSource(profile.aws, identity.issuer))
    if profile.aws is not None and profile.aws.api_id and target.aws is None and target.control_url is None:
        from console.aws.evidence import AwsGatewayEvidence  # light: boto3 is imported when a question is asked

        target = replace(target, aws=AwsGatewayEvidence(profile))
    return target


def _feed_item(raw: dict[str, Any]) -> FeedItem:
    from console.model.enums import FeedOrigin
    from console.model.trace import FeedItem  # not at import: the console's first paint never needs the trace model

    received = raw.get("received_at") or ""
    try:
        when = datetime.fromisoformat(str(received).replace("Z", "+00:00")).timestamp()
    except ValueError:
        when = time.time()
    return FeedItem(
        key=f"sandbox:{raw.get('seq')}",
        method=str(raw.get("method", "?")),
        path=str(raw.get("path", "?")),
        status=raw.get("status"),
        received_at=when,
        origin=FeedOrigin.EXTERNAL,
        correlation_id=raw.get("correlation_id"),
        request_id=raw.get("request_id"),
    )
