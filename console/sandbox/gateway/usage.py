"""API keys and a usage plan: key check (x-api-key, apiKeySource HEADER) and a per-key token bucket."""

from __future__ import annotations

import secrets
import time
from typing import Any

from console.sandbox.config import STAGE
from console.sandbox.gateway.logs import ExecutionLog

__all__ = ["UsagePlan"]


class UsagePlan:
    """One usage plan attached to the stage, with one enabled API key."""

    def __init__(self, required: bool, throttle: tuple[float, int] | None, predrained: bool) -> None:
        self.required = required
        # API key values are 20-128 characters; AWS generates 40.
        self.api_key = secrets.token_urlsafe(30)[:40]
        self.key_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        self.rate, self.burst = throttle if throttle else (0.0, 0)
        self.throttled = throttle is not None
        # A drained bucket stands for another consumer of the same key having just used the burst.
        self._tokens = 0.0 if predrained else float(self.burst)
        self._at = time.monotonic()

    def check_key(self, presented: str | None) -> str:
        """``not_required``, ``valid``, ``missing`` or ``invalid``."""
        if not self.required:
            return "not_required"
        if not presented:
            return "missing"
        return "valid" if secrets.compare_digest(presented, self.api_key) else "invalid"

    def take(self) -> bool:
        """Take one request from the key's bucket; False means throttled (429)."""
        if not self.throttled:
            return True
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def verify(self, log: ExecutionLog, record: dict[str, Any], api_id: str, api_key: str | None, method: str) -> bool:
        """The REST usage-plan step after the authorizer: key check and throttle, logged as API Gateway logs them."""
        state = self.check_key(api_key)
        record["gateway"]["api_key"] = state
        shown = "********" + api_key[-4:] if api_key else ""
        stage = f"{api_id}/{STAGE}"
        log.add(f"Verifying Usage Plan for request: {record['request_id']}. API Key: {shown} API Stage: {stage}")
        if state == "not_required":
            log.add(
                f"API Key authorized because method '{method} /{{proxy+}}' does not require API Key. "
                "Request will not contribute to throttle or quota limits"
            )
            return True
        if state != "valid":
            why = "API Key was required but not present" if state == "missing" else "Invalid API Key identifier"
            # Wording after the domain's usage-plan lines; the refusal clause is [inf].
            log.add(
                f"API Key {shown} not authorized because method '{method} /{{proxy+}}' requires API Key "
                f"and API Key is not associated with a Usage Plan for API Stage {stage}: {why}"
            )
            return False
        if not self.take():
            record["gateway"]["throttled"] = True
            log.add(
                f"Key throttle limit exceeded for RestApi {api_id}, Stage: {STAGE}, "
                f"Resource: /{{proxy+}}, HttpMethod: {method}. Limit: {self.rate:.2f} "
                f"Burst: {self.burst}"
            )
            return False
        log.add(f"Usage Plan check succeeded for API Key {shown} and API Stage {stage}")
        return True
