"""Fixtures of the AWS tests: the moto server and the fake-credential environments (tests/aws/motokit.py)."""

from __future__ import annotations

from tests.aws.motokit import aws_profile_file, closed_port_url, fake_aws, moto_url, no_aws

__all__ = ["aws_profile_file", "closed_port_url", "fake_aws", "moto_url", "no_aws"]
