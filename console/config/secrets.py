"""Secret references (env:, file:, aws-secretsmanager:) resolved at the moment of use, never stored."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.config.safe_read import MIB, FileReadError, read_regular_file
from console.errors import AwsError, SecretRefError
from console.model.profile import AwsSettings, Profile, SecretRef

__all__ = [
    "SecretRef",
    "parse_secret_ref",
    "profile_resolver",
    "resolve_reference",
    "resolve_secret",
    "resolve_secret_bytes",
]


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
    aws: AwsSettings | None = None,
) -> str:
    """Parse and resolve a reference given as text (``--secret env:VAR``); errors never echo ``text``
    unless it parsed as a reference."""
    ref = parse_secret_ref(text, base_dir)
    return resolve_secret(ref, aws_profile=aws_profile, aws_region=aws_region, aws=aws)


def profile_resolver(profile: Profile) -> Callable[[SecretRef], str]:
    """``resolve_secret`` for one profile's references: an ``aws-secretsmanager:`` one is read with the profile's
    ``[aws] profile``, ``region`` and ``endpoint_url``, never silently with the default AWS credentials."""
    if profile.aws is None:
        return resolve_secret
    return functools.partial(resolve_secret, aws=profile.aws)


def _settings(aws: AwsSettings | None, aws_profile: str | None, aws_region: str | None) -> AwsSettings | None:
    """The [aws] settings an ``aws-secretsmanager:`` reference is read with: ``aws`` (a profile's), or one made of
    a bare AWS profile and region (``--secret`` on the command line), or None for the default chain."""
    if aws is not None or (aws_profile is None and aws_region is None):
        return aws
    return AwsSettings(profile=aws_profile, region=aws_region)


def resolve_secret(
    ref: SecretRef,
    *,
    aws_profile: str | None = None,
    aws_region: str | None = None,
    aws: AwsSettings | None = None,
) -> str:
    """The secret's value, read now; SecretRefError naming the reference (never a value) on failure.

    ``aws``: the profile's [aws] settings (profile, region, endpoint_url) for an ``aws-secretsmanager:`` reference;
    ``aws_profile``/``aws_region`` stand for them when there is no profile."""
    if ref.scheme == "env":
        return _from_env(ref)
    if ref.scheme == "file":
        return _from_file(ref)
    if ref.scheme == "aws-secretsmanager":
        return _from_secretsmanager(ref, _settings(aws, aws_profile, aws_region))
    raise SecretRefError(f"{ref.scheme}: is not a supported secret reference scheme")


def resolve_secret_bytes(
    ref: SecretRef,
    *,
    aws_profile: str | None = None,
    aws_region: str | None = None,
    aws: AwsSettings | None = None,
) -> bytes:
    """The secret's exact bytes, read now (an HMAC key need not be text): a ``file:`` as stored, up to
    1 MiB, regular files only; an ``env:`` variable's raw bytes; SecretRefError naming the reference."""
    if ref.scheme == "env":
        return _env_bytes(ref)
    if ref.scheme == "file":
        data = _file_bytes(ref)
        if not data:
            raise SecretRefError(f"{ref}: the file is empty ({file_path(ref)})")
        return data
    if ref.scheme == "aws-secretsmanager":
        settings = _settings(aws, aws_profile, aws_region)
        answer = _secretsmanager_answer(ref, settings)
        binary = answer.get("SecretBinary")
        if answer.get("SecretString") is None and isinstance(binary, bytes) and binary and "#" not in ref.target:
            return binary
        return _from_secretsmanager(ref, settings, answer).encode("utf-8")
    raise SecretRefError(f"{ref.scheme}: is not a supported secret reference scheme")


def _env_bytes(ref: SecretRef) -> bytes:
    environb = getattr(os, "environb", None)  # POSIX only; Windows environments are text already
    if environb is not None:
        value: bytes | None = environb.get(os.fsencode(ref.target))
    else:
        text = os.environ.get(ref.target)
        value = None if text is None else text.encode("utf-8", "surrogateescape")
    if value is None:
        raise SecretRefError(f"{ref} is not set", hint=f"export {ref.target}=… before running baton")
    if not value:
        raise SecretRefError(f"{ref} is set but empty")
    return value


def _text(ref: SecretRef, data: bytes, where: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        place = f" ({where})" if where else ""
        raise SecretRefError(f"{ref}: is not UTF-8 text{place}", hint="this secret must be text here") from None


def _from_env(ref: SecretRef) -> str:
    return _text(ref, _env_bytes(ref), None)


MAX_SECRET_FILE = MIB
"""A secret file larger than this is refused (a token or key is a few KiB at most)."""


def file_path(ref: SecretRef) -> Path:
    """Where a ``file:`` reference points: ``~`` expanded, relative to the profile's directory."""
    path = Path(ref.target).expanduser()
    if not path.is_absolute() and ref.base_dir is not None:
        path = Path(ref.base_dir) / path
    return path


def _file_bytes(ref: SecretRef) -> bytes:
    path = file_path(ref)
    try:
        return read_regular_file(path, MAX_SECRET_FILE)
    except FileReadError as exc:
        raise SecretRefError(f"{ref}: {exc.reason} ({path})") from None


def _from_file(ref: SecretRef) -> str:
    text = _text(ref, _file_bytes(ref), str(file_path(ref)))
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise SecretRefError(f"{ref}: the file is empty ({file_path(ref)})")
    return text


def _split_field(target: str) -> tuple[str, str | None]:
    """``ARN#field`` → (ARN, field): take one key of a JSON secret."""
    secret_id, sep, field = target.partition("#")
    return secret_id, (field if sep else None)


def _secretsmanager_answer(ref: SecretRef, aws: AwsSettings | None) -> dict[str, Any]:
    """GetSecretValue through the profile's [aws] session (console/aws/secrets_manager.py); SecretRefError naming
    the reference and the fix, never a value."""
    secret_id, _field = _split_field(ref.target)
    try:
        from console.aws.secrets_manager import get_secret_value
    except ImportError:
        raise SecretRefError(f"{ref}: boto3 is not installed", hint="pip install boto3") from None
    try:
        return get_secret_value(secret_id, aws)
    except AwsError as exc:
        raise SecretRefError(f"{ref}: {exc.message}", hint=exc.hint) from None


def _from_secretsmanager(ref: SecretRef, aws: AwsSettings | None, answer: dict[str, Any] | None = None) -> str:
    if answer is None:
        answer = _secretsmanager_answer(ref, aws)
    _secret_id, field = _split_field(ref.target)
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
