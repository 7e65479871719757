"""Secret references (env:, file:, aws-secretsmanager:) resolved at the moment of use, never stored."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from console.errors import SecretRefError
from console.model.profile import SecretRef

__all__ = ["SecretRef", "parse_secret_ref", "resolve_reference", "resolve_secret"]


def parse_secret_ref(text: str, base_dir: str | None = None) -> SecretRef:
    """``SecretRef.parse`` with Baton's error type; the message never repeats ``text``."""
    try:
        return SecretRef.parse(text, base_dir)
    except ValueError as exc:
        raise SecretRefError(str(exc)) from None


def resolve_reference(
    text: str,
    base_dir: str | None = None,
    *,
    aws_profile: str | None = None,
    aws_region: str | None = None,
) -> str:
    """Parse and resolve a reference given as text (``--secret env:VAR``); errors never echo ``text``
    unless it parsed as a reference."""
    return resolve_secret(parse_secret_ref(text, base_dir), aws_profile=aws_profile, aws_region=aws_region)


def resolve_secret(ref: SecretRef, *, aws_profile: str | None = None, aws_region: str | None = None) -> str:
    """The secret's value, read now; SecretRefError naming the reference (never a value) on failure."""
    if ref.scheme == "env":
        return _from_env(ref)
    if ref.scheme == "file":
        return _from_file(ref)
    if ref.scheme == "aws-secretsmanager":
        return _from_secretsmanager(ref, aws_profile, aws_region)
    raise SecretRefError(f"{ref.scheme}: is not a supported secret reference scheme")


def _from_env(ref: SecretRef) -> str:
    value = os.environ.get(ref.target)
    if value is None:
        raise SecretRefError(f"{ref} is not set", hint=f"export {ref.target}=… before running baton")
    if not value:
        raise SecretRefError(f"{ref} is set but empty")
    return value


def file_path(ref: SecretRef) -> Path:
    """Where a ``file:`` reference points: ``~`` expanded, relative to the profile's directory."""
    path = Path(ref.target).expanduser()
    if not path.is_absolute() and ref.base_dir is not None:
        path = Path(ref.base_dir) / path
    return path


def _from_file(ref: SecretRef) -> str:
    path = file_path(ref)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecretRefError(f"{ref}: no such file ({path})") from None
    except IsADirectoryError:
        raise SecretRefError(f"{ref}: is a directory ({path})") from None
    except PermissionError:
        raise SecretRefError(f"{ref}: permission denied ({path})") from None
    except UnicodeDecodeError:
        raise SecretRefError(f"{ref}: is not UTF-8 text ({path})") from None
    except OSError as exc:
        raise SecretRefError(f"{ref}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise SecretRefError(f"{ref}: the file is empty ({path})")
    return text


def _split_field(target: str) -> tuple[str, str | None]:
    """``ARN#field`` → (ARN, field): take one key of a JSON secret."""
    secret_id, sep, field = target.partition("#")
    return secret_id, (field if sep else None)


def _from_secretsmanager(ref: SecretRef, aws_profile: str | None, aws_region: str | None) -> str:
    secret_id, field = _split_field(ref.target)
    parts = secret_id.split(":")
    region = parts[3] if secret_id.startswith("arn:") and len(parts) > 3 and parts[3] else aws_region
    try:
        import boto3
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            ProfileNotFound,
        )
    except ImportError:
        raise SecretRefError(f"{ref}: boto3 is not installed") from None
    try:
        session = boto3.Session(profile_name=aws_profile, region_name=region)
        client = session.client("secretsmanager")
        answer: dict[str, Any] = client.get_secret_value(SecretId=secret_id)
    except ProfileNotFound:
        raise SecretRefError(f"{ref}: AWS profile {aws_profile!r} is not configured") from None
    except NoCredentialsError:
        raise SecretRefError(f"{ref}: no AWS credentials", hint="set AWS_PROFILE or [aws] profile") from None
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "error"))
        raise SecretRefError(f"{ref}: Secrets Manager refused ({code})", hint=_HINTS.get(code)) from None
    except BotoCoreError as exc:
        raise SecretRefError(f"{ref}: cannot reach Secrets Manager ({type(exc).__name__})") from None
    value = answer.get("SecretString")
    if value is None and isinstance(answer.get("SecretBinary"), bytes):
        try:
            value = answer["SecretBinary"].decode("utf-8")
        except UnicodeDecodeError:
            raise SecretRefError(f"{ref}: the secret is binary, not text") from None
    if not isinstance(value, str) or not value:
        raise SecretRefError(f"{ref}: the secret has no text value")
    if field is None:
        return value
    return _json_field(ref, value, field)


def _json_field(ref: SecretRef, value: str, field: str) -> str:
    try:
        document = json.loads(value)
    except ValueError:
        raise SecretRefError(f"{ref}: the secret is not JSON, so '#{field}' cannot be taken") from None
    item = document.get(field) if isinstance(document, dict) else None
    if not isinstance(item, str) or not item:
        raise SecretRefError(f"{ref}: the JSON secret has no text key '{field}'")
    return item


_HINTS = {
    "ResourceNotFoundException": "check the ARN and the region",
    "AccessDeniedException": "the caller needs secretsmanager:GetSecretValue on it",
    "DecryptionFailure": "the caller needs kms:Decrypt on the secret's key",
}
