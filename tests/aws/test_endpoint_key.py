"""The profile key ``[aws] endpoint_url``: read into AwsSettings, validated like every other URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import load_profile
from console.errors import ProfileError
from tests.aws.motokit import WriteProfile, aws_profile_file

__all__ = ["aws_profile_file"]


def test_endpoint_url_is_read_into_the_profiles_aws_settings(aws_profile_file: WriteProfile) -> None:
    profile = load_profile(str(aws_profile_file(region="eu-west-1", endpoint_url="http://127.0.0.1:5000")))
    assert profile.aws is not None
    assert profile.aws.endpoint_url == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("localhost:5000", "expected an http(s) URL string"),
        ("http://AKIA:s3cr3tv4lue@127.0.0.1:5000", "credentials before '@'"),
    ],
)
def test_a_bad_endpoint_url_is_a_profile_error_naming_the_key(
    aws_profile_file: WriteProfile, value: str, said: str
) -> None:
    path: Path = aws_profile_file(endpoint_url=value)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    problems = "\n".join(caught.value.problems)
    assert "aws.endpoint_url" in problems
    assert said in problems
    assert "s3cr3tv4lue" not in problems
