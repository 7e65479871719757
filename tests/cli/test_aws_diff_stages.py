"""`baton aws diff` between two stages of ONE REST API: each side is what its stage serves (its deployment's
snapshot, from GetExport), so a mapping that differs between the two deployments is named — issue 11's done-when.

GetExport is answered by botocore's Stubber (moto's ignores the stage and writes no integration); every other call
goes to the moto server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws
from tests.aws.motokit_drift import cognito_api, drift_profile
from tests.aws.test_stage_snapshot_kit import export_of, stub_exports

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below

SUB = "context.authorizer.claims.sub"
EMAIL = "context.authorizer.claims.email"


def _two_stages(moto_url: str) -> tuple[MotoRestApi, dict[str, object], dict[str, object]]:
    """staging serves a deployment mapping X-User-Id from sub; production a later one mapping it from email."""
    api, _ = cognito_api(moto_url, {"X-User-Id": SUB})
    api.deploy("staging")
    staging = export_of(api, "staging")
    resource = api.ids["/orders/{id}"]
    api.client.put_integration(
        restApiId=api.api_id,
        resourceId=resource,
        httpMethod="GET",
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri="https://iis.example.test/orders/{id}",
        requestParameters={"integration.request.header.X-User-Id": EMAIL},
    )
    time.sleep(1.1)  # createdDate has one-second resolution
    api.deploy("production")
    return api, staging, export_of(api, "production")


def test_a_mapping_that_differs_between_two_stages_of_one_api_is_named(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api, staging, production = _two_stages(moto_url)
    queue = stub_exports(monkeypatch, ("staging", staging), ("production", production))
    expects = {"X-User-Id": "sub"}
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging", stage="staging", headers=expects)
    b = drift_profile(fake_aws, moto_url, api.api_id, "production", stage="production", headers=expects)
    assert main(["aws", "diff", a, b]) == 1
    assert not queue  # each stage's own snapshot was asked for
    out = capsys.readouterr().out
    assert "mapping       X-User-Id" in out
    assert f"staging     {SUB}" in out
    assert f"production  {EMAIL}" in out
    assert "staging maps X-User-Id from the ID token's sub; production from the ID token's email" in out
    assert "likely wrong: production — its profile expects X-User-Id to carry sub, not email" in out
    assert "config as deployed to stage staging (deployment " in out
    assert "config as deployed to stage production (deployment " in out
    assert "the mappings and authorizer shown are the API's current configuration" not in out


def test_the_json_names_the_mapping_and_each_side_s_snapshot(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api, staging, production = _two_stages(moto_url)
    stub_exports(monkeypatch, ("staging", staging), ("production", production))
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging", stage="staging")
    b = drift_profile(fake_aws, moto_url, api.api_id, "production", stage="production")
    assert main(["aws", "diff", a, b, "--json"]) == 1  # an identity header from another claim changes who IIS sees
    document = json.loads(capsys.readouterr().out)
    assert document["a"]["source"].startswith("as deployed to stage staging")
    mapping = [d for d in document["identity_differences"] if d["kind"] == "mapping"]
    assert [(d["subject"], d["values"]) for d in mapping] == [("X-User-Id", {"staging": SUB, "production": EMAIL})]


def test_a_side_whose_snapshot_is_refused_says_it_compared_the_current_configuration(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api, staging, _ = _two_stages(moto_url)
    stub_exports(monkeypatch, ("staging", staging), ("production", "AccessDeniedException"))
    a = drift_profile(fake_aws, moto_url, api.api_id, "staging", stage="staging")
    b = drift_profile(fake_aws, moto_url, api.api_id, "production", stage="production")
    main(["aws", "diff", a, b])
    out = capsys.readouterr().out
    assert "note  production: GetExport of stage production failed: " in out
    assert "shown is the API's current configuration, which may not be what stage production serves" in out
