"""`baton aws inspect`: the request the profile sends, the REST or HTTP API config it meets, and the findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from console.aws.config_shared import ConfigReader, read_profile_config
from console.aws.inspect_findings import Expected, config_findings, token_type
from console.model.aws_config import ConfigFinding, RestApiConfig
from console.model.profile import Profile


@dataclass(frozen=True, slots=True)
class Inspection:
    """The configuration read for one request, its findings (with fix commands) and what was not checked."""

    config: RestApiConfig
    expected: Expected
    findings: tuple[ConfigFinding, ...]
    notes: tuple[str, ...]
    path_source: str

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``baton aws inspect --json``."""
        config = self.config
        return {
            "kind": config.kind,
            "api_id": config.api_id,
            "region": config.region,
            "stage": {
                "name": config.stage.name,
                "deployment_id": config.stage.deployment_id,
                "latest_deployment_id": config.stage.latest_deployment_id,
                "deployment_created": config.stage.deployment_created or None,
            },
            "source": config.source.as_dict() if config.source is not None else None,
            "undeployed": [change.as_dict() for change in config.undeployed],
            "request": {"method": config.request_method, "path": config.request_path, "path_from": self.path_source},
            "hit": config.hit.as_dict() if config.hit is not None else None,
            "miss_reason": config.miss_reason or None,
            "authorizer": config.authorizer.as_dict() if config.authorizer is not None else None,
            "token_type": token_type(config, self.expected),
            "expected_headers": dict(self.expected.headers),
            "findings": [finding.as_dict() for finding in self.findings],
            "notes": list(self.notes),
        }


def request_path(profile: Profile, given: str | None) -> tuple[str, str]:
    """The path the test request hits, relative to the stage, and where it came from."""
    if given:
        return ("/" + given.lstrip("/")), "--path"
    url = profile.gateway.url if profile.gateway is not None else None
    if not url:
        return "/", "default"
    parts = [part for part in urlsplit(url).path.split("/") if part]
    stage = profile.aws.stage if profile.aws is not None else None
    if parts and stage and stage != "$default" and parts[0] == stage:
        parts = parts[1:]  # execute-api URLs start with the stage; a custom domain's base path is not known here
    return "/" + "/".join(parts), "[gateway] url"


def inspect_profile(
    profile: Profile,
    *,
    path: str | None = None,
    method: str = "GET",
    env: Mapping[str, str] | None = None,
    read: ConfigReader | None = None,
) -> Inspection:
    """Read what the profile's stage serves (REST: its deployment's snapshot, else the current configuration with a
    note) and check it; AwsError (one line) on any AWS failure, UsageError for a method that is not an HTTP token.
    ``read``: the configuration reader to use (a trace shares one with the authorizer's decision)."""
    from console.engine.transport import check_request

    check_request(method, (), labels=("--method", "--header"))
    shown_path, source = request_path(profile, path)
    config = read(method, shown_path) if read is not None else read_profile_config(profile, method, shown_path, env)
    token_use = profile.identity.token_use if profile.identity is not None else None
    expected = Expected(
        headers=profile.propagation.headers,
        token_use=token_use,
        aws_profile=profile.aws.profile if profile.aws is not None else None,
        auth=profile.gateway.auth.value if profile.gateway is not None else None,
    )
    findings, notes = config_findings(config, expected)
    return Inspection(config, expected, tuple(findings), tuple(notes), source)
