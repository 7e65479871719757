"""botocore at DEBUG would log the signed request and every response body (security.md §0.9, §2.5): with the root
logger at DEBUG, no AWS secret or session token reaches a handler or Baton's output."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.aws.identity import caller_identity
from console.aws.session import make_client, make_session, target_for
from console.cli import main
from console.model.profile import AwsSettings
from tests.aws.motokit import FAKE_SECRET, FAKE_SESSION_TOKEN, MOTO_ACCOUNT


class Everything(logging.Handler):
    """Keeps every record's formatted text, exception included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


@pytest.fixture
def root_at_debug() -> Iterator[Everything]:
    root = logging.getLogger()
    handler = Everything()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    # What a user's `boto3.set_stream_logger('botocore.endpoint')` would leave behind before Baton runs.
    logging.getLogger("botocore.endpoint").setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_sts_calls_at_debug_leave_no_secret_in_any_log_record_or_output(
    fake_aws: Path, moto_url: str, root_at_debug: Everything, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = AwsSettings(region="eu-west-1", endpoint_url=moto_url)
    assert caller_identity(settings).account == MOTO_ACCOUNT
    target = target_for(settings)
    sts = make_client(make_session(target), "sts", target)
    # AssumeRole's response body carries a fresh secret key and session token: the worst body botocore could log.
    issued = sts.assume_role(RoleArn=f"arn:aws:iam::{MOTO_ACCOUNT}:role/probe", RoleSessionName="baton")["Credentials"]
    profile = Path(str(fake_aws)) / "awsdebug.toml"
    profile.write_text(
        'environment = "dev"\n[gateway]\nurl = "https://a.example/x"\n'
        f'[aws]\nregion = "eu-west-1"\nendpoint_url = "{moto_url}"\n'
    )
    assert main(["aws", "whoami", "--profile", str(profile), "--json"]) == 0
    out = capsys.readouterr()
    secrets = (FAKE_SECRET, FAKE_SESSION_TOKEN, issued["SecretAccessKey"], issued["SessionToken"])
    for text in [*root_at_debug.texts, out.out, out.err]:
        for secret in secrets:
            assert secret not in text
    assert MOTO_ACCOUNT in out.out
