"""`aws inspect` reads what a REST stage serves — its deployment's snapshot (GetExport) — not the API's current
(draft) configuration; says which it shows; flags a change not deployed; falls back to the draft with a note when
GetExport is refused. HTTP APIs: the current routes, and a note when the stage does not auto-deploy.

GetExport is answered by botocore's Stubber (moto's ignores the stage and writes no integration); every other call
goes to the moto server."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.aws.inspect_rest import Inspection, inspect_profile
from console.cli import main
from console.config import load_profile
from tests.aws.motokit import MotoHttpApi, MotoRestApi, rest_profile
from tests.aws.test_stage_snapshot_kit import export_of, stub_exports

SUB = "context.authorizer.claims.sub"
EMAIL = "context.authorizer.claims.email"


def _remap(api: MotoRestApi, resource: str, source: str) -> None:
    """Change the draft: X-User-Id now from ``source`` (not deployed; moto has no UpdateIntegration)."""
    api.client.put_integration(
        restApiId=api.api_id,
        resourceId=resource,
        httpMethod="GET",
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri="https://iis.example.test/orders/{id}",
        requestParameters={"integration.request.header.X-User-Id": source},
    )


def _older_stage(moto_url: str) -> tuple[MotoRestApi, str, dict[str, Any]]:
    """dev serves d1 (X-User-Id ← sub); the draft maps email since, deployed to prod only: (api, d1, dev's export)."""
    api = MotoRestApi(moto_url)
    authorizer, _ = api.cognito_authorizer()
    resource = api.method(
        "/orders/{id}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer, headers={"X-User-Id": SUB}
    )
    first = api.deploy("dev")
    snapshot = export_of(api, "dev")
    _remap(api, resource, EMAIL)
    assert api.client.get_integration(restApiId=api.api_id, resourceId=resource, httpMethod="GET")[
        "requestParameters"
    ] == {"integration.request.header.X-User-Id": EMAIL}
    time.sleep(1.1)  # createdDate has one-second resolution: a tie is never called stale
    api.deploy("prod")
    return api, first, snapshot


def _inspect(folder: Path, moto_url: str, api_id: str, **kwargs: Any) -> Inspection:
    return inspect_profile(load_profile(str(rest_profile(folder, moto_url, api_id, **kwargs))))


def _codes(inspection: Inspection) -> list[str]:
    return [item.finding.code for item in inspection.findings]


def test_a_stage_on_an_older_deployment_shows_the_deployed_mappings_and_the_change_not_deployed(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, first, snapshot = _older_stage(moto_url)
    queue = stub_exports(monkeypatch, ("dev", snapshot))
    inspection = _inspect(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub"})
    assert not queue  # GetExport was asked, for stage dev, as oas30 with the two extensions
    config = inspection.config
    assert config.hit is not None
    assert {m.header: m.source for m in config.hit.mappings} == {"X-User-Id": SUB}  # what dev serves, not the draft
    assert config.source is not None and config.source.kind == "deployed"
    assert config.source.summary.startswith(f"as deployed to stage dev (deployment {first}, created 20")
    assert config.authorizer is not None and config.authorizer.type == "COGNITO_USER_POOLS"
    assert sorted(_codes(inspection)) == ["config.not_deployed", "config.stale_deployment"]
    [item] = [item for item in inspection.findings if item.finding.code == "config.not_deployed"]
    assert item.finding.severity.value == "warning"
    assert f"X-User-Id: deployed {SUB}, current {EMAIL}" in item.finding.detail
    assert item.commands == (
        f"aws apigateway create-deployment --rest-api-id {api.api_id} --stage-name dev --region eu-west-1",
    )
    document = inspection.as_dict()
    assert document["source"]["kind"] == "deployed"
    assert document["undeployed"] == [{"subject": "X-User-Id", "deployed": SUB, "current": EMAIL}]


def test_the_cli_says_which_configuration_it_shows(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api, first, snapshot = _older_stage(moto_url)
    stub_exports(monkeypatch, ("dev", snapshot))
    profile = rest_profile(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub"})
    assert main(["aws", "inspect", "--profile", str(profile)]) == 0  # warnings only
    out = capsys.readouterr().out
    assert f"config    as deployed to stage dev (deployment {first}, created " in out
    assert "headers sent to IIS (as deployed to stage dev)" in out
    assert f"  X-User-Id ← {SUB}" in out
    assert "config.not_deployed  changed but not deployed: stage dev still serves the deployed version" in out
    assert f"$ aws apigateway create-deployment --rest-api-id {api.api_id} --stage-name dev" in out


def test_a_stage_serving_the_current_configuration_has_no_not_deployed_finding(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = MotoRestApi(moto_url)
    api.method("/orders/{id}", "GET", headers={"X-Request-Id": "context.requestId"})
    api.deploy("dev")
    stub_exports(monkeypatch, ("dev", export_of(api)))
    inspection = _inspect(fake_aws, moto_url, api.api_id, headers={})
    assert inspection.config.source is not None and inspection.config.source.kind == "deployed"
    assert inspection.config.undeployed == ()
    assert "config.not_deployed" not in _codes(inspection)
    assert not any("GetExport" in note or "current configuration" in note for note in inspection.notes)


def test_get_export_refused_falls_back_to_the_draft_with_a_note(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _, _ = _older_stage(moto_url)
    stub_exports(monkeypatch, ("dev", "AccessDeniedException"))
    inspection = _inspect(fake_aws, moto_url, api.api_id, headers={"X-User-Id": "sub"})
    config = inspection.config
    assert config.hit is not None
    assert {m.header: m.source for m in config.hit.mappings} == {"X-User-Id": EMAIL}  # the draft, said so below
    assert config.source is not None and config.source.kind == "draft"
    [note] = [note for note in inspection.notes if "GetExport" in note]
    assert note.startswith("GetExport of stage dev failed: ")
    assert "apigateway:GET on arn:aws:apigateway:REGION::/restapis/*/stages/*/exports/*" in note
    assert "shown is the API's current configuration, which may not be what stage dev serves" in note
    assert "config.not_deployed" not in _codes(inspection)  # nothing to compare with


def test_two_stages_are_read_each_from_its_own_snapshot(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _, dev_snapshot = _older_stage(moto_url)
    prod_snapshot = export_of(api, "prod")
    stub_exports(monkeypatch, ("prod", prod_snapshot), ("dev", dev_snapshot))
    prod = _inspect(fake_aws, moto_url, api.api_id, stage="prod", url_path="/prod/orders/42", name="p")
    dev = _inspect(fake_aws, moto_url, api.api_id, stage="dev", name="d")
    assert prod.config.hit is not None and dev.config.hit is not None
    assert [m.source for m in prod.config.hit.mappings] == [EMAIL]
    assert [m.source for m in dev.config.hit.mappings] == [SUB]
    assert prod.config.undeployed == () and len(dev.config.undeployed) == 1


def test_http_api_stages_read_the_current_routes_and_say_so_when_not_auto_deployed(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = MotoHttpApi(moto_url)
    api.route("GET /orders/{id}", parameters={"overwrite:header.X-User-Id": "$context.authorizer.claims.sub"})
    api.stage()
    auto = _inspect(fake_aws, moto_url, api.api_id, kind="http", url_path="/orders/42")
    assert auto.config.source is not None and auto.config.source.kind == "current"
    assert not any("snapshot" in note for note in auto.notes)
    from console.aws import session
    from tests.aws.test_inspect_http import stub_calls

    real = session.make_client

    def stubbed(*args: Any, **kwargs: Any) -> Any:  # moto keeps no DeploymentId and has no GetDeployments
        client = real(*args, **kwargs)
        dated = {"DeploymentId": "old1", "CreatedDate": datetime(2026, 1, 1, tzinfo=UTC)}
        stub_calls(
            client,
            {
                "get_stage": [{"StageName": "dev", "DeploymentId": "old1", "AutoDeploy": False}],
                "get_deployments": [{"Items": [dated]}],
            },
        )
        return client

    monkeypatch.setattr("console.aws.config_read_http.make_client", stubbed)
    manual = _inspect(fake_aws, moto_url, api.api_id, kind="http", url_path="/orders/42")
    assert manual.config.source is not None and manual.config.source.kind == "draft"
    [note] = [note for note in manual.notes if "snapshot" in note]
    assert "stage dev does not auto-deploy and serves deployment old1" in note
    assert manual.config.hit is not None and [m.header for m in manual.config.hit.mappings] == ["X-User-Id"]
