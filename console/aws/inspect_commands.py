"""The exact AWS CLI commands that would fix a config finding (apigateway, apigatewayv2): text, shown, never run."""

from __future__ import annotations

import json
import shlex

from console.model.aws_config import RestApiConfig


class Commands:
    """Command builder for one API, stage, region and AWS named profile."""

    def __init__(self, config: RestApiConfig, aws_profile: str | None) -> None:
        self.config = config
        self.aws_profile = aws_profile

    def _tail(self) -> str:
        parts = []
        if self.config.region:
            parts.append(f"--region {shlex.quote(self.config.region)}")
        if self.aws_profile:
            parts.append(f"--profile {shlex.quote(self.aws_profile)}")
        return (" " + " ".join(parts)) if parts else ""

    def _api(self) -> str:
        return f"--rest-api-id {shlex.quote(self.config.api_id)}"

    def redeploy(self) -> str:
        """A new deployment to the stage: integration and authorizer edits reach callers only after one."""
        stage = shlex.quote(self.config.stage.name)
        return f"aws apigateway create-deployment {self._api()} --stage-name {stage}{self._tail()}"

    def set_header(self, header: str, source: str, *, replace: bool = False, drop: str = "") -> tuple[str, str]:
        """update-integration adding (or replacing) ``integration.request.header.HEADER = source``, then redeploy;
        ``drop`` is for HTTP APIs only (a REST header has one mapping key)."""
        hit = self.config.hit
        assert hit is not None
        op = "replace" if replace else "add"
        patch = shlex.quote(f"op={op},path=/requestParameters/integration.request.header.{header},value={source}")
        command = (
            f"aws apigateway update-integration {self._api()} --resource-id {shlex.quote(hit.resource_id)} "
            f"--http-method {shlex.quote(hit.http_method)} --patch-operations {patch}{self._tail()}"
        )
        return command, self.redeploy()

    def secret_from_stage_variable(self, header: str, variable: str, *, replace: bool = False) -> tuple[str, ...]:
        """Keep the origin secret in a stage variable and map the header from it (no literal to quote), then
        redeploy: a placeholder the user fills in, never a value Baton knows."""
        stage = shlex.quote(self.config.stage.name)
        patch = shlex.quote(f"op=replace,path=/variables/{variable},value=<the origin secret>")
        set_variable = (
            f"aws apigateway update-stage {self._api()} --stage-name {stage} --patch-operations {patch}{self._tail()}"
        )
        mapping, redeploy = self.set_header(header, f"stageVariables.{variable}", replace=replace)
        return set_variable, mapping, redeploy

    def attach_authorizer(self, claims: bool) -> tuple[str, str]:
        """update-method putting an authorizer (Cognito for claims, else a Lambda one) on the hit method, then
        redeploy; the authorizer id is a placeholder the user fills in."""
        hit = self.config.hit
        assert hit is not None
        kind = "COGNITO_USER_POOLS" if claims else "CUSTOM"
        patch = f"op=replace,path=/authorizationType,value={kind} op=replace,path=/authorizerId,value='<authorizer id>'"
        command = (
            f"aws apigateway update-method {self._api()} --resource-id {shlex.quote(hit.resource_id)} "
            f"--http-method {shlex.quote(hit.http_method)} --patch-operations {patch}{self._tail()}"
        )
        return command, self.redeploy()

    def authorizer_ttl_zero(self, authorizer_id: str) -> tuple[str, str]:
        """update-authorizer setting the result cache TTL to 0, then redeploy."""
        patch = "op=replace,path=/authorizerResultTtlInSeconds,value=0"
        command = (
            f"aws apigateway update-authorizer {self._api()} --authorizer-id {shlex.quote(authorizer_id)} "
            f"--patch-operations {patch}{self._tail()}"
        )
        return command, self.redeploy()

    def stage_to(self, deployment_id: str) -> str:
        """update-stage pointing the stage at ``deployment_id``."""
        patch = shlex.quote(f"op=replace,path=/deploymentId,value={deployment_id}")
        stage = shlex.quote(self.config.stage.name)
        api = self._api()
        return f"aws apigateway update-stage {api} --stage-name {stage} --patch-operations {patch}{self._tail()}"


class HttpCommands(Commands):
    """The apigatewayv2 forms of the same fixes, for an HTTP API."""

    def _api(self) -> str:
        return f"--api-id {shlex.quote(self.config.api_id)}"

    def redeploy(self) -> str:
        """A new deployment to the stage; empty when the stage deploys every change itself."""
        if self.config.stage.auto_deploy:
            return ""
        stage = shlex.quote(self.config.stage.name)
        return f"aws apigatewayv2 create-deployment {self._api()} --stage-name {stage}{self._tail()}"

    def _parameters(self, entries: dict[str, str]) -> tuple[str, str]:
        hit = self.config.hit
        assert hit is not None
        body = shlex.quote(json.dumps(entries, separators=(",", ":")))
        command = (
            f"aws apigatewayv2 update-integration {self._api()} --integration-id {shlex.quote(hit.integration_id)} "
            f"--request-parameters {body}{self._tail()}"
        )
        return command, self.redeploy()

    def set_header(self, header: str, source: str, *, replace: bool = False, drop: str = "") -> tuple[str, str]:
        """``overwrite:header.HEADER = source`` (``drop``: an ``append:``/other key to clear), then redeploy."""
        entries = {f"overwrite:header.{header}": source}
        if drop:
            entries[drop] = ""  # an empty value removes a key (unverified against AWS: see the report)
        return self._parameters(entries)

    def secret_from_stage_variable(self, header: str, variable: str, *, replace: bool = False) -> tuple[str, ...]:
        """Keep the origin secret in a stage variable, map the header from it, redeploy."""
        stage = shlex.quote(self.config.stage.name)
        value = shlex.quote(f"{variable}=<the origin secret>")
        set_variable = (
            f"aws apigatewayv2 update-stage {self._api()} --stage-name {stage} --stage-variables {value}{self._tail()}"
        )
        mapping, redeploy = self.set_header(header, f"$stageVariables.{variable}")
        return set_variable, mapping, redeploy

    def attach_authorizer(self, claims: bool) -> tuple[str, str]:
        """update-route putting an authorizer (JWT for claims, else a Lambda one) on the hit route, then redeploy."""
        hit = self.config.hit
        assert hit is not None
        kind = "JWT" if claims else "CUSTOM"
        command = (
            f"aws apigatewayv2 update-route {self._api()} --route-id {shlex.quote(hit.resource_id)} "
            f"--authorization-type {kind} --authorizer-id '<authorizer id>'{self._tail()}"
        )
        return command, self.redeploy()

    def authorizer_ttl_zero(self, authorizer_id: str) -> tuple[str, str]:
        """update-authorizer with no result caching, then redeploy."""
        command = (
            f"aws apigatewayv2 update-authorizer {self._api()} --authorizer-id {shlex.quote(authorizer_id)} "
            f"--authorizer-result-ttl-in-seconds 0{self._tail()}"
        )
        return command, self.redeploy()

    def stage_to(self, deployment_id: str) -> str:
        """update-stage pointing the stage at ``deployment_id``."""
        stage = shlex.quote(self.config.stage.name)
        return (
            f"aws apigatewayv2 update-stage {self._api()} --stage-name {stage} "
            f"--deployment-id {shlex.quote(deployment_id)}{self._tail()}"
        )


def commands_for(config: RestApiConfig, aws_profile: str | None) -> Commands:
    """The command builder for the config's kind of API."""
    return HttpCommands(config, aws_profile) if config.kind == "http" else Commands(config, aws_profile)
