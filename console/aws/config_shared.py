"""The API configuration a profile's request meets, read once however many ask: a trace asks for it twice at once
(the expected propagation and the authorizer's decision, on two threads), and each read is six or more AWS calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.model.aws_config import RestApiConfig
    from console.model.profile import Profile

__all__ = ["ConfigReader", "SharedConfig", "read_profile_config"]

ConfigReader = Callable[[str, str], "RestApiConfig"]
"""``read(method, path)``: the configuration ``method path`` (relative to the stage) meets."""


def read_profile_config(profile: Profile, method: str, path: str, env: Mapping[str, str] | None) -> RestApiConfig:
    """What ``method path`` meets on the profile's API: an HTTP API's routes, or what a REST stage serves."""
    from console.model.profile import GatewayKind

    if profile.gateway is not None and profile.gateway.kind is GatewayKind.HTTP:
        from console.aws.config_read_http import read_http_config

        return read_http_config(profile.aws, method=method, path=path, env=env)
    from console.aws.config_read import read_rest_config

    return read_rest_config(profile.aws, method=method, path=path, env=env)


class SharedConfig:
    """A ConfigReader reading each (method, path) once: the first caller reads, any other waits for its answer (or
    its error: the same AwsError, not a second try that may say something else)."""

    def __init__(self, profile: Profile, env: Mapping[str, str] | None = None) -> None:
        self.profile, self.env = profile, env
        self.lock = threading.Lock()
        self.reads: dict[tuple[str, str], Future[RestApiConfig]] = {}

    def __call__(self, method: str, path: str) -> RestApiConfig:
        key = (method.upper(), path)
        with self.lock:
            answer = self.reads.get(key)
            first = answer is None
            if answer is None:
                answer = self.reads[key] = Future()
        if first:
            try:
                answer.set_result(read_profile_config(self.profile, key[0], path, self.env))
            except BaseException as exc:  # the waiting caller must not wait for ever: it gets the same error
                answer.set_exception(exc)
        return answer.result()
