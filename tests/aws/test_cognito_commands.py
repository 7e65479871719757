"""The commands that acquire a token outside a trace (`baton token`, `baton aws authorize`) sign in with the cognito
flow through the profile's [aws] session, as a trace does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cognito import PASSWORD, Pool, _claims, _profile, pool

from console.cli import main

__all__ = ["pool"]  # the fixture used below


def test_baton_token_signs_in_with_the_cognito_flow(
    pool: Pool,
    moto_url: str,
    closed_port_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BATON_TEST_COGNITO_PASSWORD", PASSWORD)
    profile = _profile(tmp_path, moto_url, closed_port_url, pool, "access", secret=False)
    assert main(["token", "--profile", str(profile)]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert _claims(token)["token_use"] == "access"
    assert PASSWORD not in out.out + out.err


def test_aws_authorize_without_a_token_signs_in_with_the_cognito_flow(
    pool: Pool,
    moto_url: str,
    closed_port_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No --token: the token comes from the profile's [identity] (cognito here), not "needs the [aws] session"."""
    monkeypatch.setenv("BATON_TEST_COGNITO_PASSWORD", PASSWORD)
    profile = _profile(tmp_path, moto_url, closed_port_url, pool, "access", secret=False)
    main(["aws", "authorize", "--profile", str(profile), "--json"])
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["token_from"].startswith("Cognito InitiateAuth (USER_PASSWORD_AUTH) in eu-west-1")
    assert document["request"]["authorization"].startswith("Bearer <redacted JWT")
    assert PASSWORD not in out.out + out.err
