"""The boto3 session of a profile's [aws] table, against a real local AWS API (moto on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

import console.aws.session as session_module
from console.aws.identity import caller_identity
from console.aws.session import make_client, make_session, target_for
from console.errors import AwsError
from console.model.profile import AwsSettings
from tests.aws.motokit import MOTO_ACCOUNT


def test_whoami_reaches_moto_through_the_profiles_endpoint_and_region(fake_aws: Path, moto_url: str) -> None:
    who = caller_identity(AwsSettings(region="eu-west-1", endpoint_url=moto_url))
    assert who.account == MOTO_ACCOUNT
    assert who.arn.startswith(f"arn:aws:sts::{MOTO_ACCOUNT}:")
    assert who.user_id
    assert (who.region, who.region_source) == ("eu-west-1", "[aws] region")
    assert (who.endpoint, who.endpoint_source) == (moto_url, "[aws] endpoint_url")


def test_aws_endpoint_url_and_aws_region_from_the_environment_are_honoured(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    who = caller_identity(None)
    assert who.account == MOTO_ACCOUNT
    assert (who.endpoint, who.endpoint_source) == (moto_url, "AWS_ENDPOINT_URL")
    assert (who.region, who.region_source) == ("ap-southeast-2", "AWS_REGION")


def test_the_profiles_endpoint_wins_over_aws_endpoint_url(
    fake_aws: Path, moto_url: str, closed_port_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed_port_url)
    who = caller_identity(AwsSettings(region="eu-west-1", endpoint_url=moto_url))
    assert (who.endpoint, who.account) == (moto_url, MOTO_ACCOUNT)


def test_a_named_aws_profile_supplies_credentials_and_region(no_aws: Path, moto_url: str) -> None:
    (no_aws / "config").write_text("[profile baton-test]\nregion = eu-central-1\n")
    (no_aws / "credentials").write_text(
        "[baton-test]\naws_access_key_id = AKIANAMEDPROFILE0001\naws_secret_access_key = named-profile-secret\n"
    )
    who = caller_identity(AwsSettings(profile="baton-test", endpoint_url=moto_url))
    assert who.account == MOTO_ACCOUNT
    assert (who.aws_profile, who.aws_profile_source) == ("baton-test", "[aws] profile")
    assert who.region == "eu-central-1"


def _failure(settings: AwsSettings | None) -> AwsError:
    with pytest.raises(AwsError) as caught:
        caller_identity(settings)
    return caught.value


def test_no_credentials_names_aws_configure_sso_login_and_aws_profile(no_aws: Path, moto_url: str) -> None:
    error = _failure(AwsSettings(region="eu-west-1", endpoint_url=moto_url))
    assert error.reason == "credentials"
    assert error.exit_code == 2
    line = error.one_line()
    assert "no AWS credentials" in line
    assert "aws configure" in line and "aws sso login" in line and "AWS_PROFILE" in line
    assert "\n" not in line


def test_an_unknown_aws_profile_is_named_with_the_command_that_creates_it(no_aws: Path, moto_url: str) -> None:
    error = _failure(AwsSettings(profile="no-such-profile", endpoint_url=moto_url))
    assert error.reason == "credentials"
    assert "'no-such-profile'" in error.one_line()
    assert "aws configure --profile no-such-profile" in error.one_line()


def test_an_sso_profile_that_never_logged_in_says_aws_sso_login(no_aws: Path, moto_url: str) -> None:
    (no_aws / "config").write_text(
        "[profile sso-dev]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n"
        f"sso_account_id = {MOTO_ACCOUNT}\nsso_role_name = Dev\nregion = eu-west-1\n"
    )
    error = _failure(AwsSettings(profile="sso-dev", endpoint_url=moto_url))
    assert error.reason == "expired"
    assert "aws sso login --profile sso-dev" in error.one_line()


def test_an_unreachable_endpoint_is_one_line_naming_it(fake_aws: Path, closed_port_url: str) -> None:
    error = _failure(AwsSettings(region="eu-west-1", endpoint_url=closed_port_url))
    assert error.reason == "unreachable"
    assert f"cannot reach {closed_port_url}/" in error.one_line()
    assert "[aws] endpoint_url" in error.one_line()


def test_a_malformed_region_is_named(fake_aws: Path, moto_url: str) -> None:
    error = _failure(AwsSettings(region="eu west 1", endpoint_url=moto_url))
    assert error.reason == "region"
    assert "'eu west 1' is not an AWS region name" in error.one_line()


def test_a_regional_service_without_any_region_says_where_to_set_one(fake_aws: Path) -> None:
    target = target_for(AwsSettings())
    with pytest.raises(AwsError) as caught:
        make_client(make_session(target), "apigateway", target)
    assert caught.value.reason == "region"
    assert "[aws] region" in caught.value.one_line() and "AWS_REGION" in caught.value.one_line()


# moto answers every call as an authorised, unthrottled caller with live credentials, so these answers come from
# botocore's Stubber on a client built by make_client (the same one caller_identity uses).
STUBBED = [
    ("Throttling", "throttled", "wait a few seconds"),
    ("TooManyRequestsException", "throttled", "wait a few seconds"),
    ("ExpiredToken", "expired", "aws sso login"),
    ("ExpiredTokenException", "expired", "aws sso login"),
    ("AccessDenied", "unauthorized", "allow sts:GetCallerIdentity"),
    ("UnrecognizedClientException", "unauthorized", "aws configure"),
    ("InvalidClientTokenId", "unauthorized", "aws configure"),
    ("SignatureDoesNotMatch", "unauthorized", "aws configure"),
    ("RequestExpired", "clock", "NTP"),
]


@pytest.mark.parametrize(("code", "reason", "fix"), STUBBED)
def test_aws_error_codes_are_one_line_naming_the_fix(
    fake_aws: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, code: str, reason: str, fix: str
) -> None:
    real = session_module.make_client

    def stubbed(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)
        stubber = Stubber(client)
        stubber.add_client_error("get_caller_identity", service_error_code=code, http_status_code=403)
        stubber.activate()
        return client

    monkeypatch.setattr("console.aws.identity.make_client", stubbed)
    error = _failure(AwsSettings(region="eu-west-1", endpoint_url=moto_url))
    assert error.reason == reason
    assert fix in error.one_line()
    assert code in error.one_line()
    assert error.one_line().startswith("sts GetCallerIdentity: ")
