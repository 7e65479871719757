"""QA6 #15 and #19 for `baton aws authorize|inspect|whoami|diff`: the --json failure convention is documented in each
verb's help, and an Authorization given with --header replaces the profile's token (none is acquired)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import main
from tests.aws.motokit import MotoRestApi, closed_port_url, fake_aws, moto_url, no_aws, rest_profile

__all__ = ["closed_port_url", "fake_aws", "moto_url", "no_aws"]  # fixtures used below


@pytest.mark.parametrize("verb", ["inspect", "whoami", "diff", "authorize"])
def test_15_each_verb_documents_its_json_error_document(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["aws", verb, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert 'With --json a failure is also one JSON document on stdout ({"ok": false, "error":' in text


def test_19_an_authorization_header_replaces_the_profiles_token(
    fake_aws: Path, moto_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BATON_TEST_TOKEN", raising=False)  # the profile's token = "env:BATON_TEST_TOKEN", unset
    api = MotoRestApi(moto_url)
    authorizer, _ = api.cognito_authorizer()
    api.method("/orders/{id}", "GET", auth="COGNITO_USER_POOLS", authorizer=authorizer)
    api.deploy()
    profile = rest_profile(fake_aws, moto_url, api.api_id, token_use="id")
    code = main(["aws", "authorize", "--profile", str(profile), "--header", "Authorization: Bearer not-a-jwt"])
    captured = capsys.readouterr()
    assert "BATON_TEST_TOKEN" not in captured.err
    assert code == 1  # refused: the header's token is judged (and is no JWT)
    assert "token from --header Authorization" in captured.out
